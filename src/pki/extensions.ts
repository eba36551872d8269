import {
  type Tlv,
  Tag,
  DerCursor,
  DerError,
  bytes,
  children,
  contentHex,
  ctx,
  expectTag,
  readBits,
  readBoolean,
  readIa5,
  readOid,
  readRoot,
  readSmallInt,
  toHex,
} from './der.ts';
import { type DistinguishedName, readName } from './dn.ts';

export const OID = {
  subjectKeyIdentifier: '2.5.29.14',
  keyUsage: '2.5.29.15',
  subjectAltName: '2.5.29.17',
  issuerAltName: '2.5.29.18',
  basicConstraints: '2.5.29.19',
  nameConstraints: '2.5.29.30',
  crlDistributionPoints: '2.5.29.31',
  certificatePolicies: '2.5.29.32',
  policyMappings: '2.5.29.33',
  authorityKeyIdentifier: '2.5.29.35',
  policyConstraints: '2.5.29.36',
  extKeyUsage: '2.5.29.37',
  inhibitAnyPolicy: '2.5.29.54',
  authorityInfoAccess: '1.3.6.1.5.5.7.1.1',
  subjectInfoAccess: '1.3.6.1.5.5.7.1.11',
  ctPoison: '1.3.6.1.4.1.11129.2.4.3',
  sct: '1.3.6.1.4.1.11129.2.4.2',
} as const;

export const EKU = {
  serverAuth: '1.3.6.1.5.5.7.3.1',
  clientAuth: '1.3.6.1.5.5.7.3.2',
  codeSigning: '1.3.6.1.5.5.7.3.3',
  emailProtection: '1.3.6.1.5.5.7.3.4',
  timeStamping: '1.3.6.1.5.5.7.3.8',
  OCSPSigning: '1.3.6.1.5.5.7.3.9',
  anyExtendedKeyUsage: '2.5.29.37.0',
} as const;

export const KEY_USAGE_BITS = [
  'digitalSignature',
  'nonRepudiation',
  'keyEncipherment',
  'dataEncipherment',
  'keyAgreement',
  'keyCertSign',
  'cRLSign',
  'encipherOnly',
  'decipherOnly',
] as const;
export type KeyUsageName = (typeof KEY_USAGE_BITS)[number];

export interface Extension {
  readonly oid: string;
  readonly critical: boolean;
  readonly value: Uint8Array;
}

export type GeneralName =
  | { readonly kind: 'dns'; readonly value: string }
  | { readonly kind: 'ip'; readonly value: Uint8Array }
  | { readonly kind: 'email'; readonly value: string }
  | { readonly kind: 'uri'; readonly value: string }
  | { readonly kind: 'dn'; readonly value: DistinguishedName }
  | { readonly kind: 'other'; readonly tag: number };

export interface BasicConstraints {
  readonly ca: boolean;
  readonly pathLen?: number;
}

export interface NameConstraints {
  readonly permitted: readonly GeneralName[];
  readonly excluded: readonly GeneralName[];
  /** A subtree with minimum != 0 or a maximum: RFC 5280 says CAs must not use them. */
  readonly hasMinMax: boolean;
}

export interface AuthorityKeyIdentifier {
  readonly keyId?: string;
  readonly hasIssuerAndSerial: boolean;
}

export function readGeneralName(buf: Uint8Array, t: Tlv): GeneralName {
  switch (t.tag) {
    case ctx(1):
      return { kind: 'email', value: readIa5(buf, t) };
    case ctx(2):
      return { kind: 'dns', value: readIa5(buf, t) };
    case ctx(6):
      return { kind: 'uri', value: readIa5(buf, t) };
    case ctx(7):
      return { kind: 'ip', value: bytes(buf, t) };
    case ctx(4, true): {
      const [inner, extra] = children(buf, t);
      if (!inner || extra) throw new DerError('malformed directoryName');
      return { kind: 'dn', value: readName(buf, inner) };
    }
    default:
      if ((t.tag & 0xc0) !== 0x80) throw new DerError('GeneralName must be context-tagged');
      return { kind: 'other', tag: t.tag & 0x1f };
  }
}

function sequenceOf(value: Uint8Array, what: string): { buf: Uint8Array; items: Tlv[] } {
  const root = expectTag(readRoot(value), Tag.SEQUENCE, what);
  return { buf: value, items: children(value, root) };
}

/** The elements of the SEQUENCE that fills `value`, read one by one. */
const sequenceCursor = (value: Uint8Array, what: string): DerCursor => new DerCursor(value, expectTag(readRoot(value), Tag.SEQUENCE, what));

export function decodeGeneralNames(value: Uint8Array): GeneralName[] {
  const items = sequenceCursor(value, 'GeneralNames');
  if (items.count === 0) throw new DerError('empty GeneralNames');
  const out: GeneralName[] = new Array(items.count); // at its final length: kept with the certificate
  for (let i = 0; items.next(); i++) out[i] = readGeneralName(value, items);
  return out;
}

export function decodeBasicConstraints(value: Uint8Array): BasicConstraints {
  const items = sequenceCursor(value, 'BasicConstraints');
  let item = items.next();
  let ca = false;
  if (item?.tag === Tag.BOOLEAN) {
    ca = readBoolean(value, item);
    if (!ca) throw new DerError('BasicConstraints cA=FALSE must be omitted in DER (DEFAULT)');
    item = items.next();
  }
  let pathLen: number | undefined;
  if (item) {
    pathLen = readSmallInt(value, item);
    item = items.next();
  }
  if (item) throw new DerError('malformed BasicConstraints');
  return pathLen === undefined ? { ca } : { ca, pathLen };
}

export function decodeKeyUsage(value: Uint8Array): Set<KeyUsageName> {
  const bits = readBits(value, readRoot(value));
  const set = new Set<KeyUsageName>();
  for (let i = 0; i < bits.length && i < KEY_USAGE_BITS.length; i++) if (bits[i]) set.add(KEY_USAGE_BITS[i]!);
  return set;
}

export function decodeExtKeyUsage(value: Uint8Array): string[] {
  const items = sequenceCursor(value, 'ExtKeyUsageSyntax');
  if (items.count === 0) throw new DerError('empty ExtKeyUsageSyntax');
  const out: string[] = new Array(items.count);
  for (let i = 0; items.next(); i++) out[i] = readOid(value, items);
  return out;
}

export function decodeSubjectKeyId(value: Uint8Array): string {
  const root = readRoot(value);
  return contentHex(value, expectTag(root, Tag.OCTET_STRING, 'SubjectKeyIdentifier'));
}

export function decodeAuthorityKeyId(value: Uint8Array): AuthorityKeyIdentifier {
  const items = sequenceCursor(value, 'AuthorityKeyIdentifier');
  let keyId: string | undefined;
  let hasIssuerAndSerial = false;
  while (items.next()) {
    if (items.tag === ctx(0)) keyId = contentHex(value, items);
    else if (items.tag === ctx(1, true) || items.tag === ctx(2)) hasIssuerAndSerial = true;
    else throw new DerError('malformed AuthorityKeyIdentifier');
  }
  return keyId === undefined ? { hasIssuerAndSerial } : { keyId, hasIssuerAndSerial };
}

function readSubtrees(buf: Uint8Array, t: Tlv, acc: { minMax: boolean }): GeneralName[] {
  const out: GeneralName[] = [];
  const items = children(buf, t);
  if (items.length === 0) throw new DerError('empty GeneralSubtrees');
  for (const subtree of items) {
    const [base, ...rest] = children(buf, expectTag(subtree, Tag.SEQUENCE, 'GeneralSubtree'));
    if (!base) throw new DerError('GeneralSubtree without base');
    if (rest.length > 0) acc.minMax = true;
    out.push(readGeneralName(buf, base));
  }
  return out;
}

export function decodeNameConstraints(value: Uint8Array): NameConstraints {
  const { buf, items } = sequenceOf(value, 'NameConstraints');
  const acc = { minMax: false };
  let permitted: GeneralName[] = [];
  let excluded: GeneralName[] = [];
  for (const t of items) {
    if (t.tag === ctx(0, true)) permitted = readSubtrees(buf, t, acc);
    else if (t.tag === ctx(1, true)) excluded = readSubtrees(buf, t, acc);
    else throw new DerError('malformed NameConstraints');
  }
  if (items.length === 0) throw new DerError('empty NameConstraints');
  return { permitted, excluded, hasMinMax: acc.minMax };
}

const EKU_NAMES = new Map<string, string>(Object.entries(EKU).map(([name, oid]) => [oid, name]));

export const ekuName = (oid: string): string => EKU_NAMES.get(oid) ?? oid;

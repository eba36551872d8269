// The certificate reader as it was before it moved to DerCursor (src/pki/der.ts): every level read
// with children(), one Tlv object per element. Kept as the reference the cursor-based reader is
// compared with (test/pki/cert-cursor.test.ts): same fields for every input it accepts, the same
// error for every input it rejects.
import { KEY_USAGE_BITS, type GeneralName, decodeNameConstraints } from '../../src/pki/extensions.ts';
import { signatureAlgorithmName } from '../../src/pki/algorithms.ts';
import {
  type Tlv,
  Tag,
  DerError,
  bytes,
  children,
  ctx,
  equalBytes,
  expectTag,
  readBits,
  readBoolean,
  readIa5,
  readOid,
  readRoot,
  readSmallInt,
  readString,
  readTime,
  toHex,
  whole,
} from '../../src/pki/der.ts';

const ATTRIBUTE_VALUE_TAGS = new Set([0x0c, 0x12, 0x13, 0x14, 0x16, 0x1a, 0x1c, 0x1e, 0x30, 0x31]);

function wellFormed(buf: Uint8Array, tlv: Tlv, depth: number): void {
  if (depth > 16) throw new DerError('attribute value nested too deeply');
  for (const c of children(buf, tlv)) if (c.tag & 0x20) wellFormed(buf, c, depth + 1);
}

function readName(buf: Uint8Array, tlv: Tlv): unknown {
  expectTag(tlv, Tag.SEQUENCE, 'Name');
  const rdns: { type: string; value: string }[][] = [];
  for (const set of children(buf, tlv)) {
    expectTag(set, Tag.SET, 'RelativeDistinguishedName');
    const rdn: { type: string; value: string }[] = [];
    for (const atv of children(buf, set)) {
      const [type, value, extra] = children(buf, expectTag(atv, Tag.SEQUENCE, 'AttributeTypeAndValue'));
      if (!type || !value || extra) throw new DerError('malformed AttributeTypeAndValue');
      const oid = readOid(buf, type);
      if (!ATTRIBUTE_VALUE_TAGS.has(value.tag)) throw new DerError('attribute value is not a string type');
      if (value.tag & 0x20) wellFormed(buf, value, 0);
      rdn.push({ type: oid, value: value.tag & 0x20 ? '#' : readString(buf, value) });
    }
    if (rdn.length === 0) throw new DerError('empty RelativeDistinguishedName');
    rdns.push(rdn);
  }
  return { der: toHex(whole(buf, tlv)), rdns };
}

function readGeneralName(buf: Uint8Array, t: Tlv): unknown {
  switch (t.tag) {
    case ctx(1):
      return { kind: 'email', value: readIa5(buf, t) };
    case ctx(2):
      return { kind: 'dns', value: readIa5(buf, t) };
    case ctx(6):
      return { kind: 'uri', value: readIa5(buf, t) };
    case ctx(7):
      return { kind: 'ip', value: toHex(bytes(buf, t)) };
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

function decodeGeneralNames(value: Uint8Array): unknown[] {
  const { buf, items } = sequenceOf(value, 'GeneralNames');
  if (items.length === 0) throw new DerError('empty GeneralNames');
  return items.map((t) => readGeneralName(buf, t));
}

function decodeBasicConstraints(value: Uint8Array): unknown {
  const { buf, items } = sequenceOf(value, 'BasicConstraints');
  let i = 0;
  let ca = false;
  if (items[i]?.tag === Tag.BOOLEAN) {
    ca = readBoolean(buf, items[i]!);
    if (!ca) throw new DerError('BasicConstraints cA=FALSE must be omitted in DER (DEFAULT)');
    i++;
  }
  let pathLen: number | undefined;
  if (items[i]) pathLen = readSmallInt(buf, items[i++]!);
  if (items[i]) throw new DerError('malformed BasicConstraints');
  return pathLen === undefined ? { ca } : { ca, pathLen };
}

function decodeKeyUsage(value: Uint8Array): string[] {
  const bits = readBits(value, readRoot(value));
  const set = new Set<string>();
  bits.forEach((on, i) => {
    const name = KEY_USAGE_BITS[i];
    if (on && name) set.add(name);
  });
  return [...set];
}

function decodeExtKeyUsage(value: Uint8Array): string[] {
  const { buf, items } = sequenceOf(value, 'ExtKeyUsageSyntax');
  if (items.length === 0) throw new DerError('empty ExtKeyUsageSyntax');
  return items.map((t) => readOid(buf, t));
}

function decodeSubjectKeyId(value: Uint8Array): string {
  const root = readRoot(value);
  return toHex(bytes(value, expectTag(root, Tag.OCTET_STRING, 'SubjectKeyIdentifier')));
}

function decodeAuthorityKeyId(value: Uint8Array): unknown {
  const { buf, items } = sequenceOf(value, 'AuthorityKeyIdentifier');
  let keyId: string | undefined;
  let hasIssuerAndSerial = false;
  for (const t of items) {
    if (t.tag === ctx(0)) keyId = toHex(bytes(buf, t));
    else if (t.tag === ctx(1, true) || t.tag === ctx(2)) hasIssuerAndSerial = true;
    else throw new DerError('malformed AuthorityKeyIdentifier');
  }
  return keyId === undefined ? { hasIssuerAndSerial } : { keyId, hasIssuerAndSerial };
}

const CURVES: Record<string, string> = {
  '1.2.840.10045.3.1.7': 'P-256',
  '1.3.132.0.34': 'P-384',
  '1.3.132.0.35': 'P-521',
  '1.3.132.0.10': 'secp256k1',
  '1.2.840.10045.3.1.1': 'P-192',
  '1.3.132.0.33': 'P-224',
};
const KEY_ALGORITHMS: Record<string, string> = {
  '1.2.840.113549.1.1.1': 'rsa',
  '1.2.840.113549.1.1.10': 'rsa-pss',
  '1.2.840.10045.2.1': 'ec',
  '1.3.101.112': 'ed25519',
  '1.3.101.113': 'ed448',
  '1.2.840.10040.4.1': 'dsa',
};
const CURVE_BYTES: Record<string, number> = { 'P-256': 32, 'P-384': 48, 'P-521': 66, secp256k1: 32, 'P-192': 24, 'P-224': 28 };

function describePublicKey(der: Uint8Array, t: Tlv): unknown {
  const [alg, key, extra] = children(der, t);
  if (!alg || !key || extra) throw new DerError('malformed SubjectPublicKeyInfo');
  const [oidTlv, params, more] = children(der, expectTag(alg, Tag.SEQUENCE, 'AlgorithmIdentifier'));
  if (!oidTlv || more) throw new DerError('malformed AlgorithmIdentifier');
  const oid = readOid(der, oidTlv);
  expectTag(key, Tag.BIT_STRING, 'subjectPublicKey');
  if (der[key.body] !== 0) throw new DerError('subjectPublicKey BIT STRING has unused bits');
  const spki = toHex(whole(der, t));
  const algorithm = KEY_ALGORITHMS[oid] ?? 'unknown';
  const point = der.subarray(key.body + 1, key.end);
  if (algorithm === 'ec') {
    if (params?.tag === Tag.SEQUENCE) return { algorithm, oid, curve: 'explicit-parameters', spki };
    if (params?.tag !== Tag.OID) throw new DerError('EC key parameters are neither a named curve nor explicit parameters');
    const curveOid = readOid(der, params);
    const curve = CURVES[curveOid] ?? curveOid;
    const size = CURVE_BYTES[curve];
    if (size && !((point[0] === 4 && point.length === 1 + 2 * size) || ((point[0] === 2 || point[0] === 3) && point.length === 1 + size))) {
      throw new DerError(`EC public key is not a ${curve} point encoding`);
    }
    return { algorithm, oid, curve, spki };
  }
  if (algorithm === 'rsa' || algorithm === 'rsa-pss') {
    const okParams = algorithm === 'rsa' ? !params || (params.tag === Tag.NULL && params.end === params.body) : !params || params.tag === Tag.SEQUENCE;
    if (!okParams) throw new DerError('malformed RSA key parameters');
    return { algorithm, oid, bits: rsaModulusBits(point), spki };
  }
  return { algorithm, oid, spki };
}

function rsaModulusBits(rsaPublicKey: Uint8Array): number {
  const root = expectTag(readRoot(rsaPublicKey), Tag.SEQUENCE, 'RSAPublicKey');
  const [modulus, exponent, extra] = children(rsaPublicKey, root);
  const m = expectTag(modulus, Tag.INTEGER, 'modulus');
  const e = expectTag(exponent, Tag.INTEGER, 'publicExponent');
  if (extra || m.end === m.body || e.end === e.body || rsaPublicKey[m.body]! & 0x80 || rsaPublicKey[e.body]! & 0x80) throw new DerError('malformed RSAPublicKey');
  let start = m.body;
  while (start < m.end && rsaPublicKey[start] === 0) start++;
  if (start === m.end) return 0;
  const top = rsaPublicKey[start]!;
  return (m.end - start - 1) * 8 + (32 - Math.clz32(top));
}

function readAlgorithm(der: Uint8Array, t: Tlv): { oid: string; name: string; params?: string } {
  const [oid, params, extra] = children(der, expectTag(t, Tag.SEQUENCE, 'AlgorithmIdentifier'));
  if (!oid || extra) throw new DerError('malformed AlgorithmIdentifier');
  const id = readOid(der, oid);
  if (params && !((params.tag === Tag.NULL && params.end === params.body) || params.tag === Tag.SEQUENCE)) throw new DerError('malformed AlgorithmIdentifier parameters');
  const name = signatureAlgorithmName(id);
  return params ? { oid: id, name, params: toHex(whole(der, params)) } : { oid: id, name };
}

function readExtension(der: Uint8Array, t: Tlv): { oid: string; critical: boolean; value: Uint8Array } {
  const parts = children(der, expectTag(t, Tag.SEQUENCE, 'Extension'));
  const oid = readOid(der, parts[0]!);
  let critical = false;
  let k = 1;
  if (parts[k]?.tag === Tag.BOOLEAN) {
    critical = readBoolean(der, parts[k]!);
    if (!critical) throw new DerError('critical=FALSE must be omitted in DER (DEFAULT)');
    k++;
  }
  const value = expectTag(parts[k++], Tag.OCTET_STRING, 'extnValue');
  if (parts[k]) throw new DerError('malformed Extension');
  return { oid, critical, value: bytes(der, value) };
}

const nameText = (n: GeneralName): unknown => (n.kind === 'ip' ? { kind: 'ip', value: toHex(n.value) } : n.kind === 'dn' ? { kind: 'dn', value: { der: toHex(n.value.der), rdns: n.value.rdns } } : n);

/** The old reader's fields, as plain JSON-able values; throws DerError as it did. */
export function referenceFields(input: Uint8Array): Record<string, unknown> {
  const der = input;
  const out: Record<string, unknown> = {};
  const root = expectTag(readRoot(der), Tag.SEQUENCE, 'Certificate');
  const [tbs, sigAlg, sig, extra] = children(der, root);
  if (!tbs || !sigAlg || !sig || extra) throw new DerError('Certificate must have three parts');
  expectTag(tbs, Tag.SEQUENCE, 'TBSCertificate');
  out.tbs = toHex(whole(der, tbs));
  out.signatureAlgorithm = readAlgorithm(der, sigAlg);
  expectTag(sig, Tag.BIT_STRING, 'signatureValue');
  if (der[sig.body] !== 0) throw new DerError('signature BIT STRING has unused bits');
  out.signature = toHex(der.subarray(sig.body + 1, sig.end));
  const parts = children(der, tbs);
  let i = 0;
  let version = 1;
  if (parts[i]?.tag === ctx(0, true)) {
    const [v, x] = children(der, parts[i]!);
    if (!v || x) throw new DerError('malformed version');
    version = readSmallInt(der, v) + 1;
    if (version === 1) throw new DerError('explicit v1 version is not DER (DEFAULT)');
    if (version > 3) throw new DerError(`unknown certificate version ${version}`);
    i++;
  }
  out.version = version;
  const serial = expectTag(parts[i++], Tag.INTEGER, 'serialNumber');
  const serialBytes = bytes(der, serial);
  if (serialBytes.length === 0) throw new DerError('empty serial number');
  if (serialBytes.length > 1 && ((serialBytes[0] === 0 && !(serialBytes[1]! & 0x80)) || (serialBytes[0] === 0xff && serialBytes[1]! & 0x80))) {
    throw new DerError('non-minimal serial number encoding');
  }
  out.serialNumber = toHex(serialBytes);
  out.serialNegativeOrZero = (serialBytes[0]! & 0x80) !== 0 || serialBytes.every((b) => b === 0);
  const innerAlg = expectTag(parts[i++], Tag.SEQUENCE, 'signature');
  readAlgorithm(der, innerAlg);
  out.signatureAlgorithmsMatch = equalBytes(whole(der, innerAlg), whole(der, sigAlg));
  out.issuer = readName(der, expectTag(parts[i++], Tag.SEQUENCE, 'issuer'));
  const validity = children(der, expectTag(parts[i++], Tag.SEQUENCE, 'validity'));
  if (validity.length !== 2) throw new DerError('malformed validity');
  const notBefore = readTime(der, validity[0]!);
  const notAfter = readTime(der, validity[1]!);
  out.notBefore = notBefore.toISOString();
  out.notAfter = notAfter.toISOString();
  out.validityEncodingOk = validity.every((t, k) => (t.tag === Tag.UTCTime) === ((k === 0 ? notBefore : notAfter).getUTCFullYear() < 2050));
  out.subject = readName(der, expectTag(parts[i++], Tag.SEQUENCE, 'subject'));
  out.publicKey = describePublicKey(der, expectTag(parts[i++], Tag.SEQUENCE, 'subjectPublicKeyInfo'));
  let hasUniqueIds = false;
  for (const n of [1, 2]) {
    if (parts[i]?.tag !== ctx(n)) continue;
    if (version < 2) throw new DerError('unique identifiers require a v2 or v3 certificate');
    readBits(der, { ...parts[i]!, tag: Tag.BIT_STRING });
    hasUniqueIds = true;
    i++;
  }
  out.hasUniqueIds = hasUniqueIds;
  const extensions: { oid: string; critical: boolean; value: Uint8Array }[] = [];
  if (parts[i]?.tag === ctx(3, true)) {
    if (version !== 3) throw new DerError('extensions require a v3 certificate');
    const [seq, x] = children(der, parts[i]!);
    if (!seq || x) throw new DerError('malformed extensions');
    for (const e of children(der, expectTag(seq, Tag.SEQUENCE, 'Extensions'))) extensions.push(readExtension(der, e));
    if (extensions.length === 0) throw new DerError('empty Extensions');
    i++;
  }
  if (parts[i]) throw new DerError('unexpected data after extensions');
  out.extensions = extensions.map((e) => ({ oid: e.oid, critical: e.critical, value: toHex(e.value) }));
  const seen = new Set<string>();
  let sanCritical = false;
  for (const e of extensions) {
    if (seen.has(e.oid)) throw new DerError(`duplicate extension ${e.oid}`);
    seen.add(e.oid);
    switch (e.oid) {
      case '2.5.29.19':
        out.basicConstraints = decodeBasicConstraints(e.value);
        break;
      case '2.5.29.15':
        out.keyUsage = decodeKeyUsage(e.value);
        break;
      case '2.5.29.37':
        out.extKeyUsage = decodeExtKeyUsage(e.value);
        break;
      case '2.5.29.17':
        out.subjectAltName = decodeGeneralNames(e.value);
        sanCritical = e.critical;
        break;
      case '2.5.29.14':
        out.subjectKeyId = decodeSubjectKeyId(e.value);
        break;
      case '2.5.29.35':
        out.authorityKeyId = decodeAuthorityKeyId(e.value);
        break;
      case '2.5.29.30': {
        const nc = decodeNameConstraints(e.value);
        out.nameConstraints = { permitted: nc.permitted.map(nameText), excluded: nc.excluded.map(nameText), hasMinMax: nc.hasMinMax };
        break;
      }
    }
  }
  out.subjectAltNameCritical = sanCritical;
  return out;
}

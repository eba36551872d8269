// Strict syntax of the extensions rc-policy recognises but does not otherwise decode on the hot path
// (RFC 5280 4.2). A recognised extension whose contents do not parse is a malformed certificate part,
// critical or not: a verifier that ignored it would accept what the CA never meant to say.
import { DerError, Tag, type Tlv, children, ctx, expectTag, readBits, readOid, readRoot, readSmallInt } from './der.ts';
import { OID, decodeGeneralNames, readGeneralName } from './extensions.ts';

export const ANY_POLICY = '2.5.29.32.0';
const QT_CPS = '1.3.6.1.5.5.7.2.1';
const QT_UNOTICE = '1.3.6.1.5.5.7.2.2';

const fail = (why: string): never => {
  throw new DerError(why);
};

function sequenceOf(value: Uint8Array, what: string, nonEmpty = true): Tlv[] {
  const items = children(value, expectTag(readRoot(value), Tag.SEQUENCE, what));
  if (nonEmpty && items.length === 0) throw new DerError(`empty ${what}`);
  return items;
}

/** AuthorityInfoAccess / SubjectInfoAccess: SEQUENCE SIZE (1..MAX) OF AccessDescription. */
function accessDescriptions(value: Uint8Array): void {
  for (const ad of sequenceOf(value, 'AccessDescriptions')) {
    const [method, location, extra] = children(value, expectTag(ad, Tag.SEQUENCE, 'AccessDescription'));
    if (!method || !location || extra) throw new DerError('malformed AccessDescription');
    readOid(value, method);
    readGeneralName(value, location);
  }
}

/** CRLDistributionPoints: SEQUENCE SIZE (1..MAX) OF DistributionPoint (RFC 5280 4.2.1.13). */
function distributionPoints(value: Uint8Array): void {
  for (const dp of sequenceOf(value, 'CRLDistributionPoints')) {
    const parts = children(value, expectTag(dp, Tag.SEQUENCE, 'DistributionPoint'));
    if (parts.length === 0) throw new DerError('empty DistributionPoint');
    let last = -1;
    for (const p of parts) {
      const n = p.tag & 0x1f;
      if (n <= last || n > 2) throw new DerError('malformed DistributionPoint');
      last = n;
      if (p.tag === ctx(0, true)) {
        const [name, extra] = children(value, p);
        if (!name || extra) throw new DerError('malformed DistributionPointName');
        if (name.tag === ctx(0, true)) {
          const names = children(value, name);
          if (names.length === 0) throw new DerError('empty fullName');
          for (const g of names) readGeneralName(value, g);
        } else if (name.tag !== ctx(1, true)) throw new DerError('malformed DistributionPointName');
      } else if (p.tag === ctx(1)) {
        readBits(value, { ...p, tag: Tag.BIT_STRING });
      } else if (p.tag === ctx(2, true)) {
        const names = children(value, p);
        if (names.length === 0) throw new DerError('empty cRLIssuer');
        for (const g of names) readGeneralName(value, g);
      } else throw new DerError('malformed DistributionPoint');
    }
  }
}

/**
 * certificatePolicies (RFC 5280 4.2.1.4): policy OIDs, each at most once; qualifiers well formed. A
 * qualifier other than CPS pointer and user notice cannot be processed, which a critical extension forbids.
 */
export function decodeCertificatePolicies(value: Uint8Array, critical = false): string[] {
  const oids: string[] = [];
  for (const info of sequenceOf(value, 'certificatePolicies')) {
    const [id, qualifiers, extra] = children(value, expectTag(info, Tag.SEQUENCE, 'PolicyInformation'));
    if (!id || extra) throw new DerError('malformed PolicyInformation');
    const oid = readOid(value, id);
    if (oids.includes(oid)) throw new DerError(`policy ${oid} appears more than once`);
    oids.push(oid);
    if (!qualifiers) continue;
    const list = children(value, expectTag(qualifiers, Tag.SEQUENCE, 'policyQualifiers'));
    if (list.length === 0) throw new DerError('empty policyQualifiers');
    for (const q of list) {
      const [qid, qualifier, more] = children(value, expectTag(q, Tag.SEQUENCE, 'PolicyQualifierInfo'));
      if (!qid || !qualifier || more) throw new DerError('malformed PolicyQualifierInfo');
      const kind = readOid(value, qid);
      if (kind === QT_CPS) expectTag(qualifier, Tag.IA5String, 'CPSuri');
      else if (kind === QT_UNOTICE) expectTag(qualifier, Tag.SEQUENCE, 'UserNotice');
      else if (critical) throw new DerError(`unknown policy qualifier ${kind} in a critical certificatePolicies`);
    }
  }
  return oids;
}

/** policyMappings (RFC 5280 4.2.1.5): issuerDomainPolicy -> subjectDomainPolicy pairs; anyPolicy is never mapped. */
export function decodePolicyMappings(value: Uint8Array): [string, string][] {
  return sequenceOf(value, 'PolicyMappings').map((m) => {
    const [from, to, extra] = children(value, expectTag(m, Tag.SEQUENCE, 'PolicyMapping'));
    if (!from || !to || extra) throw new DerError('malformed PolicyMapping');
    const pair: [string, string] = [readOid(value, from), readOid(value, to)];
    if (pair[0] === ANY_POLICY || pair[1] === ANY_POLICY) throw new DerError('anyPolicy in a policy mapping');
    return pair;
  });
}

export interface PolicyConstraints {
  readonly requireExplicitPolicy?: number;
  readonly inhibitPolicyMapping?: number;
}

/** policyConstraints (RFC 5280 4.2.1.11): at least one of the two skip counts. */
export function decodePolicyConstraints(value: Uint8Array): PolicyConstraints {
  const items = sequenceOf(value, 'PolicyConstraints');
  const out: { requireExplicitPolicy?: number; inhibitPolicyMapping?: number } = {};
  let last = -1;
  for (const t of items) {
    const n = t.tag & 0x1f;
    if ((t.tag !== ctx(0) && t.tag !== ctx(1)) || n <= last) throw new DerError('malformed PolicyConstraints');
    last = n;
    const v = readSmallInt(value, t, t.tag);
    if (n === 0) out.requireExplicitPolicy = v;
    else out.inhibitPolicyMapping = v;
  }
  return out;
}

/** inhibitAnyPolicy (RFC 5280 4.2.1.14): SkipCerts. */
export function decodeInhibitAnyPolicy(value: Uint8Array): number {
  return readSmallInt(value, readRoot(value));
}

/** The syntax check of each recognised extension not decoded by the certificate reader itself. */
export const EXTENSION_SYNTAX = new Map<string, (value: Uint8Array, critical: boolean) => unknown>([
  [OID.authorityInfoAccess, accessDescriptions],
  [OID.subjectInfoAccess, accessDescriptions],
  [OID.crlDistributionPoints, distributionPoints],
  [OID.certificatePolicies, decodeCertificatePolicies],
  [OID.policyMappings, decodePolicyMappings],
  [OID.policyConstraints, decodePolicyConstraints],
  [OID.inhibitAnyPolicy, decodeInhibitAnyPolicy],
  [OID.issuerAltName, decodeGeneralNames],
  [OID.ctPoison, (v) => expectTag(readRoot(v), Tag.NULL, 'CT poison').body === v.length || fail('CT poison is not NULL')],
  [OID.sct, (v) => expectTag(readRoot(v), Tag.OCTET_STRING, 'SignedCertificateTimestampList')],
]);

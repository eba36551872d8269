// What one certificate must look like to take part in a path, independent of the path: the RFC 5280
// profile as CA/B-style strict verifiers enforce it (docs/verify.md). Results are cached per
// certificate, so a CA shared by 10,000 leaves is examined once.
import type { Certificate } from './cert.ts';
import { DerError, Tag, children, expectTag, readOid, readRoot, readSmallInt } from './der.ts';
import { OID, type GeneralName } from './extensions.ts';
import { describeKey } from './algorithms.ts';
import { EXTENSION_SYNTAX } from './extension-syntax.ts';
import { isValidDnsConstraint, isValidIpConstraint } from './constraints.ts';

export interface PathError {
  readonly code: string;
  readonly message: string;
}

/** Extensions a verifier may see marked critical because it processes them. */
const PROCESSED = new Set<string>([
  OID.basicConstraints,
  OID.keyUsage,
  OID.extKeyUsage,
  OID.subjectAltName,
  OID.nameConstraints,
  // RFC 5280 6.1 policy processing (policies.ts)
  OID.certificatePolicies,
  OID.policyMappings,
  OID.policyConstraints,
  OID.inhibitAnyPolicy,
]);
/** Extensions RFC 5280 says conforming CAs MUST mark non-critical. */
const NEVER_CRITICAL = new Map<string, string>([
  [OID.authorityKeyIdentifier, 'authorityKeyIdentifier'],
  [OID.subjectKeyIdentifier, 'subjectKeyIdentifier'],
  [OID.authorityInfoAccess, 'authorityInfoAccess'],
]);

const RSA_ENCRYPTION = '1.2.840.113549.1.1.1';
const RSA_PSS = '1.2.840.113549.1.1.10';
const MGF1 = '1.2.840.113549.1.1.8';
const HASH_BYTES: Record<string, number> = {
  '2.16.840.1.101.3.4.2.1': 32, // SHA-256
  '2.16.840.1.101.3.4.2.2': 48, // SHA-384
  '2.16.840.1.101.3.4.2.3': 64, // SHA-512
};
/** PKCS#1 v1.5 with SHA-2 (parameters must be NULL) and ECDSA with SHA-2 (parameters absent). */
const RSA_PKCS1 = new Set(['1.2.840.113549.1.1.11', '1.2.840.113549.1.1.12', '1.2.840.113549.1.1.13']);
const ECDSA = new Set(['1.2.840.10045.4.3.2', '1.2.840.10045.4.3.3', '1.2.840.10045.4.3.4']);
const NULL_PARAMS = (p: Uint8Array | undefined): boolean => p !== undefined && p.length === 2 && p[0] === Tag.NULL && p[1] === 0;
const CURVES = new Set(['P-256', 'P-384', 'P-521']);

/** The signature algorithms of the CA/B Baseline Requirements (7.1.3.2): SHA-2 RSA, RSA-PSS and ECDSA. */
export function signatureAlgorithmProblem(cert: Certificate): string | undefined {
  const { oid, name, params } = cert.signatureAlgorithm;
  if (RSA_PKCS1.has(oid)) return NULL_PARAMS(params) ? undefined : `${name} without NULL parameters`;
  if (ECDSA.has(oid)) return params === undefined ? undefined : `${name} with parameters, which must be absent`;
  if (oid === RSA_PSS) return pssProblem(params);
  return `${name}, which is not accepted (SHA-256/384/512 with RSA, RSA-PSS or ECDSA only)`;
}

function hashOf(der: Uint8Array, t: ReturnType<typeof readRoot>): string {
  const [oid, params, extra] = children(der, expectTag(t, Tag.SEQUENCE, 'AlgorithmIdentifier'));
  if (!oid || extra || (params && !(params.tag === Tag.NULL && params.end === params.body))) throw new DerError('bad hash');
  return readOid(der, oid);
}

function pssProblem(params: Uint8Array | undefined): string | undefined {
  try {
    if (!params) return 'RSA-PSS without parameters';
    const bad = (why: string) => `RSA-PSS whose ${why}`;
    const parts = children(params, expectTag(readRoot(params), Tag.SEQUENCE, 'RSASSA-PSS-params'));
    const field = (n: number) => parts.find((p) => p.tag === (0xa0 | n));
    const hashT = field(0);
    const mgfT = field(1);
    const saltT = field(2);
    if (!hashT || !mgfT || !saltT) return bad('parameters do not name the hash, MGF1 and salt length');
    const hash = hashOf(params, children(params, hashT)[0]!);
    const [mgfSeq] = children(params, mgfT);
    const [mgfOid, mgfHash] = children(params, expectTag(mgfSeq, Tag.SEQUENCE, 'MaskGenAlgorithm'));
    const salt = readSmallInt(params, children(params, saltT)[0]!);
    const trailer = field(3);
    if (trailer && readSmallInt(params, children(params, trailer)[0]!) !== 1) return bad('trailer field is not 1');
    if (!(hash in HASH_BYTES)) return bad('hash is not SHA-256, SHA-384 or SHA-512');
    if (readOid(params, mgfOid!) !== MGF1 || hashOf(params, mgfHash!) !== hash) return bad('mask generation is not MGF1 with the same hash');
    if (salt !== HASH_BYTES[hash]) return bad('salt length differs from the hash length');
    return undefined;
  } catch {
    return 'RSA-PSS with malformed parameters';
  }
}

/** CA/B 6.1.5: RSA of at least 2048 bits (a multiple of 8), or ECDSA on P-256, P-384 or P-521. */
export function keyProblem(cert: Certificate): string | undefined {
  const k = cert.publicKey;
  if (k.algorithm === 'rsa' && k.oid === RSA_ENCRYPTION) {
    if ((k.bits ?? 0) < 2048) return `${describeKey(k)} key is too small (at least 2048 bits)`;
    if ((k.bits ?? 0) % 8 !== 0) return `${describeKey(k)} key size is not a multiple of 8`;
    return undefined;
  }
  if (k.algorithm === 'ec') {
    if (k.curve === 'explicit-parameters') return 'EC key with explicit curve parameters (a named curve is required)';
    return CURVES.has(k.curve ?? '') ? undefined : `EC key on curve ${k.curve} is not accepted (P-256, P-384, P-521)`;
  }
  const what = k.algorithm === 'rsa-pss' ? 'RSA-PSS-only (id-RSASSA-PSS)' : describeKey(k);
  return `${what} keys are not accepted (RSA or ECDSA P-256/P-384/P-521)`;
}

const signed = new WeakMap<Certificate, PathError[]>();

/**
 * Problems with how a certificate is signed. Checked on every certificate whose signature the path
 * relies on: not on a trust anchor, whose self-signature proves nothing (SHA-1 roots stay usable).
 */
export function signatureProblems(cert: Certificate): readonly PathError[] {
  let out = signed.get(cert);
  if (out) return out;
  out = [];
  const who = `'${cert.subjectName}'`;
  if (!cert.signatureAlgorithmsMatch) {
    out.push({ code: 'signature-algorithm', message: `${who}: the signature algorithm inside the certificate differs from the outer one` });
  }
  const sig = signatureAlgorithmProblem(cert);
  if (sig) out.push({ code: 'signature-algorithm', message: `${who} is signed with ${sig}` });
  signed.set(cert, out);
  return out;
}

const common = new WeakMap<Certificate, PathError[]>();
const asCa = new WeakMap<Certificate, PathError[]>();

/** Problems any certificate on a path may not have: version, algorithms, key, encoding, extensions. */
export function commonProblems(cert: Certificate): readonly PathError[] {
  let out = common.get(cert);
  if (out) return out;
  out = [];
  const who = `'${cert.subjectName}'`;
  if (cert.version !== 3) out.push({ code: 'legacy-version', message: `${who} is an X.509 v${cert.version} certificate; only v3 is accepted` });
  // Unique identifiers (RFC 5280 4.1.2.8) and a validity date in the other time type (4.1.2.5) are
  // CA issuance errors that relying parties must still process: lint findings, not path failures.
  const key = keyProblem(cert);
  if (key) out.push({ code: 'key-type', message: `${who}: ${key}` });
  if (cert.issuer.rdns.length === 0) out.push({ code: 'empty-name', message: `${who} has an empty issuer name` });
  for (const e of cert.extensions) {
    const syntax = EXTENSION_SYNTAX.get(e.oid);
    if (syntax) {
      try {
        syntax(e.value, e.critical);
      } catch (err) {
        if (!(err instanceof DerError)) throw err;
        out.push({ code: 'malformed-extension', message: `${who} has a malformed ${e.oid} extension: ${err.message}` });
      }
    }
    const never = NEVER_CRITICAL.get(e.oid);
    if (never && e.critical) out.push({ code: 'extension-criticality', message: `${who} marks ${never} critical, which RFC 5280 forbids` });
    else if (e.critical && !PROCESSED.has(e.oid)) out.push({ code: 'unknown-critical-extension', message: `${who} has an unrecognised critical extension ${e.oid}` });
  }
  if (cert.subject.rdns.length === 0) {
    if (!cert.subjectAltName) out.push({ code: 'empty-name', message: `${who} has an empty subject and no subjectAltName` });
    else if (!cert.subjectAltNameCritical) {
      out.push({ code: 'extension-criticality', message: `a certificate with an empty subject (serial ${cert.serialNumber}) must mark subjectAltName critical (RFC 5280 4.2.1.6)` });
    }
  }
  const ku = cert.keyUsage;
  if (ku?.has('keyCertSign') && !cert.isCa) out.push({ code: 'key-usage', message: `${who} asserts keyCertSign without basicConstraints CA:TRUE` });
  if (cert.isCa && ku && !ku.has('keyCertSign')) out.push({ code: 'key-usage', message: `${who} is a CA (basicConstraints CA:TRUE) whose keyUsage lacks keyCertSign` });
  if (cert.nameConstraints && !cert.isCa) out.push({ code: 'name-constraints', message: `${who} is not a CA but carries nameConstraints` });
  if (cert.basicConstraints?.pathLen !== undefined && !cert.isCa) out.push({ code: 'not-a-ca', message: `${who} sets pathLenConstraint without CA:TRUE` });
  if (cert.subjectAltName) {
    const bad = cert.subjectAltName.find((n) => n.kind === 'ip' && n.value.length !== 4 && n.value.length !== 16);
    if (bad) out.push({ code: 'malformed-name', message: `${who} has an iPAddress subjectAltName that is not 4 or 16 bytes` });
  }
  common.set(cert, out);
  return out;
}

/** Problems that stop a certificate from issuing others (an intermediate or a trust anchor). */
export function caProblems(cert: Certificate): readonly PathError[] {
  let out = asCa.get(cert);
  if (out) return out;
  out = [...commonProblems(cert)];
  const who = `'${cert.subjectName}'`;
  const bc = cert.extensions.find((e) => e.oid === OID.basicConstraints);
  if (!bc) out.push({ code: 'not-a-ca', message: `${who} has no basicConstraints extension, so it is not a CA` });
  else if (!cert.isCa) out.push({ code: 'not-a-ca', message: `${who} is not a CA (basicConstraints CA:FALSE)` });
  else if (!bc.critical) out.push({ code: 'extension-criticality', message: `${who} is a CA whose basicConstraints is not critical (RFC 5280 4.2.1.9)` });
  // (a keyUsage without keyCertSign on a CA is already a common problem)
  if (!cert.keyUsage) out.push({ code: 'key-usage', message: `${who} is used as a CA but has no keyUsage extension (keyCertSign is required)` });
  if (cert.subject.rdns.length === 0) out.push({ code: 'empty-name', message: `${who} is a CA with an empty subject name` });
  if (cert.subjectKeyId === undefined) out.push({ code: 'missing-extension', message: `${who} is a CA without subjectKeyIdentifier (RFC 5280 4.2.1.2)` });
  const aki = cert.authorityKeyId;
  if (aki) {
    if (aki.keyId === undefined) out.push({ code: 'authority-key-id', message: `${who}: authorityKeyIdentifier must contain keyIdentifier` });
    if (aki.hasIssuerAndSerial) out.push({ code: 'authority-key-id', message: `${who}: authorityKeyIdentifier must not contain authorityCertIssuer or authorityCertSerialNumber` });
    // A self-signed certificate names its own key: its two identifiers must agree (CA/B BR 7.1.2.1.3).
    if (aki.keyId !== undefined && cert.subjectKeyId !== undefined && aki.keyId !== cert.subjectKeyId && cert.isSelfIssued && cert.isSignedBy(cert)) {
      out.push({ code: 'authority-key-id', message: `${who} is self-signed but its authorityKeyIdentifier differs from its subjectKeyIdentifier` });
    }
  }
  const nc = cert.nameConstraints;
  if (nc) {
    if (nc.permitted.length === 0 && nc.excluded.length === 0) out.push({ code: 'name-constraints', message: `${who}: nameConstraints has neither permitted nor excluded subtrees` });
    if (nc.hasMinMax) out.push({ code: 'name-constraints', message: `${who}: nameConstraints uses minimum/maximum, which RFC 5280 forbids` });
    const bad = [...nc.permitted, ...nc.excluded].find((n) => !constraintWellFormed(n));
    if (bad) out.push({ code: 'name-constraints', message: `${who}: malformed ${describeConstraint(bad)} name constraint` });
  }
  asCa.set(cert, out);
  return out;
}

function constraintWellFormed(n: GeneralName): boolean {
  if (n.kind === 'dns') return isValidDnsConstraint(n.value);
  if (n.kind === 'ip') return isValidIpConstraint(n.value);
  return true;
}

export function describeConstraint(n: GeneralName): string {
  switch (n.kind) {
    case 'dns':
      return `dNSName '${n.value}'`;
    case 'ip':
      return 'iPAddress';
    case 'email':
      return `rfc822Name '${n.value}'`;
    case 'uri':
      return `URI '${n.value}'`;
    case 'dn':
      return 'directoryName';
    default:
      return `GeneralName [${n.tag}]`;
  }
}

/** End-entity problems that do not depend on the path (the purpose and host name are checked by the caller). */
export function leafProblems(cert: Certificate): PathError[] {
  const out = [...commonProblems(cert)];
  const who = `'${cert.subjectName}'`;
  // A CA certificate may be the last certificate of a path (RFC 5280 4.2.1.9), but only a consistent one
  // (a keyUsage without keyCertSign is already a common problem).
  if (cert.isCa && !cert.keyUsage) out.push({ code: 'key-usage', message: `${who} asserts CA:TRUE without keyUsage keyCertSign` });
  // Serial numbers are checked on the leaf only: some long-trusted roots (Starfield G2) have serial 0.
  const serialBytes = cert.serialNumber.length / 2 - (cert.serialNumber.startsWith('00') ? 1 : 0);
  if (cert.serialNegativeOrZero || serialBytes > 20) {
    out.push({ code: 'bad-serial', message: `${who} has a serial number that is zero, negative or longer than 20 octets (RFC 5280 4.1.2.2)` });
  }
  if (cert.subjectAltNameCritical && cert.subject.rdns.length > 0) {
    out.push({ code: 'extension-criticality', message: `${who} marks subjectAltName critical although its subject is not empty (CA/B BR 7.1.2.7.12)` });
  }
  if (!cert.isSelfIssued && cert.authorityKeyId?.keyId === undefined) {
    out.push({ code: 'missing-extension', message: `${who} has no authorityKeyIdentifier keyIdentifier (RFC 5280 4.2.1.1)` });
  }
  return out;
}


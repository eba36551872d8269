// Differential fuzzing of the certificate reader: real certificates (x509-limbo's, the vendored
// BoringSSL and PKITS suites', the examples') mutated at the DER level, read by rc-policy's reader
// (src/pki/cert.ts) and by OpenSSL (node:crypto X509Certificate). They must agree on the fields both
// expose; where only one accepts, the split must be one docs/security.md explains:
// - rc-policy rejects, OpenSSL accepts: rc-policy's reader is strict DER (RFC 5280 4.1: "DER");
//   OpenSSL tolerates many BER and profile slips. Counted by rc-policy's reason, never a failure.
// - rc-policy accepts, OpenSSL rejects: a failure, unless the reason is in OPENSSL_ONLY_REJECTS.
import { X509Certificate, createPublicKey } from 'node:crypto';
import { readFileSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { gunzipSync } from 'node:zlib';
import fc from 'fast-check';
import { Certificate, CertificateParseError } from '../../src/pki/cert.ts';
import type { FuzzTarget, Outcome } from './harness.ts';
import { mutatedBytes, mutatedDer } from './mutate.ts';

const ROOT = path.resolve(import.meta.dirname, '../..');

const pemBlocks = (text: string): Uint8Array[] =>
  [...text.matchAll(/-----BEGIN CERTIFICATE-----([\s\S]*?)-----END CERTIFICATE-----/g)].map((m) => new Uint8Array(Buffer.from(m[1]!.replace(/\s+/g, ''), 'base64')));

function filesUnder(dir: string, ext: string, out: string[] = []): string[] {
  for (const d of readdirSync(dir, { withFileTypes: true })) {
    const p = path.join(dir, d.name);
    if (d.isDirectory()) filesUnder(p, ext, out);
    else if (d.name.endsWith(ext)) out.push(p);
  }
  return out;
}

let seeds: Uint8Array[] | undefined;

/** Real certificates, distinct by bytes: every suite and example certificate, and a slice of limbo's. */
export function realCertificates(): Uint8Array[] {
  if (seeds) return seeds;
  const all: Uint8Array[] = [];
  const suites = path.join(ROOT, 'test/suites/boringssl-pki/testdata');
  for (const f of filesUnder(path.join(suites, 'nist-pkits/certs'), '.crt')) all.push(new Uint8Array(readFileSync(f)));
  for (const f of filesUnder(path.join(suites, 'verify_certificate_chain_unittest'), '.pem')) all.push(...pemBlocks(readFileSync(f, 'utf8')));
  for (const f of filesUnder(path.join(ROOT, 'examples'), '.pem')) all.push(...pemBlocks(readFileSync(f, 'utf8')));
  const limbo = JSON.parse(gunzipSync(readFileSync(path.join(ROOT, 'test/limbo/limbo-shared.json.gz'))).toString('utf8')) as { testcases: { peer_certificate: string; untrusted_intermediates: string[] }[] };
  // Every 10th case's leaf and intermediates: all of limbo's shapes, a manageable corpus.
  limbo.testcases.forEach((c, i) => {
    if (i % 10 === 0) all.push(...pemBlocks([c.peer_certificate, ...c.untrusted_intermediates].join('\n')));
  });
  const seen = new Set<string>();
  seeds = all.filter((d) => {
    const k = Buffer.from(d).toString('base64');
    return !seen.has(k) && seen.add(k) !== undefined;
  });
  return seeds;
}

/**
 * Where OpenSSL refuses what rc-policy's reader reads, and why that is not a defect of the reader
 * (it reads structure; the path validator then judges the contents). Matched against the mutant.
 */
export const OPENSSL_ONLY_REJECTS: readonly { readonly why: string; readonly test: (c: Certificate) => boolean }[] = [
  {
    // OpenSSL decodes the key while parsing (a point on the curve, a usable modulus); rc-policy reads
    // the SubjectPublicKeyInfo's structure and decodes the key only to verify a signature with it,
    // where a key OpenSSL cannot load fails closed (Certificate.isSignedBy is false).
    why: 'a public key that does not decode (checked when a signature is verified with it)',
    test: (c) => {
      try {
        createPublicKey({ key: Buffer.from(c.publicKey.spki), format: 'der', type: 'spki' });
        return false;
      } catch {
        return true;
      }
    },
  },
];

const plain = /^[A-Za-z0-9 ._@*'()/:?-]*$/;
const normalSerial = (hex: string): string => hex.replace(/^0+(?=.)/, '').toUpperCase();

/** The fields both readers expose, compared; each mismatch is one line. */
export function compareFields(mine: Certificate, theirs: X509Certificate): string[] {
  const out: string[] = [];
  if (normalSerial(mine.serialNumber) !== normalSerial(theirs.serialNumber) && !mine.serialNegativeOrZero) {
    out.push(`serial ${mine.serialNumber} vs ${theirs.serialNumber}`);
  }
  if (mine.notBefore.getTime() !== theirs.validFromDate.getTime()) out.push(`notBefore ${mine.notBefore.toISOString()} vs ${theirs.validFromDate.toISOString()}`);
  if (mine.notAfter.getTime() !== theirs.validToDate.getTime()) out.push(`notAfter ${mine.notAfter.toISOString()} vs ${theirs.validToDate.toISOString()}`);
  const oid = (theirs as X509Certificate & { signatureAlgorithmOid?: string }).signatureAlgorithmOid;
  if (oid !== undefined && oid !== mine.signatureAlgorithm.oid) out.push(`signature algorithm ${mine.signatureAlgorithm.oid} vs ${oid}`);
  for (const [label, name, text] of [
    ['subject', mine.subject, theirs.subject],
    ['issuer', mine.issuer, theirs.issuer],
  ] as const) {
    // Compared value by value where both print a value the same way (single-valued RDNs, plain text).
    if (name.rdns.some((r) => r.length !== 1 || !plain.test(r[0]!.value) || r[0]!.value.trim() !== r[0]!.value)) continue;
    const mineValues = name.rdns.map((r) => r[0]!.value);
    const theirValues = (text ?? '').split('\n').filter((l) => l !== '').map((l) => l.slice(l.indexOf('=') + 1));
    if (mineValues.join('\n') !== theirValues.join('\n')) out.push(`${label} ${JSON.stringify(mineValues)} vs ${JSON.stringify(theirValues)}`);
  }
  const dns = mine.dnsNames;
  if (dns.every((n) => /^[A-Za-z0-9.*-]+$/.test(n))) {
    const theirDns = (theirs.subjectAltName ?? '').split(', ').filter((e) => e.startsWith('DNS:')).map((e) => e.slice(4));
    if (mine.subjectAltName?.every((n) => n.kind === 'dns' || n.kind === 'ip') && dns.join(',') !== theirDns.join(',')) out.push(`dNSNames ${dns.join(',')} vs ${theirDns.join(',')}`);
  }
  let theirKey;
  try {
    theirKey = theirs.publicKey;
  } catch {
    theirKey = undefined; // a key type OpenSSL cannot load: nothing to compare
  }
  if (theirKey) {
    let same = false;
    try {
      same = createPublicKey({ key: Buffer.from(mine.publicKey.spki), format: 'der', type: 'spki' }).equals(theirKey);
    } catch {
      same = false;
    }
    if (!same) out.push('public key differs');
  }
  return out;
}

const stats = new Map<string, number>();
const count = (k: string) => stats.set(k, (stats.get(k) ?? 0) + 1);

export function differential(der: Uint8Array): Outcome {
  let mine: Certificate | undefined;
  let why = '';
  try {
    mine = new Certificate(der);
    void mine.fingerprint;
  } catch (err) {
    if (!(err instanceof CertificateParseError)) throw err;
    why = err.message.replace(/[0-9.]{4,}/g, 'N').replace(/'[^']*'/g, "'…'").slice(0, 60);
  }
  let theirs: X509Certificate | undefined;
  try {
    theirs = new X509Certificate(der);
  } catch {
    theirs = undefined;
  }
  if (!mine && !theirs) return count('both reject'), {};
  if (!mine) return count(`OpenSSL accepts, rc-policy rejects: ${why}`), {};
  if (!theirs) {
    const known = OPENSSL_ONLY_REJECTS.find((k) => k.test(mine));
    if (known) return count(`rc-policy accepts, OpenSSL rejects: ${known.why}`), {};
    count('rc-policy accepts, OpenSSL rejects: unexplained');
    return { violations: ['rc-policy reads a certificate OpenSSL rejects'] };
  }
  count('both accept');
  const diff = compareFields(mine, theirs);
  if (diff.length > 0) count('both accept, fields differ');
  return diff.length > 0 ? { violations: diff } : {};
}

export const certificateDifferential: FuzzTarget<Uint8Array, unknown> = {
  name: 'certificate-differential',
  description: 'real certificates (limbo, BoringSSL, PKITS, examples) mutated at the DER level -> rc-policy reader vs node:crypto X509Certificate (accept/reject and shared fields)',
  runs: { ci: 1500, full: 100_000 },
  timeLimitMs: 1000,
  arbitrary: () => {
    const real = realCertificates();
    return fc.oneof({ weight: 1, arbitrary: fc.constantFrom(...real) }, { weight: 6, arbitrary: mutatedDer(real) }, { weight: 3, arbitrary: mutatedBytes(real) });
  },
  run: (der) => differential(der),
  summary: () => Object.fromEntries([...stats].sort((a, b) => b[1] - a[1])),
};

// Who issued whom among the certificates the estate declares and serves. Structural only: names,
// key identifiers and signatures. Validity, constraints and purposes are the path validator's
// business (src/pki/chain.ts); the rules that read lineage (rollover/*, trust/validity-nesting) ask
// "which CA could have signed this", not "would a handshake accept it".
import type { Certificate } from '../pki/cert.ts';
import { couldIssue } from '../pki/issuers.ts';
import { toHex } from '../pki/der.ts';
import { caCertificates, certReferences, chainOf, memo } from './certificates.ts';
import type { Model } from './types.ts';

/** Every CA-side certificate in the estate: declared CAs and the chain certificates files carry after their first. */
const issuerPool = memo((m: Model): Map<string, Certificate[]> => {
  const bySubject = new Map<string, Certificate[]>();
  const seen = new Set<string>();
  const add = (c: Certificate) => {
    if (seen.has(c.fingerprint)) return;
    seen.add(c.fingerprint);
    const key = toHex(c.subject.der);
    const list = bySubject.get(key);
    if (list) list.push(c);
    else bySubject.set(key, [c]);
  };
  for (const c of caCertificates(m).values()) add(c);
  for (const ref of certReferences(m)) chainOf(m, ref.source).slice(1).forEach(add);
  return bySubject;
});

const issuerCache = memo((_: Model) => new Map<string, readonly Certificate[]>());

/** Every certificate in the estate whose key signed `cert`; none for a self-signed certificate. */
export function issuersOf(m: Model, cert: Certificate): readonly Certificate[] {
  const cache = issuerCache(m);
  let out = cache.get(cert.fingerprint);
  if (out === undefined) {
    // A self-signed certificate is where paths end: other certificates of the same CA (a
    // cross-certificate carries the same name and key) did not issue it.
    const selfSigned = couldIssue(cert, cert) && cert.isSignedBy(cert);
    const candidates = selfSigned ? [] : (issuerPool(m).get(toHex(cert.issuer.der)) ?? []);
    out = candidates.filter((c) => c.fingerprint !== cert.fingerprint && couldIssue(c, cert) && cert.isSignedBy(c));
    cache.set(cert.fingerprint, out);
  }
  return out;
}

const ancestorCache = memo((_: Model) => new Map<string, ReadonlySet<string>>());
const walkCache = memo((_: Model) => new Map<string, ReadonlySet<string>>());

/** Plain walk up the issuer graph from one certificate (cross-signing can make it cyclic). */
function walkUp(m: Model, start: Certificate): ReadonlySet<string> {
  const cache = walkCache(m);
  let out = cache.get(start.fingerprint) as Set<string> | undefined;
  if (out) return out;
  out = new Set<string>();
  const stack = [start];
  while (stack.length > 0) {
    const c = stack.pop()!;
    if (out.has(c.fingerprint)) continue;
    out.add(c.fingerprint);
    stack.push(...issuersOf(m, c));
  }
  cache.set(start.fingerprint, out);
  return out;
}

/**
 * Fingerprints of `cert` and of every certificate above it on some issuer path (cross-signed CAs
 * give several). Each issuer's walk is memoised, so 10,000 leaves under one intermediate walk it once.
 */
export function ancestors(m: Model, cert: Certificate): ReadonlySet<string> {
  const cache = ancestorCache(m);
  let out = cache.get(cert.fingerprint) as Set<string> | undefined;
  if (out) return out;
  out = new Set([cert.fingerprint]);
  for (const issuer of issuersOf(m, cert)) for (const f of walkUp(m, issuer)) out.add(f);
  cache.set(cert.fingerprint, out);
  return out;
}

/** Whether `cert` chains (structurally) to the declared CA `caId`. */
export function chainsTo(m: Model, cert: Certificate, caId: string): boolean {
  const ca = caCertificates(m).get(caId);
  return ca !== undefined && ancestors(m, cert).has(ca.fingerprint);
}

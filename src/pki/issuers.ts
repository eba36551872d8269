import type { Certificate } from './cert.ts';
import { sameName } from './dn.ts';

/** Could `candidate` have issued `cert`: names chain, and key identifiers (when both are present) agree. */
export function couldIssue(candidate: Certificate, cert: Certificate): boolean {
  if (!sameName(candidate.subject, cert.issuer)) return false;
  const aki = cert.authorityKeyId?.keyId;
  const ski = candidate.subjectKeyId;
  return !(aki && ski && aki !== ski);
}

/** The first of `candidates` whose name matches and whose key verifies `cert`'s signature. */
export function findIssuer(cert: Certificate, candidates: Iterable<Certificate>): Certificate | undefined {
  for (const c of candidates) if (couldIssue(c, cert) && cert.isSignedBy(c)) return c;
  return undefined;
}

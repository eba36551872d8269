// Root causes (ADR 0120): which finding already explains why something else cannot be evaluated.
// A rule that depends on a certificate, a CA or a bundle asks here, and names the cause in its
// violation's `because`; the engine then lists the violation as not evaluated because of that
// finding instead of raising a second, misleading one.
import type { Certificate } from '../pki/cert.ts';
import type { PathError } from '../pki/chain.ts';
import type { Cause } from '../report/types.ts';
import type { CertSource } from '../topology/model.ts';
import { caIdsByFingerprint, certReferences, fileOf, liveChains, memo } from './certificates.ts';
import type { Model } from './types.ts';
import { hasMatchingDnsName } from '../pki/names.ts';

const targetsBySource = memo((m: Model): Map<CertSource, string> => new Map(certReferences(m).map((r) => [r.source, r.target])));

/** The finding target of the object a certificate source belongs to (cert/unreadable, cert/expired use it). */
export const ownerOf = (m: Model, source: CertSource): string | undefined => targetsBySource(m).get(source);

/**
 * Why a source yields no certificate, as the finding that says so: cert/unreadable for a file that
 * is missing or holds none, cert/live-only for a Key Vault-only source in check. Undefined when the
 * source has certificates (or has no owner to name).
 */
export function unreadableCause(m: Model, source: CertSource | undefined): Cause | undefined {
  if (!source) return undefined;
  const target = ownerOf(m, source);
  if (target === undefined || liveChains(m).has(source)) return undefined;
  const file = fileOf(m, source);
  if (file) return file.missing || file.certs.length === 0 ? { rule: 'cert/unreadable', target } : undefined;
  if (!source.file && source.keyVault && m.mode === 'check') return { rule: 'cert/live-only', target };
  return undefined;
}

/** Declared CAs whose certificate cannot be read, by id, with the finding that says so. */
export const unreadableCas = memo((m: Model): Map<string, Cause> => {
  const out = new Map<string, Cause>();
  for (const ca of m.topology.cas) {
    const cause = unreadableCause(m, ca.cert);
    if (cause) out.set(ca.id, cause);
  }
  return out;
});

/** The unreadable CAs among some CA ids (a bundle's, an issuer chain's). */
export const unreadableAmong = (m: Model, ids: readonly string[]): Cause[] => {
  const unreadable = unreadableCas(m);
  return [...new Set(ids)].flatMap((id) => unreadable.get(id) ?? []);
};

const dateCodes = new Set(['expired', 'not-yet-valid']);

/**
 * The findings that explain a failed path validation completely, or undefined when some error has
 * another cause (then the failure is a finding of its own: SPEC §3.3, no suppression). Handled:
 * certificates on the found path outside their validity (cert/expired on the CA, or on the sender
 * for its leaf and the chain it serves) and, for a server, its FQDN missing from the SAN
 * (broker/name-mismatch on the server, which stays a finding of its own if that rule is not raised).
 */
export function pathCauses(
  m: Model,
  errors: readonly PathError[],
  path: readonly Certificate[] | undefined,
  sender: string,
  nameMismatchOf?: string,
): Cause[] | undefined {
  if (errors.length === 0 || !path) return undefined;
  const causes = new Map<string, Cause>();
  const add = (c: Cause) => causes.set(`${c.rule}\t${c.target}`, c);
  const caIds = caIdsByFingerprint(m);
  for (const e of errors) {
    if (dateCodes.has(e.code)) {
      const outside = path.filter((c) => m.at < c.notBefore || m.at > c.notAfter);
      if (outside.length === 0) return undefined;
      for (const c of outside) add({ rule: 'cert/expired', target: caIds.get(c.fingerprint) ?? sender });
    } else if ((e.code === 'hostname-mismatch' || e.code === 'cn-not-in-san') && nameMismatchOf) {
      // A CN that is not in the SAN goes with the FQDN missing from it: both say the SAN is wrong.
      add({ rule: 'broker/name-mismatch', target: nameMismatchOf });
    }
    else return undefined;
  }
  return [...causes.values()];
}

/**
 * A server whose certificate does not carry its FQDN at all holds some other object's certificate:
 * broker/name-mismatch says so, and the finer name checks (CN, extra SAN entries) wait on it.
 */
export function wrongCertificateCause(server: { id: string; fqdn: string }, leaf: Certificate): Cause[] | undefined {
  return hasMatchingDnsName(leaf, server.fqdn) ? undefined : [{ rule: 'broker/name-mismatch', target: server.id }];
}

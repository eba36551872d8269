// verifyChain (SPEC §6): the public, input-tolerant face of the path validator in src/pki/chain.ts.
// Takes PEM text or DER bytes, parses them, validates, and answers with fingerprints and reasons.
import type { Certificate } from './pki/cert.ts';
import { validatePath, type PathError, type PathOptions, type PathResult } from './pki/chain.ts';
import { decodeCertificates } from './pki/pem.ts';

/** A certificate as PEM text (one or more CERTIFICATE blocks) or DER bytes. */
export type CertificateInput = string | Uint8Array;

export interface VerifyChainOptions {
  /** The end-entity certificate (a PEM holding several: the first is the leaf, the rest join the intermediates). */
  readonly leaf: CertificateInput;
  /** Untrusted intermediates, any order; decoys and unrelated certificates are fine. */
  readonly intermediates?: readonly CertificateInput[];
  /** Trust anchors. */
  readonly trusted: readonly CertificateInput[];
  /** Validation time (default: now). */
  readonly at?: Date;
  /** DNS name the leaf must carry as a SAN dNSName (RFC 6125; no CN fallback). */
  readonly hostname?: string;
  readonly purpose?: 'serverAuth' | 'clientAuth';
  /** Most intermediates a path may hold (default 8). */
  readonly maxDepth?: number;
}

export interface VerifyChainResult {
  readonly ok: boolean;
  /** SHA-256 fingerprints (lowercase hex) of the validated path, leaf first, trust anchor last. */
  readonly chain?: string[];
  readonly errors: { code: string; message: string }[];
}

interface Parsed {
  readonly certs: Certificate[];
  readonly problems: PathError[];
}

function parseInputs(inputs: readonly CertificateInput[], role: string): Parsed {
  const certs: Certificate[] = [];
  const problems: PathError[] = [];
  inputs.forEach((input, i) => {
    const where = inputs.length > 1 ? `${role} #${i + 1}` : role;
    if (typeof input !== 'string' && !(input instanceof Uint8Array)) throw new TypeError(`verifyChain: ${where} must be PEM text or DER bytes`);
    // PEM or DER, as text or bytes: the same reader as certificate files.
    const decoded = decodeCertificates(typeof input === 'string' ? Buffer.from(input, 'latin1') : input, '');
    certs.push(...decoded.certs);
    for (const p of decoded.problems) problems.push({ code: 'malformed-certificate', message: `${where}: ${p}` });
  });
  return { certs, problems };
}

/**
 * Validates a certificate chain the way a strict TLS peer would: builds a path from the leaf through
 * the intermediates to a trust anchor (backtracking across alternatives), and checks signatures,
 * validity at `at`, CA constraints, key usages, EKU, the host name and name constraints.
 */
export async function verifyChain(options: VerifyChainOptions): Promise<VerifyChainResult> {
  checkedTime(options);
  if (!Array.isArray(options.trusted)) throw new TypeError('verifyChain: trusted must be an array of certificates');
  checkPurposeAndHost(options);
  const leafInput = parseInputs([options.leaf], 'leaf');
  const leaf = leafInput.certs[0];
  // Any problem in the leaf's input leaves it unclear which certificate is the leaf: fail closed.
  if (leafInput.problems.length > 0) return { ok: false, errors: leafInput.problems };
  if (!leaf) return { ok: false, errors: [{ code: 'malformed-certificate', message: 'leaf: no certificate found' }] };
  const intermediates = parseInputs(options.intermediates ?? [], 'intermediate');
  const trusted = parseInputs(options.trusted, 'trusted certificate');
  const r = verifyCertificates(leaf, [...leafInput.certs.slice(1), ...intermediates.certs], trusted.certs, options);
  const chain = r.path?.map((c) => c.fingerprint);
  // Unreadable pool certificates were not used; they only matter for explaining a failure.
  const errors = r.ok ? [] : [...r.errors, ...intermediates.problems, ...trusted.problems];
  return chain ? { ok: r.ok, chain, errors } : { ok: r.ok, errors };
}

/**
 * The validation behind verifyChain, on certificates already parsed (`rc-policy verify` reads its
 * files itself, to fail with exit 2 on an unreadable one): the same option checks, the full path.
 */
export function verifyCertificates(
  leaf: Certificate,
  intermediates: readonly Certificate[],
  trusted: readonly Certificate[],
  options: Omit<VerifyChainOptions, 'leaf' | 'intermediates' | 'trusted'> & Pick<PathOptions, 'labels'>,
): PathResult {
  const at = checkedTime(options);
  checkPurposeAndHost(options);
  return validatePath(leaf, intermediates, trusted, {
    at,
    ...(options.hostname !== undefined && { hostname: options.hostname }),
    ...(options.purpose !== undefined && { purpose: options.purpose }),
    ...(options.maxDepth !== undefined && { maxDepth: options.maxDepth }),
    ...(options.labels && { labels: options.labels }),
  });
}

function checkedTime(options: Pick<VerifyChainOptions, 'at'>): Date {
  const at = options.at ?? new Date();
  if (!(at instanceof Date) || Number.isNaN(at.getTime())) throw new TypeError('verifyChain: at must be a valid Date');
  return at;
}

function checkPurposeAndHost(options: Pick<VerifyChainOptions, 'purpose' | 'hostname'>): void {
  if (options.purpose !== undefined && options.purpose !== 'serverAuth' && options.purpose !== 'clientAuth') {
    throw new TypeError(`verifyChain: purpose must be 'serverAuth' or 'clientAuth' (got ${JSON.stringify(options.purpose)})`);
  }
  if (options.hostname !== undefined && typeof options.hostname !== 'string') throw new TypeError('verifyChain: hostname must be a string');
}

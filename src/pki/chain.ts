// The path validator behind verifyChain, `rc-policy verify` and the trust/* rules (SPEC §6).
// Its own path builder: Node's and OpenSSL's take the first issuer they find and cannot backtrack,
// so a cross-signed root during a rollover or an expired alternate next to a valid one defeats them.
// This one searches depth-first over every candidate issuer (trust anchors first), with bounded depth
// and work, and accepts the first path on which every check passes (docs/verify.md).
import type { Certificate } from './cert.ts';
import { equalBytes } from './der.ts';
import { EKU, ekuName } from './extensions.ts';
import { hasMatchingDnsName, isValidHostname } from './names.ts';
import { couldIssue } from './issuers.ts';
import { type PathError, caProblems, leafProblems, signatureProblems } from './profile.ts';
import { type Budget, ConstraintWorkExceeded, NAME_CONSTRAINT_BUDGET, nameConstraintProblem } from './constraints.ts';
import { sameName } from './dn.ts';
import { policyProblem } from './policies.ts';

export type { PathError } from './profile.ts';

export interface PathOptions {
  at: Date;
  /** DNS name the leaf must carry in its SAN (RFC 6125: dNSName only, leftmost-label wildcards, no CN). */
  hostname?: string;
  /** The leaf must carry this EKU; CAs on the path that carry an EKU extension must allow it. */
  purpose?: 'serverAuth' | 'clientAuth';
  /** Most intermediates a path may hold (default 8). */
  maxDepth?: number;
  /** How messages name the two pools, e.g. "the chain broker-us-1 serves", "the trust bundle rc-trust". */
  labels?: { intermediates?: string; anchors?: string };
}

export interface PathResult {
  ok: boolean;
  /** The validated path, leaf first, trust anchor last (also set when only leaf checks failed). */
  path?: Certificate[];
  errors: PathError[];
}

export const DEFAULT_MAX_DEPTH = 8;
/** Candidate issuers tried in one validation before giving up (each costs at most one signature check). */
export const MAX_ATTEMPTS = 1000;

const PURPOSE_OID = { serverAuth: EKU.serverAuth, clientAuth: EKU.clientAuth } as const;
/** CA/B BR 7.1.2.7.10: purposes a TLS subscriber certificate MUST NOT carry next to serverAuth/clientAuth. */
const NOT_WITH_TLS = [EKU.codeSigning, EKU.OCSPSigning, EKU.timeStamping];

class SearchExhausted extends Error {}

interface Candidate {
  readonly cert: Certificate;
  readonly anchor: boolean;
}

interface Failure {
  /** Certificates on the partial path below the rejected candidate (1 = the leaf alone). */
  readonly depth: number;
  readonly errors: PathError[];
}

/** Validates `leaf` up to one of `anchors`, using any of `intermediates` (unordered, untrusted). */
export function validatePath(leaf: Certificate, intermediates: readonly Certificate[], anchors: readonly Certificate[], options: PathOptions): PathResult {
  const errors = leafErrors(leaf, options);
  const search = new PathSearch(intermediates, anchors, options);
  let path: Certificate[] | undefined;
  try {
    // A leaf that is itself a trust anchor is trusted as it is (as Go, OpenSSL and pyca do); leaf checks still apply.
    if (anchors.some((a) => a.fingerprint === leaf.fingerprint)) path = [leaf];
    else {
      errors.push(...signatureProblems(leaf));
      path = search.extend([leaf]);
    }
  } catch (err) {
    if (!(err instanceof SearchExhausted || err instanceof ConstraintWorkExceeded)) throw err;
    return { ok: false, errors: [...errors, { code: 'too-complex', message: `path building gave up: ${err.message}` }] };
  }
  if (path) return errors.length === 0 ? { ok: true, path, errors } : { ok: false, path, errors };
  return { ok: false, errors: [...errors, ...search.explain(leaf)] };
}

/** Certificate times have one-second granularity: compare at the second (RFC 5280 4.1.2.5). */
const seconds = (d: Date): number => Math.floor(d.getTime() / 1000) * 1000;

function validityError(cert: Certificate, t: number, who: string): PathError | undefined {
  if (t > cert.notAfter.getTime()) return { code: 'expired', message: `${who} expired ${cert.notAfter.toISOString()}` };
  if (t < cert.notBefore.getTime()) return { code: 'not-yet-valid', message: `${who} is not valid before ${cert.notBefore.toISOString()}` };
  return undefined;
}

function leafErrors(leaf: Certificate, o: PathOptions): PathError[] {
  const out = leafProblems(leaf);
  const who = `'${leaf.subjectName}'`;
  const v = validityError(leaf, seconds(o.at), who);
  if (v) out.push(v);
  if (o.purpose) {
    const eku = leaf.extKeyUsage;
    if (!eku) out.push({ code: 'eku-missing', message: `${who} has no extendedKeyUsage extension; ${o.purpose} is required` });
    else if (!eku.includes(PURPOSE_OID[o.purpose])) {
      out.push({ code: 'eku-missing', message: `${who} extendedKeyUsage (${eku.map(ekuName).join(', ')}) lacks ${o.purpose}` });
    } else if (eku.includes(EKU.anyExtendedKeyUsage)) {
      // CA/B BR 7.1.2.7.10: a TLS leaf usable for any purpose is not a TLS leaf.
      out.push({ code: 'eku-any', message: `${who} extendedKeyUsage includes anyExtendedKeyUsage, which a ${o.purpose} leaf must not carry` });
    }
    const forbidden = eku?.filter((p) => NOT_WITH_TLS.includes(p as (typeof NOT_WITH_TLS)[number]));
    if (forbidden && forbidden.length > 0) {
      out.push({ code: 'eku-forbidden', message: `${who} extendedKeyUsage includes ${forbidden.map(ekuName).join(', ')}, which a TLS certificate must not carry (CA/B BR 7.1.2.7.10)` });
    }
  }
  if (o.purpose && leaf.isCa) {
    // CA/B BR 7.1.2.7.8: a TLS server or client certificate is not a CA. Serving a CA certificate as
    // the leaf is a deployment mistake (the wrong file), whatever RFC 5280 allows a generic path.
    out.push({ code: 'ca-as-leaf', message: `${who} is a CA certificate (basicConstraints CA:TRUE), not a ${o.purpose} end-entity certificate` });
  }
  if (o.hostname !== undefined) {
    const dns = leaf.dnsNames;
    if (!isValidHostname(o.hostname)) out.push({ code: 'hostname-mismatch', message: `'${o.hostname}' is not a DNS host name; only dNSName entries are matched` });
    else if (!hasMatchingDnsName(leaf, o.hostname)) {
      const found = dns.length > 0 ? `found: ${dns.map((n) => `DNS:${n}`).join(', ')}` : 'it has no dNSName entries; the CN is never used';
      out.push({ code: 'hostname-mismatch', message: `${o.hostname} is not in the subjectAltName of ${who} (${found})` });
    }
  }
  if (o.purpose === 'serverAuth' || o.hostname !== undefined) {
    // CA/B BR 7.1.4.3: a host-like CN must be a character-for-character copy of a SAN entry.
    for (const cn of leaf.commonNames) {
      if ((cn.includes('.') || cn.includes(':')) && !leaf.dnsNames.includes(cn) && !ipSanTexts(leaf).includes(cn)) {
        out.push({ code: 'cn-not-in-san', message: `${who}: the common name '${cn}' is not a copy of any subjectAltName entry` });
      }
    }
  }
  return out;
}

function ipSanTexts(cert: Certificate): string[] {
  const out: string[] = [];
  for (const n of cert.subjectAltName ?? []) if (n.kind === 'ip' && n.value.length === 4) out.push(n.value.join('.'));
  return out;
}

const short = (hex: string): string => (hex.length > 16 ? `${hex.slice(0, 16)}…` : hex);

const sameKeyAndName = (a: Certificate, b: Certificate): boolean =>
  sameName(a.subject, b.subject) && equalBytes(a.publicKey.spki, b.publicKey.spki);

class PathSearch {
  readonly #intermediates: readonly Certificate[];
  readonly #anchors: readonly Certificate[];
  readonly #o: PathOptions;
  readonly #t: number;
  readonly #maxDepth: number;
  readonly #budget: Budget = { left: NAME_CONSTRAINT_BUDGET };
  #attempts = 0;
  #best: Failure[] = [];

  constructor(intermediates: readonly Certificate[], anchors: readonly Certificate[], o: PathOptions) {
    // Duplicates are dropped, and a certificate that is also a trust anchor is tried as the anchor only:
    // as an intermediate it could only do worse.
    const seen = new Set<string>();
    const unique = (c: Certificate) => !seen.has(c.fingerprint) && seen.add(c.fingerprint) !== undefined;
    this.#anchors = anchors.filter(unique);
    this.#intermediates = intermediates.filter(unique);
    this.#o = o;
    this.#t = seconds(o.at);
    this.#maxDepth = o.maxDepth ?? DEFAULT_MAX_DEPTH;
  }

  get #anchorLabel(): string {
    return this.#o.labels?.anchors ?? 'the trust anchors';
  }

  get #intermediateLabel(): string {
    return this.#o.labels?.intermediates ?? 'the untrusted intermediates';
  }

  #candidates(cert: Certificate): Candidate[] {
    const out: Candidate[] = [];
    for (const a of this.#anchors) if (couldIssue(a, cert)) out.push({ cert: a, anchor: true });
    const later: Candidate[] = [];
    for (const c of this.#intermediates) {
      if (!couldIssue(c, cert)) continue;
      // Currently valid intermediates first: an expired alternate next to a valid one should not cost a detour.
      (c.notBefore.getTime() <= this.#t && this.#t <= c.notAfter.getTime() ? out : later).push({ cert: c, anchor: false });
    }
    return later.length > 0 ? out.concat(later) : out;
  }

  /** Depth-first: returns the first complete valid path extending `path`, or undefined. */
  extend(path: Certificate[]): Certificate[] | undefined {
    const top = path[path.length - 1]!;
    let tried = 0;
    let looped = false;
    for (const cand of this.#candidates(top)) {
      if (this.#loops(path, cand.cert)) {
        looped = true; // a loop: the shorter path was already tried
        continue;
      }
      tried++;
      if (++this.#attempts > MAX_ATTEMPTS) throw new SearchExhausted(`more than ${MAX_ATTEMPTS} candidate issuers`);
      const problems = this.#edgeProblems(path, cand);
      if (problems.length > 0) {
        this.#record(path.length, problems.map((p) => this.#frame(p, cand, top)));
        continue;
      }
      if (cand.anchor) {
        const policy = policyProblem(path, cand.cert);
        if (!policy) return [...path, cand.cert];
        this.#record(path.length, [this.#frame({ code: 'certificate-policy', message: policy }, cand, top)]);
        continue;
      }
      if (path.length > this.#maxDepth) {
        this.#record(path.length, [{ code: 'depth-exceeded', message: `a path through '${cand.cert.subjectName}' would exceed ${this.#maxDepth} intermediates` }]);
        continue;
      }
      const found = this.extend([...path, cand.cert]);
      if (found) return found;
    }
    if (tried === 0) this.#record(path.length, [this.#notFound(top, looped)]);
    return undefined;
  }

  /**
   * A candidate with the same name and key as a certificate p on the path only repeats a shorter
   * path when it could have issued what p issues: then it was a candidate there, and tried first.
   * Otherwise (its key identifier ruled it out there) the path through it is new, and is tried.
   */
  #loops(path: Certificate[], cand: Certificate): boolean {
    for (let i = 0; i < path.length; i++) {
      if (!sameKeyAndName(path[i]!, cand)) continue;
      if (i === 0 || couldIssue(cand, path[i - 1]!)) return true;
    }
    return false;
  }

  #notFound(top: Certificate, looped = false): PathError {
    const pools = `${this.#intermediateLabel} or ${this.#anchorLabel}`;
    if (top.isSelfIssued && top.isSignedBy(top)) {
      return { code: 'untrusted-root', message: `'${top.subjectName}' is self-signed but is not among ${this.#anchorLabel}` };
    }
    if (looped) {
      return { code: 'issuer-not-found', message: `the only issuer of '${top.subjectName}' among ${pools} leads back into the path (a cycle); none reaches ${this.#anchorLabel}` };
    }
    const message = `issuer '${top.issuerName}' of '${top.subjectName}' not found among ${pools}`;
    // A certificate with the right name but another key is the usual rollover mistake: say so.
    const needed = top.authorityKeyId?.keyId;
    const renamed = [...this.#anchors, ...this.#intermediates].find((c) => sameName(c.subject, top.issuer) && c.subjectKeyId !== needed);
    if (renamed?.subjectKeyId && needed) {
      const from = this.#anchors.includes(renamed) ? this.#anchorLabel : this.#intermediateLabel;
      const hint = `; ${from} hold a certificate of that name with another key (subjectKeyIdentifier ${short(renamed.subjectKeyId)}, needed ${short(needed)})`;
      return { code: 'issuer-not-found', message: message + hint };
    }
    return { code: 'issuer-not-found', message };
  }

  #frame(p: PathError, cand: Candidate, top: Certificate): PathError {
    const from = cand.anchor ? this.#anchorLabel : this.#intermediateLabel;
    return { code: p.code, message: `${p.message} (candidate issuer of '${top.subjectName}' from ${from})` };
  }

  #record(depth: number, errors: PathError[]): void {
    const current = this.#best[0]?.depth ?? 0;
    if (depth > current) this.#best = [{ depth, errors }];
    else if (depth === current) this.#best.push({ depth, errors });
  }

  /** Why no path was found: the rejections of the candidates that came closest to a trust anchor. */
  explain(leaf: Certificate): PathError[] {
    const seen = new Set<string>();
    const out: PathError[] = [];
    for (const f of this.#best) {
      for (const e of f.errors) {
        if (seen.has(e.message)) continue;
        seen.add(e.message);
        out.push(e);
      }
    }
    if (out.length === 0) out.push(this.#notFound(leaf));
    return out;
  }

  /** Everything that stops `cand` from issuing the top of `path` on this path. */
  #edgeProblems(path: Certificate[], cand: Candidate): PathError[] {
    const top = path[path.length - 1]!;
    const ca = cand.cert;
    const who = `'${ca.subjectName}'`;
    if (!top.isSignedBy(ca)) {
      return [{ code: 'bad-signature', message: `the signature on '${top.subjectName}' does not verify with the key of ${who}` }];
    }
    const out: PathError[] = path.length > 1 ? [...signatureProblems(top), ...caProblems(ca)] : [...caProblems(ca)];
    if (!cand.anchor && !ca.isSelfIssued && ca.authorityKeyId?.keyId === undefined) {
      // RFC 5280 4.2.1.1; a trust anchor is exempt: how it was issued is not part of the path.
      out.push({ code: 'missing-extension', message: `${who} is an intermediate CA without authorityKeyIdentifier keyIdentifier (RFC 5280 4.2.1.1)` });
    }
    const v = validityError(ca, this.#t, who);
    if (v) out.push(v);
    const purpose = this.#o.purpose;
    if (purpose && ca.extKeyUsage && !ca.extKeyUsage.includes(PURPOSE_OID[purpose])) {
      // Strict TLS profile: a CA that lists EKUs must list the purpose; anyExtendedKeyUsage in its place
      // is the mark of a CA not dedicated to TLS (CA/B BR 7.1.2.2.3 / 7.1.2.10.6 forbid it on TLS CAs).
      const instead = ca.extKeyUsage.includes(EKU.anyExtendedKeyUsage) ? ' (anyExtendedKeyUsage does not stand in for it)' : '';
      out.push({ code: 'eku-missing', message: `${who} restricts its extendedKeyUsage to ${ca.extKeyUsage.map(ekuName).join(', ')}, which excludes ${purpose}${instead}` });
    }
    const pathLen = ca.basicConstraints?.pathLen;
    if (pathLen !== undefined) {
      // Intermediates below this CA; self-issued ones (key rollover) and the leaf do not count (RFC 5280 4.2.1.9).
      let below = 0;
      for (let i = 1; i < path.length; i++) if (!path[i]!.isSelfIssued) below++;
      if (below > pathLen) out.push({ code: 'path-len-exceeded', message: `${who} allows ${pathLen} intermediate(s) below it (pathLenConstraint) but this path has ${below}` });
    }
    if (ca.nameConstraints) {
      for (let i = 0; i < path.length; i++) {
        const cert = path[i]!;
        if (i > 0 && cert.isSelfIssued) continue; // RFC 5280 4.2.1.10: not applied to self-issued intermediates
        const problem = nameConstraintProblem(ca, cert, i === 0, this.#budget);
        if (problem) {
          out.push({ code: 'name-constraints', message: `'${cert.subjectName}' violates the name constraints of ${who}: ${problem}` });
          break;
        }
      }
    }
    return out;
  }
}

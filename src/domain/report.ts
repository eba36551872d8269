// The report every output format is rendered from: the end of the pipeline, and all a renderer reads.
import type { Location } from './location.ts';
import type { Finding, WaiverOutcome } from './finding.ts';
import type { RuleDescriptor, RuleRun } from './rule.ts';

export interface Summary {
  readonly error: number;
  readonly warning: number;
  readonly info: number;
  readonly waived: number;
  /** With --baseline: unwaived findings already in the previous report (counted in error/warning/info too). */
  readonly baseline?: number;
}

/** One side of a simulated handshake: does the validating party accept the peer's chain? */
export interface HandshakeCheck {
  readonly ok: boolean;
  /** Why not (the first verifier error, readable). */
  readonly reason?: string;
  /** Not evaluated by `check` (the certificate lives only in Key Vault; cert/live-only lists it); `ok` is then false. */
  readonly skipped?: boolean;
}

/**
 * One client->server pair of the handshake matrix (SPEC §3 Trust): `client` is a client id, or a
 * gateway id for a re-encrypting upstream hop. `serverAuth`: the client validates the server's
 * chain for its FQDN; `clientAuth`: the server validates the client's certificate (absent when the
 * server does not require client auth).
 */
export interface MatrixPair {
  readonly client: string;
  readonly server: string;
  readonly ok: boolean;
  readonly serverAuth: HandshakeCheck;
  readonly clientAuth?: HandshakeCheck;
}

/** Counts of the whole handshake matrix, and which of its pairs the report lists. */
export interface MatrixSummary {
  readonly pairs: number;
  readonly ok: number;
  /** Pairs a side rejects (trust/untrusted-server, trust/untrusted-client). */
  readonly failing: number;
  /** Pairs check could not evaluate (a certificate only in Key Vault). */
  readonly notEvaluated: number;
  readonly clients: number;
  readonly servers: number;
  /** `all`: `matrix` holds every pair; `problems`: only the pairs that are not ok (failing or not evaluated). */
  readonly listed: 'all' | 'problems';
}

/** Which pairs the report lists: `auto` lists every pair of a matrix of at most MATRIX_AUTO_FULL_PAIRS pairs, else only problems. */
export type MatrixListing = 'auto' | 'full' | 'problems';

/** The report every output format is rendered from (and, as JSON, the stable output of spec §5). */
export interface Report {
  readonly tool: { readonly name: 'rc-policy'; readonly version: string };
  readonly topology: string;
  readonly evaluatedAt: string;
  readonly mode: 'check' | 'audit';
  readonly policy: { readonly pack: string; readonly packs: readonly string[] };
  readonly summary: Summary;
  readonly findings: readonly Finding[];
  /**
   * The handshake matrix, when the trust rules ran: every pair, or only the pairs that are not ok
   * when matrixSummary.listed is `problems` (a large estate; `--matrix full` lists every pair).
   */
  readonly matrix?: readonly MatrixPair[];
  /** The whole matrix counted, whatever `matrix` lists (docs/decisions/0110). */
  readonly matrixSummary?: MatrixSummary;
  /** How each rule of the pack fared (for JUnit's honest pass/skip counts); absent when the topology failed the schema. */
  readonly rules?: readonly RuleRun[];
  /** Every waiver the run loaded and what became of it. */
  readonly waivers?: readonly WaiverOutcome[];
  /** With --baseline: the previous report compared against. */
  readonly baseline?: BaselineSummary;
  /** What the topology declares, for the Markdown diagrams (docs/decisions/0031). */
  readonly estate?: Estate;
  /**
   * Audit only: what the live sources could not read, so the rules could not evaluate it (an
   * endpoint that did not answer, a Key Vault read that failed). Empty when the audit saw everything;
   * an entry that is not waived makes the run "could not evaluate" (exit 2, ADR 0070).
   */
  readonly incomplete?: readonly NotEvaluated[];
  /**
   * Every rule of the run's rule set (built-in and the pack's custom rules), in order, so that the
   * renderers that describe rules (SARIF, JUnit, the diagrams) need nothing but the report. Not
   * part of the JSON report.
   */
  readonly descriptors?: readonly RuleDescriptor[];
}

/** One object an audit could not evaluate, and why (ADR 0070). */
export interface NotEvaluated {
  /** The object left unevaluated: a broker, gateway or load balancer, or the object referencing a Key Vault certificate. */
  readonly target: string;
  /** What could not be read: `tls <host:port ...>` or `key-vault <vault>/<certificate>`. */
  readonly source: string;
  readonly reason: string;
  /** Where the object (or its Key Vault reference) is declared. */
  readonly location: Location;
  /** A waiver of live/unreachable on this target accepts the gap until it expires: reported, not failing. */
  readonly waived?: true;
}

export interface BaselineSummary {
  readonly file: string;
  /** Findings of this run found in the baseline (shown as existing). */
  readonly existing: number;
  /** Findings of the baseline no longer raised. */
  readonly fixed: number;
}

/** One node of the topology diagram: a party on the traffic path. */
export interface EstateNode {
  readonly id: string;
  readonly kind: 'globalLoadBalancer' | 'loadBalancer' | 'broker' | 'gateway' | 'client';
  readonly region?: string;
  readonly fqdn?: string;
  readonly location: Location;
}

/** `backend`: a load balancer routes to it; `connects`: a client's connectsTo (or its default); `upstream`: a gateway hop. */
export interface EstateEdge {
  readonly from: string;
  readonly to: string;
  readonly kind: 'backend' | 'connects' | 'upstream';
  /** For upstream hops: reencrypt | passthrough | none. */
  readonly tls?: string;
}

/** One certificate's validity window, attributed like findings are (SPEC §3.6). */
export interface EstateCertificate {
  readonly target: string;
  readonly kind: 'root' | 'intermediate' | 'leaf';
  readonly subject: string;
  readonly notBefore: string;
  readonly notAfter: string;
  readonly fingerprint: string;
}

/** A digest of the topology for pictures: who talks to whom, and what expires when. */
export interface Estate {
  readonly name: string;
  readonly nodes: readonly EstateNode[];
  readonly edges: readonly EstateEdge[];
  readonly certificates: readonly EstateCertificate[];
  readonly rollover?: { readonly from: string; readonly to: string; readonly phase: string };
}

// The report every output format is rendered from: the end of the pipeline, and all a renderer reads.
import type { Location } from './location.ts';
import type { Cause, DependentCheck, Finding, WaiverOutcome } from './finding.ts';
import type { RuleDescriptor, RuleRun } from './rule.ts';

export interface Summary {
  readonly error: number;
  readonly warning: number;
  readonly info: number;
  readonly waived: number;
  /** With --baseline: unwaived findings already in the previous report (counted in error/warning/info too). */
  readonly baseline?: number;
  /** Checks not evaluated because another finding names their cause (`notEvaluated`); not counted above. */
  readonly notEvaluated?: number;
}

/** One side of a simulated handshake: does the validating party accept the peer's chain? */
export interface HandshakeCheck {
  readonly ok: boolean;
  /** Why not (the first verifier error, readable). */
  readonly reason?: string;
  /** Not evaluated by `check` (the certificate lives only in Key Vault; cert/live-only lists it); `ok` is then false. */
  readonly skipped?: boolean;
  /** Not evaluated because these findings name the cause (ADR 0120); `ok` is then false. */
  readonly because?: readonly Cause[];
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
  /**
   * Set when a hop on the way terminates TLS (a load balancer with a TLS listener or a certificate):
   * the end-to-end handshake never reaches the server, whatever the two sides would accept; `ok` is
   * then false (ADR 0122).
   */
  readonly path?: { readonly ok: false; readonly reason: string; readonly because: readonly Cause[] };
}

/** Counts of the whole handshake matrix, and which of its pairs the report lists. */
export interface MatrixSummary {
  readonly pairs: number;
  readonly ok: number;
  /** Pairs a side rejects (trust/untrusted-server, trust/untrusted-client). */
  readonly failing: number;
  /** Pairs whose path crosses a load balancer that terminates TLS (ADR 0122); absent when none. */
  readonly brokenOnPath?: number;
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
  /** Checks that wait on a finding above (ADR 0120); absent when there are none. */
  readonly notEvaluated?: readonly DependentCheck[];
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
  /** Audit only: what the live sources were asked and what they saw (docs/decisions/0125). */
  readonly observations?: Observations;
  /** A shard's part of the estate (`--region`), and what `rc-policy merge` combined (ADR 0115). */
  readonly scope?: ReportScope;
}

/** `enforced`: refused a client without a certificate; `not-enforced`: never asked for one, or took one without; `not-tested`: no verdict. */
export type ClientAuthEvidence = 'enforced' | 'not-enforced' | 'not-tested';

/** One probed TLS endpoint: a server directly, or a load balancer frontend with one backend's FQDN as SNI. */
export interface EndpointObservation {
  /** The server's id, or the load balancer's for a frontend. */
  readonly target: string;
  /** The name and port asked for (host:port). */
  readonly endpoint: string;
  /** What was dialled (address:port); absent when no address was found (DNS failure). */
  readonly address?: string;
  /** How the address was chosen: --resolve, the topology's `address`, or DNS. */
  readonly via: 'resolve' | 'topology' | 'dns';
  /** Server name sent in the ClientHello. */
  readonly sni: string;
  /** Protocol the server answered with (TLSv1.3, TLSv1.2). */
  readonly tlsVersion?: string;
  /** SHA-256 fingerprints (lower-case hex) of the certificates the server sent, in the order it sent them. */
  readonly chain: readonly string[];
  readonly clientAuth: ClientAuthEvidence;
  /** With --client-cert: whether the server took the probe's certificate. */
  readonly clientCertificate?: 'accepted' | 'rejected' | 'not-tested';
  /** Frontends: the backend whose FQDN was the SNI. */
  readonly sniFor?: string;
  /** Frontends: the backend whose own certificate came back (absent when it matched none). */
  readonly backend?: string;
  /** Why no usable handshake was recorded. */
  readonly error?: string;
}

/** One Key Vault certificate read: the version the topology references and its fingerprint. */
export interface KeyVaultObservation {
  /** The object referencing the certificate. */
  readonly target: string;
  readonly vault: string;
  readonly certificate: string;
  readonly version?: string;
  /** SHA-256 fingerprint of the version read. */
  readonly sha256?: string;
  readonly enabled?: boolean;
  /** Why it could not be read (absent, denied, timed out). */
  readonly error?: string;
}

export interface Observations {
  readonly endpoints: readonly EndpointObservation[];
  readonly keyVault: readonly KeyVaultObservation[];
}

/**
 * What a run covers when it is one shard of the estate (`--region`): the findings, handshake
 * pairs and gaps of its regions' objects, plus those of the objects that belong to no region
 * (audited by every shard). `rc-policy merge` reads it to combine shards into one report.
 */
export interface ReportScope {
  /** The regions this report covers. */
  readonly regions: readonly string[];
  /** Every region the topology declares: a merge must cover them all. */
  readonly allRegions: readonly string[];
  /**
   * Objects outside every region whose evidence every shard reads in full (CAs, trust bundles,
   * clients without a region): shards must agree on them. Cross-region load balancers are not
   * listed: each shard probes them for its own backends only.
   */
  readonly shared: readonly string[];
  /**
   * The initiators of this shard's handshake pairs (a pair belongs to its server's shard): a client
   * reaching several regions has pairs in several shards, and a merge counts it once.
   */
  readonly pairClients?: readonly string[];
  /**
   * With --baseline: how many of `baseline.fixed` are about objects every shard covers (CAs, trust
   * bundles, clients without a region, objects no longer declared): a merge counts them once.
   */
  readonly sharedFixed?: number;
  /** Set by `rc-policy merge`: how many shard reports the report combines. */
  readonly shards?: number;
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
  /** Unwaived findings of this run the baseline does not have. */
  readonly new?: number;
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

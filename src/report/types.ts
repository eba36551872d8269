import type { Severity } from '../rules/rule.ts';
import type { Location } from '../topology/model.ts';

export interface Waiver {
  readonly rule: string;
  readonly target: string;
  readonly reason: string;
  readonly expires: string;
  readonly owner?: string;
  readonly ticket?: string;
}

export interface Finding {
  readonly rule: string;
  readonly severity: Severity;
  readonly target: string;
  readonly message: string;
  readonly location: Location;
  readonly waived: boolean;
  readonly waiver?: Waiver;
}

export interface Summary {
  readonly error: number;
  readonly warning: number;
  readonly info: number;
  readonly waived: number;
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

/** The report every output format is rendered from (and, as JSON, the stable output of spec §5). */
export interface Report {
  readonly tool: { readonly name: 'rc-policy'; readonly version: string };
  readonly topology: string;
  readonly evaluatedAt: string;
  readonly mode: 'check' | 'audit';
  readonly policy: { readonly pack: string; readonly packs: readonly string[] };
  readonly summary: Summary;
  readonly findings: readonly Finding[];
  /** The handshake matrix, when the trust rules ran. */
  readonly matrix?: readonly MatrixPair[];
}

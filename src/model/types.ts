// The model the rules see: the typed topology, the evaluation time, the pack's params and every
// certificate the sources collected. Rules read only this; they never open a file or a socket.
import type { Certificate } from '../pki/cert.ts';
import type { Topology } from '../topology/model.ts';
import type { WaiverOutcome } from '../report/types.ts';

export interface Params {
  readonly renewBeforeDays: number;
  readonly caRenewBeforeDays: number;
  readonly rootRenewBeforeDays: number;
  readonly minRsaBits: number;
  readonly allowedCurves: readonly string[];
  readonly maxLeafValidityDays: number;
}

/** What a source found at one referenced file. */
export interface CertFile {
  /** Path as shown in reports. */
  readonly display: string;
  /** Certificates in file order (for a served chain: leaf first). */
  readonly certs: readonly Certificate[];
  /** Labels of private-key material found; the keys themselves are never kept. */
  readonly privateKeys: readonly string[];
  readonly pkcs12: boolean;
  /** Why (part of) the file could not be read; empty when it read cleanly. */
  readonly problems: readonly string[];
  /** The file does not exist or cannot be opened. */
  readonly missing: boolean;
}

/** A Kubernetes ConfigMap manifest holding a trust bundle under one key. */
export interface ConfigMapFile extends CertFile {
  readonly key: string;
}

export interface Model {
  readonly topology: Topology;
  readonly at: Date;
  readonly params: Params;
  /** Every referenced certificate or bundle file, by absolute path. */
  readonly files: ReadonlyMap<string, CertFile>;
  /** Certificates from Key Vault and the live TLS endpoints (audit only). */
  readonly live?: LiveObservations;
  /** Which job builds this model: live rules apply to audit only. */
  readonly mode: 'check' | 'audit';
  /** What became of each waiver; set only for the policy/* rules, which run after waivers are applied. */
  readonly waivers?: readonly WaiverOutcome[];
}

/** Filled by the live sources (issue: rc-policy audit). */
export interface LiveObservations {
  readonly [key: string]: unknown;
}

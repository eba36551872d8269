// The model the rules see: the typed topology, the evaluation time, the pack's params and every
// certificate the sources collected. Rules read only this; they never open a file or a socket.
import type { Certificate } from '../pki/cert.ts';
import type { Topology } from '../topology/model.ts';
import type { WaiverOutcome } from '../domain/finding.ts';

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

/**
 * What `rc-policy audit` saw on the live estate (ADR 0040). Filled by the live sources
 * (src/sources/tls-probe.ts, src/sources/keyvault.ts); the live rules and the audit-mode
 * certificate queries read it. Only what the live sources were asked to cover is here (--region).
 */
export interface LiveObservations {
  /** Direct probe of each TLS server (broker or gateway with a certificate), by server id. */
  readonly servers: ReadonlyMap<string, ServerProbe>;
  /** Probes through load balancer frontends, one per (load balancer, listener, backend server). */
  readonly frontends: readonly FrontendProbe[];
  /** Key Vault certificates by keyVaultKey() of the reference (src/model/live.ts). */
  readonly keyVault: ReadonlyMap<string, KeyVaultRead>;
}

/** Where a probe connected: the name it asked for and the address it dialled. */
export interface Endpoint {
  /** Name looked up (an FQDN, or the frontend's address when it has no FQDN). */
  readonly host: string;
  readonly port: number;
  /** SNI sent in the ClientHello: always the TLS server's FQDN. */
  readonly servername: string;
  /** How the address was found: --resolve, the topology's `address`, or DNS. */
  readonly via: 'resolve' | 'topology' | 'dns';
  /** Address dialled (for DNS: the one connected to, when the connection was made). */
  readonly address?: string;
  /** Port dialled: `port`, unless --resolve named another one. */
  readonly connectPort: number;
}

/**
 * One TLS connection attempt, as the client saw it. `served` is read from the server's own
 * handshake messages, so it is exactly the list the server sent, in its order (ADR 0042).
 */
export interface TlsObservation {
  readonly endpoint: Endpoint;
  /** Protocol negotiated (e.g. TLSv1.3), when the server answered the ClientHello. */
  readonly protocol?: string;
  /** Certificates the server sent, leaf first in the server's order; empty when none was received. */
  readonly served: readonly Certificate[];
  /** The server sent a CertificateRequest: it asked for a client certificate. */
  readonly certificateRequested: boolean;
  readonly outcome: TlsOutcome;
}

/**
 * How the connection ended:
 * - `unreachable`: no TCP connection, no TLS handshake, or no readable server certificate;
 * - `rejected`: the server sent its certificate, then ended the handshake with a fatal alert
 *   after seeing the client's certificate (or its absence);
 * - `accepted`: the handshake completed and the server took it (for a client-auth probe: it issued a
 *   session ticket, answered, or kept the connection open after application data);
 * - `closed`: the handshake completed, then the server closed or reset the connection without a
 *   TLS alert — before or after the probe sent application data.
 */
export type TlsOutcome =
  | { readonly kind: 'unreachable'; readonly stage: 'connect' | 'handshake' | 'certificate'; readonly reason: string }
  | { readonly kind: 'rejected'; readonly alert: string }
  | { readonly kind: 'accepted'; readonly evidence: string }
  | { readonly kind: 'closed'; readonly afterApplicationData: boolean; readonly evidence: string };

export interface ServerProbe {
  readonly server: string;
  /** The handshake without a client certificate: the served chain and the client-auth evidence. */
  readonly anonymous: TlsObservation;
  /** The handshake with the probe's client certificate, when one was configured. */
  readonly withClientCert?: TlsObservation;
}

export interface FrontendProbe {
  /** Load balancer id (regional or global). */
  readonly loadBalancer: string;
  /** The backend server whose FQDN was sent as SNI. */
  readonly server: string;
  readonly observation: TlsObservation;
}

/** One version of a Key Vault certificate, from the version list (attributes and thumbprint only). */
export interface KeyVaultVersion {
  readonly version: string;
  readonly enabled: boolean;
  readonly createdOn?: Date;
  /** SHA-1 of the certificate (Key Vault's x5t), lower-case hex. */
  readonly sha1?: string;
}

export interface KeyVaultCertificate extends KeyVaultVersion {
  /** The public certificate (`cer`): the leaf only; Key Vault keeps the chain in the secret, which is never read. */
  readonly cert: Certificate;
}

/** What reading one referenced Key Vault certificate gave. */
export type KeyVaultRead =
  | {
      readonly status: 'found';
      readonly vault: string;
      readonly name: string;
      /** The version the topology references: its pinned `version`, else the current (newest) one. */
      readonly referenced: KeyVaultCertificate;
      /** What should be in use: the pinned version, else the newest enabled one; absent when none is enabled. */
      readonly expected?: KeyVaultCertificate;
      /** Every version, newest first. */
      readonly versions: readonly KeyVaultVersion[];
    }
  | { readonly status: 'not-found'; readonly vault: string; readonly name: string; readonly reason: string }
  | { readonly status: 'failed'; readonly vault: string; readonly name: string; readonly reason: string };

// The typed topology: what rc-topology.yaml declares, with every reference resolved where it can be
// and every object carrying the file:line:column it came from. No certificates yet: sources add them.

import type { Location } from '../domain/location.ts';

export type { Location };

export type ObjectKind =
  | 'ca'
  | 'trustBundle'
  | 'region'
  | 'loadBalancer'
  | 'globalLoadBalancer'
  | 'broker'
  | 'gateway'
  | 'client';

export interface FileRef {
  /** As written in the topology. */
  readonly path: string;
  /** Absolute path on disk. */
  readonly absolute: string;
  readonly location: Location;
}

export interface KeyVaultRef {
  readonly certificate: string;
  /** Vault name: explicit, or the owner's region's vault; undefined when neither exists. */
  readonly vault?: string;
  readonly vaultExplicit: boolean;
  readonly version?: string;
  readonly location: Location;
}

/** Where one certificate lives: a repo file, Key Vault, or both. */
export interface CertSource {
  readonly file?: FileRef;
  readonly keyVault?: KeyVaultRef;
  readonly location: Location;
}

interface Base {
  readonly id: string;
  readonly location: Location;
  /** Path in the document, e.g. ['regions', 0, 'brokers', 1]. */
  readonly path: readonly (string | number)[];
}

export interface Ca extends Base {
  readonly kind: 'ca';
  readonly issuer?: string;
  readonly cert: CertSource;
}

export interface TrustBundle extends Base {
  readonly kind: 'trustBundle';
  readonly cas: readonly string[];
  readonly file?: FileRef;
  readonly configMap?: { readonly file: FileRef; readonly key: string; readonly location: Location };
}

export interface Listener {
  readonly port: number;
  readonly protocol: 'tcp' | 'udp' | 'tls' | 'http' | 'https';
  readonly backendPort: number;
  readonly location: Location;
}

export interface Frontend {
  readonly fqdn?: string;
  readonly address?: string;
}

interface LoadBalancerBase extends Base {
  readonly type?: string;
  readonly frontend?: Frontend;
  readonly listeners: readonly Listener[];
  readonly backends: readonly string[];
  readonly backendsLocation: Location;
  readonly certificate?: CertSource;
}

/** A regional layer-4 load balancer: its backends are brokers or gateways. */
export interface RegionalLoadBalancer extends LoadBalancerBase {
  readonly kind: 'loadBalancer';
  readonly region: string;
}

/** A cross-region layer-4 load balancer: its backends are regional load balancers. */
export interface GlobalLoadBalancer extends LoadBalancerBase {
  readonly kind: 'globalLoadBalancer';
}

export type LoadBalancer = RegionalLoadBalancer | GlobalLoadBalancer;

export interface ClientAuth {
  readonly required: boolean;
  readonly trustBundle?: string;
  readonly location: Location;
}

export interface Broker extends Base {
  readonly kind: 'broker';
  readonly region: string;
  readonly fqdn: string;
  readonly port: number;
  readonly address?: string;
  readonly issuer?: string;
  readonly cert?: CertSource;
  readonly clientAuth: ClientAuth;
}

export interface Upstream {
  readonly to: string;
  readonly tls: 'reencrypt' | 'passthrough' | 'none';
  readonly trustBundle?: string;
  readonly clientCert?: CertSource;
  readonly location: Location;
  readonly path: readonly (string | number)[];
}

export interface Gateway extends Base {
  readonly kind: 'gateway';
  readonly region: string;
  readonly type?: string;
  readonly fqdn: string;
  readonly port: number;
  readonly address?: string;
  readonly cert?: CertSource;
  readonly clientAuth: ClientAuth;
  readonly upstreams: readonly Upstream[];
}

export interface Region extends Base {
  readonly kind: 'region';
  readonly keyVault?: { readonly name: string; readonly url?: string };
}

export interface Client extends Base {
  readonly kind: 'client';
  readonly role: 'controller' | 'target' | 'other';
  readonly region?: string;
  readonly cert?: CertSource;
  readonly trustBundle?: string;
  /** undefined = the default (every broker with a cert, every gateway). */
  readonly connectsTo?: readonly string[];
}

export interface Rollover {
  readonly from: string;
  readonly to: string;
  readonly phase: 'trust-both' | 'issue-new' | 'retire-old';
  readonly location: Location;
}

export type TopologyObject = Ca | TrustBundle | Region | RegionalLoadBalancer | GlobalLoadBalancer | Broker | Gateway | Client;
/** A TLS server: where TLS terminates. */
export type Server = Broker | Gateway;

/** One id used to name another object; `topology/reference` checks that each resolves. */
export interface Reference {
  /** Id of the object holding the reference (the topology's name for `rollover`). */
  readonly from: string;
  /** Where it sits, e.g. "backends", "clientAuth.trustBundle". */
  readonly field: string;
  readonly id: string;
  readonly expected: readonly ObjectKind[];
  readonly location: Location;
}

export interface PolicySelection {
  readonly pack?: string;
  readonly packLocation?: Location;
  readonly params: Readonly<Record<string, unknown>>;
  readonly waivers?: FileRef;
}

export interface Topology {
  /** The topology file as the user named it (report paths are relative to the working directory). */
  readonly file: string;
  readonly dir: string;
  readonly name: string;
  readonly policy: PolicySelection;
  readonly cas: readonly Ca[];
  readonly trustBundles: readonly TrustBundle[];
  readonly regions: readonly Region[];
  readonly loadBalancers: readonly RegionalLoadBalancer[];
  readonly globalLoadBalancers: readonly GlobalLoadBalancer[];
  readonly brokers: readonly Broker[];
  readonly gateways: readonly Gateway[];
  readonly clients: readonly Client[];
  readonly rollover?: Rollover;
  /** Every declared object by id (several when ids collide). */
  readonly byId: ReadonlyMap<string, readonly TopologyObject[]>;
  /** Every id reference in the file, resolved or not. */
  readonly references: readonly Reference[];
  readonly location: Location;
}

export function lookup<K extends TopologyObject['kind']>(
  topology: Topology,
  id: string,
  kind: K,
): Extract<TopologyObject, { kind: K }> | undefined {
  return topology.byId.get(id)?.find((o): o is Extract<TopologyObject, { kind: K }> => o.kind === kind);
}

export const servers = (t: Topology): Server[] => [...t.brokers, ...t.gateways];

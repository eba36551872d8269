// What the live sources look at, derived from the topology alone: every TLS server, every load
// balancer frontend in front of one, and every Key Vault reference — limited to the --region
// shards asked for. Objects that belong to no region (CAs, cross-region load balancers, clients
// without a region) are covered by every shard, so that sharding never leaves them out.
import { InputError } from '../errors.ts';
import { expandToServers } from './reach.ts';
import { certSources, type CertReference } from './walk.ts';
import type { LoadBalancer, Server, Topology, TopologyObject } from './model.ts';

export interface FrontendTarget {
  readonly loadBalancer: LoadBalancer;
  /** The backend whose FQDN is sent as SNI. */
  readonly server: Server;
  /** The frontend's FQDN, else its address. */
  readonly host: string;
  readonly port: number;
  readonly address?: string;
}

export interface LivePlan {
  /** TLS servers to probe directly: brokers and gateways that have a certificate. */
  readonly servers: readonly Server[];
  readonly frontends: readonly FrontendTarget[];
  /** Certificate references with a Key Vault source. */
  readonly keyVault: readonly CertReference[];
}

const regionOf = (o: TopologyObject): string | undefined =>
  o.kind === 'broker' || o.kind === 'gateway' || o.kind === 'loadBalancer' || o.kind === 'client' ? o.region : undefined;

/** The live plan for `regions` (all regions when empty). Throws InputError for an unknown region id. */
export function livePlan(topology: Topology, regions: readonly string[] = []): LivePlan {
  const known = new Set(topology.regions.map((r) => r.id));
  for (const r of regions) {
    if (!known.has(r)) throw new InputError(`--region ${r}: no such region in ${topology.file} (regions: ${[...known].join(', ') || 'none'})`);
  }
  const inScope = (o: TopologyObject) => {
    const region = regionOf(o);
    return regions.length === 0 || region === undefined || regions.includes(region);
  };
  const servers = [...topology.brokers, ...topology.gateways].filter((s) => s.cert && inScope(s));
  const probed = new Set(servers.map((s) => s.id));
  const frontends: FrontendTarget[] = [];
  for (const lb of [...topology.loadBalancers, ...topology.globalLoadBalancers]) {
    const host = lb.frontend?.fqdn ?? lb.frontend?.address;
    if (!host || !inScope(lb)) continue;
    const backends = expandToServers(topology, [lb.id]).filter((s) => probed.has(s.id));
    for (const listener of lb.listeners) {
      if (listener.protocol === 'udp') continue;
      for (const server of backends) {
        frontends.push({ loadBalancer: lb, server, host, port: listener.port, ...(lb.frontend?.address && { address: lb.frontend.address }) });
      }
    }
  }
  const keyVault = certSources(topology).filter((r) => r.source.keyVault && inScope(r.owner));
  return { servers, frontends, keyVault };
}

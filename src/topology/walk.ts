import type { CertSource, Gateway, Topology, TopologyObject, Upstream } from './model.ts';

export type CertRole = 'ca' | 'server' | 'client' | 'upstream-client' | 'load-balancer';

/** One place the topology says a certificate lives, and whose it is. */
export interface CertReference {
  /** The finding target: the owner's id, or `gateway-id->upstream-id` for an upstream client cert. */
  readonly target: string;
  readonly role: CertRole;
  readonly owner: TopologyObject;
  readonly upstream?: Upstream;
  readonly source: CertSource;
}

export const upstreamTarget = (g: Gateway, u: Upstream): string => `${g.id}->${u.to}`;

/** Every certificate source in the topology, in document order of their owners. */
export function certSources(t: Topology): CertReference[] {
  const out: CertReference[] = [];
  for (const ca of t.cas) out.push({ target: ca.id, role: 'ca', owner: ca, source: ca.cert });
  for (const lb of [...t.loadBalancers, ...t.globalLoadBalancers]) {
    if (lb.certificate) out.push({ target: lb.id, role: 'load-balancer', owner: lb, source: lb.certificate });
  }
  for (const b of t.brokers) if (b.cert) out.push({ target: b.id, role: 'server', owner: b, source: b.cert });
  for (const g of t.gateways) {
    if (g.cert) out.push({ target: g.id, role: 'server', owner: g, source: g.cert });
    for (const u of g.upstreams) {
      if (u.clientCert) out.push({ target: upstreamTarget(g, u), role: 'upstream-client', owner: g, upstream: u, source: u.clientCert });
    }
  }
  for (const c of t.clients) if (c.cert) out.push({ target: c.id, role: 'client', owner: c, source: c.cert });
  return out;
}

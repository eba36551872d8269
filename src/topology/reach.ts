import type { Server, Topology } from './model.ts';

/**
 * The TLS servers a list of ids reaches: a broker or gateway is itself, a regional load balancer is
 * its backends, a global one its regional load balancers' backends (SPEC §3, handshake pairs).
 * Unknown ids and cycles are skipped here; topology/reference and lb/backend-kind report them.
 */
export function expandToServers(t: Topology, ids: readonly string[]): Server[] {
  const out = new Map<string, Server>();
  const visiting = new Set<string>();
  const visit = (id: string) => {
    if (visiting.has(id)) return;
    visiting.add(id);
    for (const o of t.byId.get(id) ?? []) {
      if (o.kind === 'broker' || o.kind === 'gateway') {
        if (!out.has(o.id)) out.set(o.id, o);
      } else if (o.kind === 'loadBalancer' || o.kind === 'globalLoadBalancer') {
        o.backends.forEach(visit);
      }
    }
  };
  ids.forEach(visit);
  return [...out.values()];
}

/** Servers a client connects to: its connectsTo expanded, or by default every broker with a cert and every gateway. */
export function clientTargets(t: Topology, connectsTo: readonly string[] | undefined): Server[] {
  if (connectsTo) return expandToServers(t, connectsTo);
  return [...t.brokers.filter((b) => b.cert), ...t.gateways];
}

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

/**
 * Where TLS from a client of `servers` actually terminates (SPEC §3.1): a gateway's `tls: passthrough`
 * upstreams hand the client's handshake to the upstream, so the client pairs with the upstream
 * directly. The gateway itself stays a TLS server unless it only passes TLS through and has no
 * certificate of its own.
 */
export function terminatingServers(t: Topology, servers: readonly Server[]): Server[] {
  const out = new Map<string, Server>();
  const seen = new Set<string>();
  const visit = (s: Server) => {
    if (seen.has(s.id)) return;
    seen.add(s.id);
    const passthrough = s.kind === 'gateway' ? s.upstreams.filter((u) => u.tls === 'passthrough') : [];
    const onlyPassesThrough = s.kind === 'gateway' && !s.cert && passthrough.length > 0 && passthrough.length === s.upstreams.length;
    if (!onlyPassesThrough && !out.has(s.id)) out.set(s.id, s);
    for (const u of passthrough) expandToServers(t, [u.to]).forEach(visit);
  };
  servers.forEach(visit);
  return [...out.values()];
}

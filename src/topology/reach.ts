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

const TLS_PROTOCOLS = new Set(['tls', 'http', 'https']);

/** A load balancer that would terminate TLS: a tls/http/https listener, or a certificate bound to it (lb/no-tls-termination). */
export const terminatesTls = (lb: { readonly listeners: readonly { readonly protocol: string }[]; readonly certificate?: unknown }): boolean =>
  lb.listeners.some((l) => TLS_PROTOCOLS.has(l.protocol)) || lb.certificate !== undefined;

/**
 * For each TLS server a list of ids reaches, the load balancers on the way that terminate TLS (so
 * the end-to-end mTLS handshake never reaches the server). Servers reached only through hops that
 * pass TLS through are absent. Gateway passthrough upstreams inherit the hops before the gateway.
 */
export function tlsBreaksOnPath(t: Topology, ids: readonly string[]): Map<string, string[]> {
  const out = new Map<string, Set<string>>();
  const lbs = [...t.loadBalancers, ...t.globalLoadBalancers];
  if (!lbs.some(terminatesTls)) return new Map();
  const visit = (id: string, breaks: readonly string[], path: ReadonlySet<string>) => {
    if (path.has(id)) return;
    const onPath = new Set(path).add(id);
    for (const o of t.byId.get(id) ?? []) {
      if (o.kind === 'broker' || o.kind === 'gateway') {
        if (breaks.length > 0) {
          const set = out.get(o.id) ?? new Set<string>();
          breaks.forEach((b) => set.add(b));
          out.set(o.id, set);
        }
        if (o.kind === 'gateway') for (const u of o.upstreams) if (u.tls === 'passthrough') visit(u.to, breaks, onPath);
      } else if (o.kind === 'loadBalancer' || o.kind === 'globalLoadBalancer') {
        const next = terminatesTls(o) ? [...breaks, o.id] : breaks;
        o.backends.forEach((b) => visit(b, next, onPath));
      }
    }
  };
  ids.forEach((id) => visit(id, [], new Set()));
  return new Map([...out].map(([k, v]) => [k, [...v]]));
}

import { defineRule } from '../rule.ts';
import { clientServers, serversReached } from '../../model/reach.ts';

export const rule = defineRule({
  meta: {
    id: 'broker/no-certificate',
    severity: 'error',
    title: 'A broker reached over TLS has a certificate',
    rationale:
      'TLS and mTLS terminate only on the broker (the RC system design): every broker a client, a load balancer or a TLS gateway hop reaches must present its own server certificate. A broker without one is legal only as a plain backend of a gateway upstream with tls: none.',
    source: 'docs/architectures/rc-system.md#one-server-certificate-per-broker; docs/spec.md §1 (optional parts)',
    remedy: 'Declare the broker\'s certificate (cert.file and/or cert.keyVault).',
    messages: { reached: '{{id}} has no certificate but is reached over TLS by {{by}}' },
  },
  *check(model) {
    const t = model.topology;
    // Only brokers without a certificate can be findings: who reaches the others does not matter.
    const bare = new Set(t.brokers.filter((b) => !b.cert).map((b) => b.id));
    if (bare.size === 0) return;
    const reachedBy = new Map<string, Set<string>>();
    const mark = (serverId: string, by: string) => {
      if (!bare.has(serverId)) return;
      let set = reachedBy.get(serverId);
      if (!set) reachedBy.set(serverId, (set = new Set()));
      set.add(by);
    };
    for (const c of t.clients) if (c.connectsTo) for (const s of clientServers(model, c.connectsTo)) mark(s.id, `client ${c.id}`);
    for (const lb of [...t.loadBalancers, ...t.globalLoadBalancers]) {
      for (const s of serversReached(model, lb.backends)) mark(s.id, `load balancer ${lb.id}`);
    }
    for (const g of t.gateways) for (const u of g.upstreams) if (u.tls !== 'none') mark(u.to, `gateway ${g.id} (tls: ${u.tls})`);
    for (const b of t.brokers) {
      const by = reachedBy.get(b.id);
      if (b.cert || !by) continue;
      yield { target: b.id, messageId: 'reached', data: { id: b.id, by: [...by].join(', ') }, location: b.location };
    }
  },
});

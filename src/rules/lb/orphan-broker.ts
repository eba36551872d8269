import { defineRule } from '../rule.ts';

export const rule = defineRule({
  meta: {
    id: 'lb/orphan-broker',
    severity: 'info',
    title: 'Every broker is behind a load balancer (or a gateway)',
    rationale:
      'Clients reach brokers through the cross-region and regional load balancers (the RC system design); a broker no load balancer routes to is either unused or reached some way the design does not describe.',
    source: 'docs/architectures/rc-system.md#load-balancers-pass-tls-through',
    remedy: "Add the broker to its region's load balancer backends, or remove it from the topology.",
    messages: { orphan: '{{id}} is not a backend of any load balancer or gateway' },
  },
  *check(model) {
    const { loadBalancers, gateways } = model.topology;
    const routed = new Set([...loadBalancers.flatMap((lb) => lb.backends), ...gateways.flatMap((g) => g.upstreams.map((u) => u.to))]);
    for (const b of model.topology.brokers) {
      if (!routed.has(b.id)) yield { target: b.id, messageId: 'orphan', data: { id: b.id }, location: b.location };
    }
  },
});

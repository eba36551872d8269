import { defineRule } from '../rule.ts';

export const rule = defineRule({
  meta: {
    id: 'lb/backend-kind',
    severity: 'error',
    title: 'Global load balancers front regional load balancers; regional ones front brokers or gateways',
    rationale:
      'The estate is Controllers/Targets -> Cross-Region LB -> regional Standard LB -> Brokers (the RC system design). A global LB pointing straight at a broker, or a regional LB pointing at another LB, is a path the design does not have.',
    source: 'docs/architectures/rc-system.md; Azure Load Balancer documentation (cross-region load balancer backends are regional load balancers)',
    remedy: 'Point the global load balancer at regional load balancers, and each regional one at brokers or gateways.',
    messages: {
      global: "{{lb}} is a global load balancer; its backend '{{backend}}' is a {{kind}}, not a regional load balancer",
      regional: "{{lb}} is a regional load balancer; its backend '{{backend}}' is a {{kind}}, not a broker or gateway",
    },
  },
  *check(model) {
    const { byId, loadBalancers, globalLoadBalancers } = model.topology;
    const wrong = (lbId: string, backends: readonly string[], allowed: readonly string[]) =>
      backends.flatMap((b, i) => {
        const found = byId.get(b);
        if (!found || found.some((o) => allowed.includes(o.kind))) return [];
        return [{ lbId, backend: b, kind: found[0]!.kind, index: i }];
      });
    for (const lb of globalLoadBalancers) {
      for (const w of wrong(lb.id, lb.backends, ['loadBalancer'])) {
        yield { target: lb.id, messageId: 'global', data: { lb: lb.id, backend: w.backend, kind: w.kind }, location: lb.backendsLocation };
      }
    }
    for (const lb of loadBalancers) {
      for (const w of wrong(lb.id, lb.backends, ['broker', 'gateway'])) {
        yield { target: lb.id, messageId: 'regional', data: { lb: lb.id, backend: w.backend, kind: w.kind }, location: lb.backendsLocation };
      }
    }
  },
});

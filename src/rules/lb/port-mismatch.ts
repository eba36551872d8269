import { defineRule } from '../rule.ts';
import { lookup } from '../../topology/model.ts';

export const rule = defineRule({
  meta: {
    id: 'lb/port-mismatch',
    severity: 'warning',
    title: "A load balancer forwards to the port its backends listen on",
    rationale:
      'Clients open TCP 443 to the load balancer, which forwards the connection unchanged to the broker (the RC system design). A backendPort that differs from the broker\'s port sends the TLS handshake to a port where nothing (or something else) listens.',
    source: 'docs/architectures/rc-system.md#the-mtls-handshake; Azure Load Balancer documentation (load-balancing rules: frontend and backend port)',
    remedy: "Set the listener's backendPort to the backend's port, or correct the broker's port.",
    messages: {
      mismatch: '{{lb}} forwards port {{port}} to backend port {{backendPort}}, but {{backend}} listens on {{backendActual}}',
    },
  },
  *check(model) {
    const t = model.topology;
    for (const lb of t.loadBalancers) {
      for (const l of lb.listeners) {
        if (l.protocol === 'udp') continue;
        for (const id of lb.backends) {
          const backend = lookup(t, id, 'broker') ?? lookup(t, id, 'gateway');
          if (!backend || backend.port === l.backendPort) continue;
          yield {
            target: lb.id,
            messageId: 'mismatch',
            data: { lb: lb.id, port: l.port, backendPort: l.backendPort, backend: backend.id, backendActual: backend.port },
            location: l.location,
          };
        }
      }
    }
  },
});

import { defineRule } from '../rule.ts';

const TLS_PROTOCOLS = new Set(['tls', 'http', 'https']);

export const rule = defineRule({
  meta: {
    id: 'lb/no-tls-termination',
    severity: 'error',
    title: 'Load balancers pass TLS through: no TLS/HTTP listener, no certificate',
    rationale:
      'The cross-region and standard load balancers work at layer 4; encrypted traffic passes through unchanged and TLS/mTLS terminates only on the broker (the RC system design). A TLS or HTTP listener, or a certificate bound to the load balancer, would terminate TLS there and break end-to-end mTLS: the broker would no longer see the client certificate.',
    source: 'docs/architectures/rc-system.md#load-balancers-pass-tls-through; Azure Load Balancer overview (layer 4)',
    remedy:
      'Use a tcp listener and remove the certificate from the load balancer. If a TLS-terminating load balancer is intended (the ELB mutual TLS design), declare it as a gateway and use the lb-tls-offload pack.',
    messages: {
      listener: '{{id}} has a {{protocol}} listener on port {{port}}: a layer-4 load balancer must pass TLS through to the broker',
      certificate: '{{id}} has a certificate bound to it: TLS must terminate on the brokers, not on the load balancer',
    },
  },
  *check(model) {
    const { loadBalancers, globalLoadBalancers } = model.topology;
    for (const lb of [...globalLoadBalancers, ...loadBalancers]) {
      for (const l of lb.listeners) {
        if (TLS_PROTOCOLS.has(l.protocol)) {
          yield { target: lb.id, messageId: 'listener', data: { id: lb.id, protocol: l.protocol, port: l.port }, location: l.location };
        }
      }
      if (lb.certificate) yield { target: lb.id, messageId: 'certificate', data: { id: lb.id }, location: lb.certificate.location };
    }
  },
});

import { defineRule } from '../rule.ts';
import { upstreamTarget } from '../../topology/walk.ts';

export const rule = defineRule({
  meta: {
    id: 'gateway/plaintext-upstream',
    severity: 'error',
    title: 'Gateway hops re-encrypt or pass TLS through: no plaintext upstream',
    rationale:
      'A layer-7 gateway that terminates TLS must re-encrypt towards its backend to keep end-to-end encryption (Application Gateway and API Management re-encrypt; a router keeps mTLS to its backend). tls: none sends the decrypted traffic in the clear.',
    source: 'docs/architectures/appgw-apim-aks.md; docs/architectures/router-backend-mtls.md; docs/architectures/rc-system.md#load-balancers-pass-tls-through',
    remedy: 'Use tls: reencrypt with a trustBundle (and a clientCert for mTLS), or tls: passthrough. If plaintext is intended (a TLS-offloading load balancer), use the lb-tls-offload pack.',
    messages: { plaintext: '{{gateway}} sends traffic to {{to}} unencrypted (tls: none): end-to-end encryption is broken' },
  },
  *check(model) {
    for (const g of model.topology.gateways) {
      for (const u of g.upstreams) {
        if (u.tls === 'none') yield { target: upstreamTarget(g, u), messageId: 'plaintext', data: { gateway: g.id, to: u.to }, location: u.location };
      }
    }
  },
});

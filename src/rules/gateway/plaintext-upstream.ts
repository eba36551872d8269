import { defineRule } from '../rule.ts';
import { upstreamTarget } from '../../topology/walk.ts';

export const rule = defineRule({
  meta: {
    id: 'gateway/plaintext-upstream',
    severity: 'error',
    title: 'Gateway hops re-encrypt or pass TLS through: no plaintext upstream',
    rationale:
      'A layer-7 gateway that terminates TLS must re-encrypt towards its backend to keep end-to-end encryption (seed 002: Application Gateway and API Management re-encrypt; seed 003: router-to-backend mTLS). tls: none sends the decrypted traffic in the clear.',
    source: 'seed 002; seed 003; seed 000 Q1',
    remedy: 'Use tls: reencrypt with a trustBundle (and a clientCert for mTLS), or tls: passthrough. If plaintext is intended (seed 004 TLS offload), use the lb-tls-offload pack.',
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

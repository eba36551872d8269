import { defineRule } from '../rule.ts';
import { upstreamTarget } from '../../topology/walk.ts';

export const rule = defineRule({
  meta: {
    id: 'gateway/unverified-upstream',
    severity: 'error',
    title: "A re-encrypting gateway validates its upstream's server certificate",
    rationale:
      "API Management validates the certificate the backend presents before it sends anything (the App Gateway, API Management and AKS design); the router keeps the backend's certificate in its truststore (the router and backend mTLS design). Re-encrypting without a trust bundle encrypts towards whoever answers.",
    source: 'RFC 8446 §4.4.2; RFC 6125 §6; docs/architectures/appgw-apim-aks.md; docs/architectures/router-backend-mtls.md',
    remedy: 'Set upstreams[].trustBundle to the bundle holding the CA that issues the upstream server certificate.',
    messages: { unverified: "{{gateway}} re-encrypts to {{to}} without a trustBundle: the upstream's server certificate is never validated" },
  },
  *check(model) {
    for (const g of model.topology.gateways) {
      for (const u of g.upstreams) {
        if (u.tls === 'reencrypt' && !u.trustBundle) {
          yield { target: upstreamTarget(g, u), messageId: 'unverified', data: { gateway: g.id, to: u.to }, location: u.location };
        }
      }
    }
  },
});

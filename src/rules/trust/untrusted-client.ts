import { defineRule } from '../rule.ts';
import { handshakeMatrix } from '../../matrix.ts';

export const rule = defineRule({
  meta: {
    id: 'trust/untrusted-client',
    severity: 'error',
    title: 'Every server that requires client certificates accepts the certificate of every client that connects to it',
    rationale:
      "With mTLS the broker validates the client's certificate against the CAs it accepts client certificates from (the RC system design); the AKS ingress verifies API Management's client certificate (the App Gateway, API Management and AKS design), the backend only accepts the router's (the router and backend mTLS design), the TLS listener verifies clients against the uploaded CA (the ELB mutual TLS design). Full path validation to a CA in the server's clientAuth.trustBundle with EKU clientAuth, at the evaluation time; a client without a certificate cannot pass.",
    source: 'RFC 8446 §4.3.2, §4.4.2; RFC 5280 §6; docs/architectures/rc-system.md#the-mtls-handshake; docs/architectures/appgw-apim-aks.md; docs/architectures/router-backend-mtls.md; docs/architectures/elb-mutual-tls.md',
    remedy: "Issue the client certificate from a CA in the server's clientAuth.trustBundle (with EKU clientAuth), or add the client's issuing root to that bundle.",
    messages: {
      rejected: '{{server}} would reject the client certificate of {{client}}: {{reason}}',
    },
  },
  *check(model) {
    for (const p of handshakeMatrix(model)) {
      if (!p.clientAuth || p.clientAuth.ok || p.clientAuth.skipped) continue;
      yield {
        target: p.id,
        messageId: 'rejected',
        data: { client: p.client.id, server: p.server.id, reason: p.clientAuth.reason },
        location: p.client.location,
      };
    }
  },
});

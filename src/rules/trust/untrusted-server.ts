import { defineRule } from '../rule.ts';
import { handshakeMatrix } from '../../matrix.ts';

export const rule = defineRule({
  meta: {
    id: 'trust/untrusted-server',
    severity: 'error',
    title: "Every client accepts the server certificate of every server it connects to",
    rationale:
      "In the handshake the client validates the broker's certificate chain against the CAs it trusts, for the broker's own host name (seed 000 Q4 step 2, Q10); a gateway validates its upstream the same way (seed 002: API Management validates the ingress certificate; seed 003: the router's truststore). Full path validation to a CA in the client's trust bundle — signatures, validity, basicConstraints, keyUsage, pathLen, EKU serverAuth, SAN — at the evaluation time: a failure here is a connection that will not be made.",
    source: 'seed 000 Q4, Q10; seed 002; seed 003',
    remedy: "Serve a chain that validates to a CA in the client's trustBundle (reissue the certificate, add the missing intermediate, fix the SAN), or add the issuing root to the client's bundle.",
    messages: {
      rejected: '{{client}} would reject the certificate of {{server}} ({{fqdn}}): {{reason}}',
    },
  },
  *check(model) {
    for (const p of handshakeMatrix(model)) {
      // A certificate only in Key Vault is audit's to evaluate; cert/live-only lists the skipped handshakes.
      if (p.serverAuth.ok || p.serverAuth.skipped) continue;
      yield {
        target: p.id,
        messageId: 'rejected',
        data: { client: p.client.id, server: p.server.id, fqdn: p.server.fqdn, reason: p.serverAuth.reason },
        location: p.client.location,
        ...(p.serverAuth.because && { because: p.serverAuth.because }),
      };
    }
  },
});

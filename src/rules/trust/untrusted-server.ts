import { defineRule } from '../rule.ts';
import { handshakeMatrix } from '../../matrix.ts';

export const rule = defineRule({
  meta: {
    id: 'trust/untrusted-server',
    severity: 'error',
    title: "Every client accepts the server certificate of every server it connects to",
    rationale:
      "In the handshake the client validates the broker's certificate chain against the CAs it trusts, for the broker's own host name (the RC system design); a gateway validates its upstream the same way (API Management validates the ingress certificate; a router validates its backend with its truststore). Full path validation to a CA in the client's trust bundle — signatures, validity, basicConstraints, keyUsage, pathLen, EKU serverAuth, SAN — at the evaluation time: a failure here is a connection that will not be made.",
    source: 'RFC 8446 §4.4.2; RFC 5280 §6; RFC 6125 §6; docs/architectures/rc-system.md#the-mtls-handshake; docs/architectures/appgw-apim-aks.md; docs/architectures/router-backend-mtls.md',
    remedy: "Serve a chain that validates to a CA in the client's trustBundle (reissue the certificate, add the missing intermediate, fix the SAN), or add the issuing root to the client's bundle.",
    messages: {
      rejected: '{{client}} would reject the certificate of {{server}} ({{fqdn}}): {{reason}}',
      notTried: "{{client}}'s handshake with {{server}} ({{fqdn}}) was not tried: {{reason}}",
      pathBroken: '{{client}} cannot validate the certificate of {{server}} ({{fqdn}}): {{reason}}',
    },
    concerns: ['handshakes'],
  },
  *check(model) {
    for (const p of handshakeMatrix(model)) {
      // A hop that terminates TLS (ADR 0122); with client auth, trust/untrusted-client reports it.
      if (p.path && !p.clientAuth) {
        const data = { client: p.client.id, server: p.server.id, fqdn: p.server.fqdn, reason: p.path.reason };
        yield { target: p.id, messageId: 'pathBroken', data, location: p.client.location, because: p.path.because };
        continue;
      }
      // A certificate only in Key Vault is audit's to evaluate; cert/live-only lists the skipped handshakes.
      if (p.serverAuth.ok || p.serverAuth.skipped) continue;
      yield {
        target: p.id,
        // An audit that got no answer from the server (ADR 0120) never saw a rejection.
        messageId: p.serverAuth.because?.some((c) => c.rule === 'live/unreachable') ? 'notTried' : 'rejected',
        data: { client: p.client.id, server: p.server.id, fqdn: p.server.fqdn, reason: p.serverAuth.reason },
        location: p.client.location,
        ...(p.serverAuth.because && { because: p.serverAuth.because }),
      };
    }
  },
});

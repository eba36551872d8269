import { defineRule } from '../rule.ts';
import { tlsServers } from '../../model/certificates.ts';
import { describeEndpoint, serverProbe } from '../../model/live.ts';

export const rule = defineRule({
  meta: {
    id: 'live/client-cert-rejected',
    severity: 'error',
    live: true,
    title: "Servers accept the probe's client certificate",
    rationale:
      "With --client-cert the audit makes a real mTLS handshake with each broker, as a Controller or Target would. A server that answers but refuses that certificate (a TLS alert, or a close right after the handshake) is reachable and would turn away clients holding a certificate from the same CA: its client trust bundle, its CA certificates or the certificate's EKU do not match the design. This is an answer, not a gap: unlike live/unreachable, it does not make the audit incomplete.",
    source: 'docs/spec.md §3 (live); RFC 8446 §4.4.2.4 (a server that rejects the client certificate aborts with a fatal alert)',
    remedy:
      "Check that the broker's client trust bundle holds the CA that issued the probe's certificate (rc-policy verify --trusted <bundle> --purpose client <cert>), that the certificate has the clientAuth EKU and is within its dates, and that the probe sends its intermediate (put it after the leaf in --client-cert).",
    messages: {
      rejected: "{{id}} refused the probe's client certificate at {{endpoint}}: {{reason}}",
    },
  },
  applies: (model) => [...(model.live?.servers.values() ?? [])].some((p) => p.withClientCert !== undefined),
  *check(model) {
    for (const server of tlsServers(model.topology)) {
      const o = serverProbe(model, server)?.withClientCert;
      if (!o) continue;
      const reason =
        o.outcome.kind === 'rejected'
          ? o.outcome.withoutAlert
            ? 'the server closed the connection during the handshake, after receiving the certificate, without a TLS alert'
            : `the server ended the handshake with a TLS alert (${o.outcome.alert})`
          : o.outcome.kind === 'closed' && !o.outcome.afterApplicationData
            ? 'the server closed the connection right after the handshake, without a TLS alert'
            : undefined;
      if (reason) yield { target: server.id, messageId: 'rejected', data: { id: server.id, endpoint: describeEndpoint(o.endpoint), reason }, location: server.location };
    }
  },
});

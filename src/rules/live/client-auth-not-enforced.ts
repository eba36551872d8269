import { defineRule } from '../rule.ts';
import { tlsServers } from '../../model/certificates.ts';
import { describeEndpoint, serverProbe } from '../../model/live.ts';

export const rule = defineRule({
  meta: {
    id: 'live/client-auth-not-enforced',
    severity: 'error',
    live: true,
    title: 'Servers that require client certificates refuse a client without one',
    rationale:
      'mTLS is the RC system\'s access control: the broker validates the Controller\'s or Target\'s client certificate (the RC system design). A broker that completes a handshake and takes application data from a client with no certificate lets anyone who can reach it in. In TLS 1.3 the server refuses a missing certificate only after the client\'s handshake completes, so the probe sends a byte and reads until the server alerts or closes.',
    source: 'RFC 8446 §4.3.2, §4.4.2; docs/architectures/rc-system.md#the-mtls-handshake',
    remedy: 'Make the broker require and verify client certificates (mosquitto: require_certificate true; OpenSSL-based servers: verify peer and fail if no peer certificate).',
    messages: {
      accepted: '{{id}} requires client certificates, but at {{endpoint}} it completed a {{protocol}} handshake with a client that sent none: {{evidence}}',
      unproven:
        '{{id}} requires client certificates, but at {{endpoint}} it closed a {{protocol}} connection from a client without one without sending a TLS alert: rc-policy cannot prove that client authentication is enforced',
    },
  },
  applies: (model) => model.live !== undefined,
  *check(model) {
    for (const server of tlsServers(model.topology)) {
      if (!server.clientAuth.required) continue;
      const probe = serverProbe(model, server);
      if (!probe) continue;
      const { outcome, endpoint, protocol } = probe.anonymous;
      const data = { id: server.id, endpoint: describeEndpoint(endpoint), protocol: protocol ?? 'TLS' };
      const location = server.clientAuth.location;
      if (outcome.kind === 'accepted') yield { target: server.id, messageId: 'accepted', data: { ...data, evidence: outcome.evidence }, location };
      else if (outcome.kind === 'closed') {
        if (outcome.afterApplicationData) yield { target: server.id, messageId: 'accepted', data: { ...data, evidence: `it took application data, then ${outcome.evidence.replace(/^the server /, '')}` }, location };
        else yield { target: server.id, messageId: 'unproven', data, location };
      }
    }
  },
});

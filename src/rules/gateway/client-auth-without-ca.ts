import { defineRule } from '../rule.ts';
import { tlsServers } from '../../model/certificates.ts';

export const rule = defineRule({
  meta: {
    id: 'gateway/client-auth-without-ca',
    severity: 'error',
    title: 'A server that requires client certificates says which CAs it accepts',
    rationale:
      'Mutual TLS needs the server to validate the client certificate against a CA it trusts (the RC system design; a TLS-offloading load balancer is given the client CA certificate; a backend adds the router\'s certificate to its truststore). clientAuth.required without a trust bundle is mTLS with nothing to verify against.',
    source: 'RFC 8446 §4.3.2, §4.4.2; docs/architectures/rc-system.md#the-mtls-handshake; docs/architectures/router-backend-mtls.md; docs/architectures/elb-mutual-tls.md',
    remedy: 'Set clientAuth.trustBundle to the bundle of CAs that issue the client certificates.',
    messages: { noCa: '{{id}} requires client certificates but names no clientAuth.trustBundle to verify them against' },
  },
  *check(model) {
    for (const s of tlsServers(model.topology)) {
      // A broker without a certificate is a plain backend (SPEC §1), not a TLS server: its default
      // clientAuth means nothing; if something reaches it over TLS, broker/no-certificate says so.
      if (s.kind === 'broker' && !s.cert) continue;
      if (s.clientAuth.required && !s.clientAuth.trustBundle) {
        yield { target: s.id, messageId: 'noCa', data: { id: s.id }, location: s.clientAuth.location };
      }
    }
  },
});

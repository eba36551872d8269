import { defineRule } from '../rule.ts';
import { tlsServers } from '../../model/certificates.ts';

export const rule = defineRule({
  meta: {
    id: 'gateway/client-auth-without-ca',
    severity: 'error',
    title: 'A server that requires client certificates says which CAs it accepts',
    rationale:
      'Mutual TLS needs the server to validate the client certificate against a CA it trusts (seed 000 Q4 step 3; seed 004 uploads the CA certificate to the load balancer; seed 003 adds the router certificate to the backend truststore). clientAuth.required without a trust bundle is mTLS with nothing to verify against.',
    source: 'seed 000 Q4; seed 003; seed 004',
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

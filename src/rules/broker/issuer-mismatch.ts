import { defineRule } from '../rule.ts';
import { caCertificates, servedChains } from '../../model/certificates.ts';
import { couldIssue } from '../../pki/issuers.ts';

export const rule = defineRule({
  meta: {
    id: 'broker/issuer-mismatch',
    severity: 'error',
    title: 'A broker certificate is issued by the CA the topology declares for it',
    rationale:
      'Clients validate the broker certificate against the private CA they trust (in the RC system, the estate\'s private issuing CA). A certificate from another CA — a test CA, a public CA, last year\'s intermediate — may chain somewhere the clients do not trust.',
    source: 'RFC 5280 §4.1.2.4, §6.1; docs/architectures/rc-system.md#one-server-certificate-per-broker',
    remedy: 'Reissue the certificate from the declared issuer, or correct `issuer` in the topology.',
    messages: { mismatch: 'the certificate was issued by {{actual}}, not by the declared issuer {{expected}} ({{subject}})' },
  },
  *check(model) {
    const cas = caCertificates(model);
    for (const { server, leaf, location } of servedChains(model)) {
      if (server.kind !== 'broker' || !server.issuer) continue;
      const ca = cas.get(server.issuer);
      if (!ca) continue; // an undeclared or unreadable issuer is topology/reference's or cert/unreadable's finding
      if (couldIssue(ca, leaf) && leaf.isSignedBy(ca)) continue;
      yield { target: server.id, messageId: 'mismatch', data: { actual: leaf.issuerName, expected: server.issuer, subject: ca.subjectName }, location };
    }
  },
});

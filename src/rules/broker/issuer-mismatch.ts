import { defineRule } from '../rule.ts';
import { caCertificates, servedChains } from '../../model/certificates.ts';
import { couldIssue } from '../../pki/issuers.ts';
import { unreadableAmong } from '../../model/causes.ts';

export const rule = defineRule({
  meta: {
    id: 'broker/issuer-mismatch',
    severity: 'error',
    title: 'A broker certificate is issued by the CA the topology declares for it',
    rationale:
      'Clients validate the broker certificate against the private CA they trust (in the RC system, the estate\'s private issuing CA). A certificate from another CA — a test CA, a public CA, last year\'s intermediate — may chain somewhere the clients do not trust.',
    source: 'RFC 5280 §4.1.2.4, §6.1; docs/architectures/rc-system.md#one-server-certificate-per-broker',
    remedy: 'Reissue the certificate from the declared issuer, or correct `issuer` in the topology.',
    messages: {
      mismatch: 'the certificate was issued by {{actual}}, not by the declared issuer {{expected}} ({{subject}})',
      issuerUnreadable: 'the certificate cannot be checked against the declared issuer {{expected}}, whose certificate cannot be read',
    },
  },
  *check(model) {
    const cas = caCertificates(model);
    for (const { server, leaf, location } of servedChains(model)) {
      if (server.kind !== 'broker' || !server.issuer) continue;
      const ca = cas.get(server.issuer);
      if (!ca) {
        // Unreadable: not evaluated because of that CA's finding. Undeclared: topology/reference's finding.
        const because = unreadableAmong(model, [server.issuer]);
        if (because.length > 0) yield { target: server.id, messageId: 'issuerUnreadable', data: { expected: server.issuer }, location, because };
        continue;
      }
      if (couldIssue(ca, leaf) && leaf.isSignedBy(ca)) continue;
      yield { target: server.id, messageId: 'mismatch', data: { actual: leaf.issuerName, expected: server.issuer, subject: ca.subjectName }, location };
    }
  },
});

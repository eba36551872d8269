import { defineRule } from '../rule.ts';
import { caCertificates } from '../../model/certificates.ts';
import { couldIssue } from '../../pki/issuers.ts';

export const rule = defineRule({
  meta: {
    id: 'trust/issuer-mismatch',
    severity: 'error',
    title: 'Each declared CA is signed by its declared issuer; a CA without one is self-signed',
    rationale:
      'The CA hierarchy in the topology is what reviewers read (a root, and an intermediate signed by it, rolled over separately). If an intermediate was actually signed by another key, or a "root" is not self-signed, the trust bundles and rollover plan built from that hierarchy are wrong.',
    source: 'RFC 5280 §6.1.3; docs/architectures/ca-rollover.md#the-hierarchy',
    remedy: 'Correct issuer in the topology to the CA that signed the certificate, or reissue the certificate from the declared issuer.',
    messages: {
      notSignedBy: '{{id}} ({{subject}}) is not signed by its declared issuer {{issuer}} ({{issuerSubject}}); its issuer name is {{actual}}',
      notSelfSigned: '{{id}} ({{subject}}) declares no issuer but is not self-signed: it was issued by {{actual}}',
      badSelfSignature: '{{id}} ({{subject}}) declares no issuer, but its self-signature does not verify with its own key',
    },
  },
  *check(model) {
    const cas = caCertificates(model);
    for (const ca of model.topology.cas) {
      const cert = cas.get(ca.id);
      if (!cert) continue; // unreadable or Key Vault only: cert/unreadable or cert/live-only
      const location = ca.cert.file?.location ?? ca.location;
      const data = { id: ca.id, subject: cert.subjectName, actual: cert.issuerName };
      if (ca.issuer !== undefined) {
        const issuer = cas.get(ca.issuer);
        if (!issuer) continue; // an undeclared or unreadable issuer is topology/reference's or cert/unreadable's finding
        if (couldIssue(issuer, cert) && cert.isSignedBy(issuer)) continue;
        yield { target: ca.id, messageId: 'notSignedBy', data: { ...data, issuer: ca.issuer, issuerSubject: issuer.subjectName }, location };
      } else if (!(couldIssue(cert, cert) && cert.isSignedBy(cert))) {
        yield { target: ca.id, messageId: couldIssue(cert, cert) ? 'badSelfSignature' : 'notSelfSigned', data, location };
      }
    }
  },
});

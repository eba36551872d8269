import { defineRule } from '../rule.ts';
import { leafOf } from '../../model/certificates.ts';

export const rule = defineRule({
  meta: {
    id: 'trust/not-a-ca',
    severity: 'error',
    title: 'Every declared CA certificate is a CA: basicConstraints CA:TRUE and keyUsage keyCertSign',
    rationale:
      'The estate trusts its CAs to sign broker and client certificates (root and intermediate CAs are what both sides of the mTLS handshake validate against). A verifier rejects a chain through a certificate that is not marked as a CA (RFC 5280 6.1.4 (k), (n)), so a declared CA without CA:TRUE and keyCertSign breaks every chain through it.',
    source: 'RFC 5280 §4.2.1.3, §4.2.1.9, §6.1.4; docs/architectures/rc-system.md#certificate-types',
    remedy: 'Reissue the CA certificate with basicConstraints CA:TRUE (critical) and keyUsage keyCertSign, cRLSign (critical), or remove it from cas if it is not a CA.',
    messages: { notCa: '{{id}} ({{subject}}) is declared as a CA but {{problems}}' },
  },
  *check(model) {
    for (const ca of model.topology.cas) {
      const cert = leafOf(model, ca.cert);
      if (!cert) continue; // unreadable or Key Vault only: cert/unreadable or cert/live-only
      const problems: string[] = [];
      if (!cert.basicConstraints) problems.push('has no basicConstraints extension');
      else if (!cert.basicConstraints.ca) problems.push('has basicConstraints CA:FALSE');
      if (!cert.keyUsage) problems.push('has no keyUsage extension, so keyCertSign is not asserted');
      else if (!cert.keyUsage.has('keyCertSign')) problems.push(`has keyUsage ${[...cert.keyUsage].join(', ') || '(empty)'} without keyCertSign`);
      if (problems.length === 0) continue;
      yield { target: ca.id, messageId: 'notCa', data: { id: ca.id, subject: cert.subjectName, problems: problems.join(' and ') }, location: ca.cert.file?.location ?? ca.location };
    }
  },
});

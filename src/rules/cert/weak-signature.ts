import { defineRule } from '../rule.ts';
import { certificateUses } from '../../model/certificates.ts';
import { isWeakSignatureAlgorithm } from '../../pki/algorithms.ts';

export const rule = defineRule({
  meta: {
    id: 'cert/weak-signature',
    severity: 'error',
    title: 'No MD5 or SHA-1 signature on a leaf or intermediate',
    rationale:
      'Clients validate the broker certificate chain and brokers validate client chains (the RC system design); a signature made with MD5 or SHA-1 can be forged by collision, so it proves nothing. A root\'s self-signature is exempt: trust in a root comes from the bundle, not from its signature.',
    source: 'CA/B Forum Baseline Requirements §7.1.3; RFC 6151 (MD5); RFC 9155 (SHA-1 in TLS)',
    remedy: 'Reissue the certificate with a SHA-256 (or stronger) signature.',
    messages: { weak: '{{kind}} certificate {{subject}} is signed with {{algorithm}}' },
  },
  *check(model) {
    for (const u of certificateUses(model)) {
      if (u.kind === 'root') continue;
      const alg = u.cert.signatureAlgorithm;
      if (!isWeakSignatureAlgorithm(alg.oid)) continue;
      yield { target: u.target, messageId: 'weak', data: { kind: u.kind, subject: u.cert.subjectName, algorithm: alg.name }, location: u.location };
    }
  },
});

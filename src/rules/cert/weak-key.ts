import { defineRule } from '../rule.ts';
import { certificateUses } from '../../model/certificates.ts';
import { describeKey } from '../../pki/algorithms.ts';

export const rule = defineRule({
  meta: {
    id: 'cert/weak-key',
    severity: 'error',
    title: 'Keys are RSA of at least minRsaBits or EC on an allowed curve',
    rationale:
      'The design specifies RSA 2048 or 4096 for broker certificates (the RC system design). Shorter RSA keys and unvetted curves do not give the assurance mTLS relies on; other key types are not in the design and may not be supported by every client.',
    source: 'CA/B Forum Baseline Requirements §6.1.5; NIST SP 800-57 Part 1; docs/architectures/rc-system.md#one-server-certificate-per-broker',
    remedy: 'Reissue with an RSA key of at least minRsaBits (2048) bits, or an EC key on one of allowedCurves.',
    messages: {
      rsa: '{{kind}} certificate {{subject}} has an RSA key of {{bits}} bits (minimum {{min}})',
      curve: '{{kind}} certificate {{subject}} uses curve {{curve}}, which is not among the allowed curves ({{allowed}})',
      type: '{{kind}} certificate {{subject}} has a {{key}} key; the policy allows RSA and EC keys only',
    },
  },
  *check(model) {
    const { minRsaBits, allowedCurves } = model.params;
    for (const u of certificateUses(model)) {
      const k = u.cert.publicKey;
      const common = { kind: u.kind, subject: u.cert.subjectName };
      if (k.algorithm === 'rsa') {
        if ((k.bits ?? 0) < minRsaBits) yield { target: u.target, messageId: 'rsa', data: { ...common, bits: k.bits ?? 0, min: minRsaBits }, location: u.location };
      } else if (k.algorithm === 'ec') {
        if (!allowedCurves.includes(k.curve ?? '')) {
          yield { target: u.target, messageId: 'curve', data: { ...common, curve: k.curve ?? 'unknown', allowed: allowedCurves.join(', ') }, location: u.location };
        }
      } else {
        yield { target: u.target, messageId: 'type', data: { ...common, key: describeKey(k) }, location: u.location };
      }
    }
  },
});

import { defineRule } from '../rule.ts';
import { sharedCertificates } from '../../model/certificates.ts';

export const rule = defineRule({
  meta: {
    id: 'broker/shared-certificate',
    severity: 'error',
    title: 'Every server has its own certificate',
    rationale:
      'Each broker exposes its own hostname and requires its own certificate (the RC system design). A shared certificate means a shared private key: compromising one broker compromises all of them, and one renewal touches all of them.',
    source: 'docs/architectures/rc-system.md#one-server-certificate-per-broker',
    remedy: "Point the server at its own certificate (a copied file path is the usual cause); every broker needs one of its own, with SAN = its own FQDN.",
    messages: { shared: '{{second}} presents the same certificate as {{first}} ({{subject}})' },
  },
  *check(model) {
    for (const { owner, chain } of sharedCertificates(model).values()) {
      yield { target: chain.server.id, messageId: 'shared', data: { first: owner, second: chain.server.id, subject: chain.leaf.subjectName }, location: chain.location };
    }
  },
});

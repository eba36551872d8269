import { defineRule } from '../rule.ts';
import { servedChains } from '../../model/certificates.ts';

export const rule = defineRule({
  meta: {
    id: 'broker/shared-certificate',
    severity: 'error',
    title: 'Every server has its own certificate',
    rationale:
      'Each broker exposes its own hostname and requires its own certificate (the RC system design). A shared certificate means a shared private key: compromising one broker compromises all of them, and one renewal touches all of them.',
    source: 'docs/architectures/rc-system.md#one-server-certificate-per-broker',
    remedy: 'Issue one certificate per broker, each with SAN = its own FQDN.',
    messages: { shared: '{{second}} presents the same certificate as {{first}} ({{subject}})' },
  },
  *check(model) {
    const first = new Map<string, string>();
    for (const { server, leaf, location } of servedChains(model)) {
      const owner = first.get(leaf.fingerprint);
      if (owner === undefined) first.set(leaf.fingerprint, server.id);
      else yield { target: server.id, messageId: 'shared', data: { first: owner, second: server.id, subject: leaf.subjectName }, location };
    }
  },
});

import { defineRule } from '../rule.ts';
import { tlsServers } from '../../model/certificates.ts';
import type { Server } from '../../topology/model.ts';

export const rule = defineRule({
  meta: {
    id: 'topology/duplicate-fqdn',
    severity: 'error',
    title: 'Every TLS server has its own FQDN',
    rationale:
      'Each broker exposes its own hostname and needs its own certificate for it (the RC system design); two servers behind one name cannot both be verified by hostname.',
    source: 'docs/architectures/rc-system.md#one-server-certificate-per-broker',
    remedy: 'Give each broker and gateway a distinct FQDN.',
    messages: { duplicate: '{{fqdn}} is the FQDN of both {{first}} and {{second}}' },
  },
  *check(model) {
    const byName = new Map<string, Server>();
    for (const s of tlsServers(model.topology)) {
      const key = s.fqdn.toLowerCase().replace(/\.$/, '');
      const first = byName.get(key);
      if (!first) {
        byName.set(key, s);
        continue;
      }
      yield { target: s.id, messageId: 'duplicate', data: { fqdn: s.fqdn, first: first.id, second: s.id }, location: s.location };
    }
  },
});

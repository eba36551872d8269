import { defineRule } from '../rule.ts';
import { servedChains } from '../../model/certificates.ts';
import { isWildcard } from '../../pki/names.ts';

export const rule = defineRule({
  meta: {
    id: 'broker/wildcard',
    severity: 'warning',
    title: 'Server certificates name their server, not a wildcard',
    rationale:
      'Each broker needs its own certificate for its own FQDN (seed 000 Q2, Q11, Q13). A wildcard certificate can serve every broker in the domain, so in practice one key ends up on many hosts.',
    source: 'seed 000 Q11, Q13',
    remedy: 'Reissue with SAN = DNS:<fqdn> only.',
    messages: { wildcard: 'the certificate has wildcard SAN {{names}}' },
  },
  *check(model) {
    for (const { server, leaf, location } of servedChains(model)) {
      const wild = leaf.dnsNames.filter(isWildcard);
      if (wild.length > 0) yield { target: server.id, messageId: 'wildcard', data: { names: wild.join(', ') }, location };
    }
  },
});

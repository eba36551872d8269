import { defineRule } from '../rule.ts';
import { servedChains } from '../../model/certificates.ts';
import { isWildcard } from '../../pki/names.ts';

export const rule = defineRule({
  meta: {
    id: 'broker/wildcard',
    severity: 'warning',
    title: 'Server certificates name their server, not a wildcard',
    rationale:
      'Each broker needs its own certificate for its own FQDN (the RC system design). A wildcard certificate can serve every broker in the domain, so in practice one key ends up on many hosts.',
    source: 'RFC 6125 §6.4.3; docs/architectures/rc-system.md#one-server-certificate-per-broker',
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

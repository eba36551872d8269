import { defineRule } from '../rule.ts';
import { servedChains } from '../../model/certificates.ts';
import { matchingDnsNames } from '../../pki/names.ts';

export const rule = defineRule({
  meta: {
    id: 'broker/name-mismatch',
    severity: 'error',
    title: "The server's FQDN is in its certificate's SAN",
    rationale:
      'Clients validate the broker certificate against the hostname they connect to (seed 000 Q4, Q10), and modern TLS clients match SAN dNSName entries only: a CN that matches does not count (RFC 6125 §6.4.4; seed 003 needs both CN and SAN).',
    source: 'seed 000 Q2, Q10, Q13; seed 003',
    remedy: 'Reissue the certificate with SAN = DNS:<fqdn> (and CN = <fqdn>).',
    messages: {
      mismatch: "{{fqdn}} is not in the certificate's SAN (found: {{found}})",
    },
  },
  *check(model) {
    for (const { server, leaf, location } of servedChains(model)) {
      if (matchingDnsNames(leaf, server.fqdn).length > 0) continue;
      const found = (leaf.subjectAltName ?? []).map((n) => (n.kind === 'dns' ? `DNS:${n.value}` : n.kind.toUpperCase())).join(', ');
      const cn = leaf.commonNames.length ? `; CN=${leaf.commonNames.join(', ')} does not count` : '';
      yield { target: server.id, messageId: 'mismatch', data: { fqdn: server.fqdn, found: (found || 'no SAN') + cn }, location };
    }
  },
});

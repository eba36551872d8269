import { defineRule } from '../rule.ts';
import { servedChains } from '../../model/certificates.ts';
import { hasMatchingDnsName } from '../../pki/names.ts';

export const rule = defineRule({
  meta: {
    id: 'broker/name-mismatch',
    severity: 'error',
    title: "The server's FQDN is in its certificate's SAN",
    rationale:
      'Clients validate the broker certificate against the hostname they connect to (the RC system design), and modern TLS clients match SAN dNSName entries only: a CN that matches does not count (RFC 6125 §6.4.4; a router that verifies host names may need both CN and SAN).',
    source: 'RFC 6125 §6.4.4; RFC 5280 §4.2.1.6; docs/architectures/rc-system.md#host-names-not-addresses; docs/architectures/router-backend-mtls.md#host-name-verification-needs-cn-and-san',
    remedy: 'Reissue the certificate with SAN = DNS:<fqdn> (and CN = <fqdn>).',
    messages: {
      mismatch: "{{fqdn}} is not in the certificate's SAN (found: {{found}})",
    },
  },
  *check(model) {
    for (const { server, leaf, location } of servedChains(model)) {
      if (hasMatchingDnsName(leaf, server.fqdn)) continue;
      const found = (leaf.subjectAltName ?? []).map((n) => (n.kind === 'dns' ? `DNS:${n.value}` : n.kind.toUpperCase())).join(', ');
      const cn = leaf.commonNames.length ? `; CN=${leaf.commonNames.join(', ')} does not count` : '';
      yield { target: server.id, messageId: 'mismatch', data: { fqdn: server.fqdn, found: (found || 'no SAN') + cn }, location };
    }
  },
});

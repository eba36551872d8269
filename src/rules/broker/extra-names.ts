import { defineRule } from '../rule.ts';
import { servedChains } from '../../model/certificates.ts';
import { dnsNameMatches, isWildcard } from '../../pki/names.ts';
import type { GeneralName } from '../../pki/extensions.ts';

const show = (n: GeneralName): string => {
  switch (n.kind) {
    case 'dns':
      return `DNS:${n.value}`;
    case 'ip':
      return `IP:${n.value.length === 4 ? [...n.value].join('.') : Buffer.from(n.value).toString('hex')}`;
    case 'email':
      return `email:${n.value}`;
    case 'uri':
      return `URI:${n.value}`;
    default:
      return n.kind;
  }
};

export const rule = defineRule({
  meta: {
    id: 'broker/extra-names',
    severity: 'warning',
    title: 'The SAN holds the FQDN and nothing else',
    rationale:
      'TLS validation uses the hostname the client connects to; load balancer IPs are internal routing only, so no IP SAN is needed (the RC system design). Every extra name widens what the certificate can impersonate.',
    source: 'RFC 5280 §4.2.1.6; docs/architectures/rc-system.md#host-names-not-addresses',
    remedy: 'Reissue with SAN = DNS:<fqdn> only.',
    messages: { extra: 'SAN entries beyond {{fqdn}}: {{names}}' },
  },
  *check(model) {
    for (const { server, leaf, location } of servedChains(model)) {
      const extra = (leaf.subjectAltName ?? []).filter(
        // A wildcard that covers the FQDN is broker/wildcard's finding.
        (n) => !(n.kind === 'dns' && (dnsNameMatches(n.value, server.fqdn) || isWildcard(n.value))),
      );
      if (extra.length > 0) yield { target: server.id, messageId: 'extra', data: { fqdn: server.fqdn, names: extra.map(show).join(', ') }, location };
    }
  },
});

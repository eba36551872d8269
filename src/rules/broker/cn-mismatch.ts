import { defineRule } from '../rule.ts';
import { servedChains } from '../../model/certificates.ts';

const norm = (s: string) => s.toLowerCase().replace(/\.$/, '');

export const rule = defineRule({
  meta: {
    id: 'broker/cn-mismatch',
    severity: 'warning',
    title: "The certificate's subject CN, when present, is the server's FQDN",
    rationale:
      'The design sets Subject CN = the broker FQDN (the RC system design), and some clients and routers still read the CN (a router that verifies host names may need both CN and SAN). A CN naming something else confuses operators and those clients.',
    source: 'RFC 6125 §6.4.4; docs/architectures/rc-system.md#one-server-certificate-per-broker; docs/architectures/router-backend-mtls.md#host-name-verification-needs-cn-and-san',
    remedy: 'Reissue with CN = <fqdn>, or omit the CN.',
    messages: { mismatch: 'subject CN {{cn}} differs from the FQDN {{fqdn}}' },
  },
  *check(model) {
    for (const { server, leaf, location } of servedChains(model)) {
      const other = leaf.commonNames.filter((cn) => norm(cn) !== norm(server.fqdn));
      if (other.length > 0) yield { target: server.id, messageId: 'mismatch', data: { cn: other.join(', '), fqdn: server.fqdn }, location };
    }
  },
});

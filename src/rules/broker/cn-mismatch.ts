import { defineRule } from '../rule.ts';
import { servedChains } from '../../model/certificates.ts';
import { wrongCertificateCause } from '../../model/causes.ts';

const norm = (s: string) => s.toLowerCase().replace(/\.$/, '');

export const rule = defineRule({
  meta: {
    id: 'broker/cn-mismatch',
    severity: 'warning',
    title: "The certificate's subject CN, when present, is the server's FQDN",
    rationale:
      'The design sets Subject CN = the broker FQDN (seed 000 Q2, Q13), and some clients and routers still read the CN (seed 003 needs both CN and SAN). A CN naming something else confuses operators and those clients.',
    source: 'seed 000 Q2, Q13; seed 003',
    remedy: 'Reissue with CN = <fqdn>, or omit the CN.',
    messages: { mismatch: 'subject CN {{cn}} differs from the FQDN {{fqdn}}' },
  },
  *check(model) {
    for (const { server, leaf, location } of servedChains(model)) {
      const other = leaf.commonNames.filter((cn) => norm(cn) !== norm(server.fqdn));
      const because = wrongCertificateCause(server, leaf);
      if (other.length > 0) yield { target: server.id, messageId: 'mismatch', data: { cn: other.join(', '), fqdn: server.fqdn }, location, ...(because && { because }) };
    }
  },
});

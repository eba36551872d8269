import { defineRule } from '../rule.ts';
import { caIdsByFingerprint, certificateUses } from '../../model/certificates.ts';
import { issuersOf } from '../../model/lineage.ts';
import { isoDate } from '../cert/dates.ts';

export const rule = defineRule({
  meta: {
    id: 'trust/validity-nesting',
    severity: 'warning',
    title: 'No certificate outlives the CA that issued it',
    rationale:
      'A chain is only valid while every certificate on it is (RFC 5280 6.1.3): a leaf that outlives its intermediate, or an intermediate that outlives its root, stops working on the issuer\'s expiry date, not its own. A sound hierarchy keeps the intermediate well inside the root\'s lifetime (for example 91 days under a 365-day root) and rolls it over before the root expires; the renewal plan has to follow the shortest-lived certificate on the path.',
    source: 'RFC 5280 §6.1.3; docs/architectures/ca-rollover.md#the-hierarchy',
    remedy: "Reissue the certificate with a notAfter no later than its issuer's, or renew the issuer first.",
    messages: {
      outlives: '{{kind}} certificate {{subject}} is valid until {{notAfter}}, after its issuer {{issuer}} expires on {{issuerNotAfter}}',
    },
  },
  *check(model) {
    const ids = caIdsByFingerprint(model);
    for (const u of certificateUses(model)) {
      const issuers = issuersOf(model, u.cert);
      if (issuers.length === 0) continue; // a root, or an issuer the estate does not hold: nothing to compare with
      // Cross-signed or re-issued CAs share a key: the certificate outlives its CA only if it outlives all of them.
      const longest = issuers.reduce((a, b) => (b.notAfter > a.notAfter ? b : a));
      if (u.cert.notAfter <= longest.notAfter) continue;
      const id = ids.get(longest.fingerprint);
      yield {
        target: u.target,
        messageId: 'outlives',
        data: {
          kind: u.kind,
          subject: u.cert.subjectName,
          notAfter: isoDate(u.cert.notAfter),
          issuer: id ? `${id} (${longest.subjectName})` : longest.subjectName,
          issuerNotAfter: isoDate(longest.notAfter),
        },
        location: u.location,
      };
    }
  },
});

import { defineRule } from '../rule.ts';
import { certificateUses } from '../../model/certificates.ts';
import { isoDate } from './dates.ts';

export const rule = defineRule({
  meta: {
    id: 'cert/max-validity',
    severity: 'warning',
    title: 'Leaf certificates live at most maxLeafValidityDays',
    rationale:
      'Short-lived leaves keep renewal routine (the RC system design) and limit how long a leaked key stays useful; the intermediate should be shorter-lived than the root and leaves shorter still (the CA rollover design). 397 days is the public-CA ceiling (CA/B Forum BR 6.3.2).',
    source: 'CA/B Forum Baseline Requirements §6.3.2; docs/architectures/rc-system.md#renewal-drain-and-roll; docs/architectures/ca-rollover.md#the-hierarchy',
    remedy: 'Reissue the leaf with a lifetime of at most maxLeafValidityDays.',
    messages: {
      long: 'leaf certificate {{subject}} is valid for {{days}} days ({{from}} to {{to}}); the maximum is {{max}}',
    },
  },
  *check(model) {
    const max = model.params.maxLeafValidityDays;
    for (const u of certificateUses(model)) {
      if (u.kind !== 'leaf') continue;
      const days = Math.round(u.cert.lifetimeDays);
      if (u.cert.lifetimeDays <= max) continue;
      yield {
        target: u.target,
        messageId: 'long',
        data: { subject: u.cert.subjectName, days, from: isoDate(u.cert.notBefore), to: isoDate(u.cert.notAfter), max },
        location: u.location,
      };
    }
  },
});

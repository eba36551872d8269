import { defineRule } from '../rule.ts';
import { certificateUses } from '../../model/certificates.ts';
import { isoDate } from './dates.ts';

export const rule = defineRule({
  meta: {
    id: 'cert/max-validity',
    severity: 'warning',
    title: 'Leaf certificates live at most maxLeafValidityDays',
    rationale:
      'Short-lived leaves keep renewal routine (seed 000 Q9) and limit how long a leaked key stays useful; the intermediate should be shorter-lived than the root and leaves shorter still (seed 001). 397 days is the public-CA ceiling (CA/B Forum BR 6.3.2).',
    source: 'seed 000 Q9; seed 001; CA/B Forum BR 6.3.2',
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

import { defineRule } from '../rule.ts';
import { certificateUses } from '../../model/certificates.ts';
import { DAY_MS, daysBetween, isoDate } from './dates.ts';

export const rule = defineRule({
  meta: {
    id: 'cert/expiring',
    severity: 'warning',
    title: 'No certificate expires inside its renewal window',
    rationale:
      'Renewal is a process: issue, import into Key Vault, roll out, drain and roll the instances (the RC system design). It has to start before the renewal window closes; an intermediate or root needs longer, because every leaf under it moves too (the CA rollover design).',
    source: 'docs/architectures/rc-system.md#renewal-drain-and-roll; docs/architectures/ca-rollover.md#the-phases-of-a-rollover',
    remedy: 'Renew now: leaves within renewBeforeDays, CAs within caRenewBeforeDays (pack params).',
    messages: {
      expiring: '{{kind}} certificate {{subject}} expires on {{date}}, in {{days}} days ({{param}}: {{window}})',
    },
  },
  *check(model) {
    const { at, params } = model;
    for (const u of certificateUses(model)) {
      const c = u.cert;
      if (!c.validAt(at)) continue; // cert/expired
      const leaf = u.kind === 'leaf';
      const window = leaf ? params.renewBeforeDays : params.caRenewBeforeDays;
      if (c.notAfter.getTime() - at.getTime() >= window * DAY_MS) continue;
      yield {
        target: u.target,
        messageId: 'expiring',
        data: {
          kind: u.kind,
          subject: c.subjectName,
          date: isoDate(c.notAfter),
          days: daysBetween(at, c.notAfter),
          param: leaf ? 'renewBeforeDays' : 'caRenewBeforeDays',
          window,
        },
        location: u.location,
      };
    }
  },
});

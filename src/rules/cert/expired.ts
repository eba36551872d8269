import { defineRule } from '../rule.ts';
import { certificateUses } from '../../model/certificates.ts';
import { daysBetween, isoDate } from './dates.ts';

export const rule = defineRule({
  meta: {
    id: 'cert/expired',
    severity: 'error',
    title: 'Every certificate is valid at the evaluation time',
    rationale:
      'An expired (or not yet valid) certificate fails every handshake it is part of: clients reject the broker, brokers reject the client (the RC system design). Evaluate with --at to see what breaks on a future date.',
    source: 'RFC 5280 §4.1.2.5, §6.1.3; docs/architectures/rc-system.md#renewal-drain-and-roll',
    remedy: 'Renew the certificate, import it into Key Vault and drain-and-roll the instances (the RC system design).',
    messages: {
      expired: '{{kind}} certificate {{subject}} expired on {{date}} ({{days}} days before {{at}})',
      notYetValid: '{{kind}} certificate {{subject}} is not valid until {{date}} ({{days}} days after {{at}})',
    },
  },
  *check(model) {
    const at = model.at;
    for (const u of certificateUses(model)) {
      const c = u.cert;
      if (at >= c.notBefore && at <= c.notAfter) continue;
      const common = { kind: u.kind, subject: c.subjectName, at: isoDate(at) };
      if (at < c.notBefore) {
        yield { target: u.target, messageId: 'notYetValid', data: { ...common, date: isoDate(c.notBefore), days: daysBetween(at, c.notBefore) }, location: u.location };
      } else if (at > c.notAfter) {
        yield { target: u.target, messageId: 'expired', data: { ...common, date: isoDate(c.notAfter), days: daysBetween(c.notAfter, at) }, location: u.location };
      }
    }
  },
});

import { defineRule } from '../rule.ts';
import { caCertificates, certificateUses } from '../../model/certificates.ts';
import { chainsTo } from '../../model/lineage.ts';
import { DAY_MS, daysBetween, isoDate } from '../cert/dates.ts';

export const rule = defineRule({
  meta: {
    id: 'rollover/root-expiring',
    severity: 'warning',
    title: 'A root that certificates chain to is rolled over well before it expires',
    rationale:
      'Replacing a root takes phases, not a renewal: distribute the new root to every bundle, wait for clients to pick it up (pods restart to reload the ConfigMap), reissue every intermediate and leaf, then retire the old root. That has to start months ahead; a root inside rootRenewBeforeDays with no rollover declared is a rotation nobody has planned.',
    source: 'docs/architectures/ca-rollover.md#the-phases-of-a-rollover; RFC 5280 §4.1.2.5',
    remedy: 'Create the new root and declare rollover: { from: <this root>, to: <new root>, phase: trust-both }, then follow the phases.',
    messages: {
      expiring: 'root {{id}} ({{subject}}) expires on {{date}}, in {{days}} days (rootRenewBeforeDays: {{window}}); {{leaves}} chain to it and no rollover from it is declared',
    },
  },
  *check(model) {
    const { at, params, topology } = model;
    const cas = caCertificates(model);
    const leaves = certificateUses(model).filter((u) => u.kind === 'leaf');
    for (const ca of topology.cas) {
      const cert = cas.get(ca.id);
      if (!cert || ca.issuer !== undefined || !cert.validAt(at)) continue; // an expired root is cert/expired
      if (cert.notAfter.getTime() - at.getTime() >= params.rootRenewBeforeDays * DAY_MS) continue;
      if (topology.rollover?.from === ca.id) continue;
      const count = new Set(leaves.filter((u) => chainsTo(model, u.cert, ca.id)).map((u) => u.target)).size;
      if (count === 0) continue;
      yield {
        target: ca.id,
        messageId: 'expiring',
        data: {
          id: ca.id,
          subject: cert.subjectName,
          date: isoDate(cert.notAfter),
          days: daysBetween(at, cert.notAfter),
          window: params.rootRenewBeforeDays,
          leaves: count === 1 ? '1 certificate' : `${count} certificates`,
        },
        location: ca.cert.file?.location ?? ca.location,
      };
    }
  },
});

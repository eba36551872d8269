import { defineRule } from '../rule.ts';
import { caCertificates, certificateUses } from '../../model/certificates.ts';
import { chainsTo } from '../../model/lineage.ts';

export const rule = defineRule({
  meta: {
    id: 'rollover/old-root-in-use',
    severity: 'error',
    title: 'When the old root is retired, nothing depends on it any more',
    rationale:
      'A root is rolled over in order: trust both roots, issue under the new one, then remove the old one. Retiring the old root while a certificate still chains only to it breaks every handshake that certificate takes part in; a bundle that still lists it keeps trusting a key that is meant to be gone.',
    source: 'docs/architectures/ca-rollover.md#the-phases-of-a-rollover; RFC 5280 §6.1',
    remedy: 'Reissue the remaining certificates under the new root (or its intermediates) and remove the old root from every bundle; until then stay in the issue-new phase.',
    messages: {
      leaf: '{{subject}} still chains only to the retired root {{from}}, not to {{to}}',
      bundle: '{{bundle}} still trusts the retired root {{from}}',
    },
  },
  applies: (model) => model.topology.rollover?.phase === 'retire-old',
  *check(model) {
    const rollover = model.topology.rollover;
    if (rollover?.phase !== 'retire-old') return;
    const { from, to } = rollover;
    for (const b of model.topology.trustBundles) {
      if (b.cas.includes(from)) yield { target: b.id, messageId: 'bundle', data: { bundle: b.id, from }, location: b.location };
    }
    if (!caCertificates(model).has(from)) return; // unreadable: cert/unreadable; nothing to chain to
    for (const u of certificateUses(model)) {
      if (u.kind !== 'leaf' || !chainsTo(model, u.cert, from) || chainsTo(model, u.cert, to)) continue;
      yield { target: u.target, messageId: 'leaf', data: { subject: u.cert.subjectName, from, to }, location: u.location };
    }
  },
});

import { defineRule } from '../rule.ts';

export const rule = defineRule({
  meta: {
    id: 'rollover/dual-roots',
    severity: 'error',
    title: 'While a root rollover is in progress, every bundle that trusts one of the two roots trusts both',
    rationale:
      'Every trust bundle must hold both the old and the new root before anything is issued under the new one, so that no client ever meets a server chain it cannot validate; only then is the intermediate rolled over and the servers reissued. During trust-both and issue-new, certificates under either root may be presented at any moment.',
    source: 'docs/architectures/ca-rollover.md#the-phases-of-a-rollover; docs/architectures/ca-rollover.md#trust-bundles-as-distributed',
    remedy: 'Add the missing root to the bundle\'s cas (and to its file / ConfigMap) before any certificate is issued under the new root.',
    messages: {
      oneRoot: '{{bundle}} trusts {{has}} but not {{lacks}}: during the {{phase}} phase of the rollover {{from}} -> {{to}} it must trust both',
    },
  },
  applies: (model) => model.topology.rollover !== undefined && model.topology.rollover.phase !== 'retire-old',
  *check(model) {
    const rollover = model.topology.rollover;
    if (!rollover || rollover.phase === 'retire-old') return;
    const { from, to, phase } = rollover;
    for (const b of model.topology.trustBundles) {
      const hasFrom = b.cas.includes(from);
      const hasTo = b.cas.includes(to);
      if (hasFrom === hasTo) continue;
      yield {
        target: b.id,
        messageId: 'oneRoot',
        data: { bundle: b.id, has: hasFrom ? from : to, lacks: hasFrom ? to : from, phase, from, to },
        location: b.location,
      };
    }
  },
});

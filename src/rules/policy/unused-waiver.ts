import { defineRule } from '../rule.ts';
import { waiverTarget } from '../../policy/waivers.ts';

export const rule = defineRule({
  meta: {
    id: 'policy/unused-waiver',
    severity: 'info',
    title: 'Every waiver still waives something',
    rationale:
      'A waiver that matches no finding is stale: the problem was fixed or the target renamed. Left in place it would silently waive the problem if it came back (SPEC §2).',
    source: 'docs/spec.md §2 (waivers)',
    remedy: 'Delete the waiver, or correct its rule or target if it was meant to match a finding.',
    messages: { unused: 'the waiver of {{rule}} for {{target}} matched no finding' },
  },
  applies: (model) => model.waivers !== undefined,
  *check(model) {
    for (const o of model.waivers ?? []) {
      if (o.status !== 'unused') continue;
      yield { target: waiverTarget(o.waiver), messageId: 'unused', data: { rule: o.waiver.rule, target: o.waiver.target }, location: o.location };
    }
  },
});

import { defineRule } from '../rule.ts';
import { waiverTarget } from '../../policy/waivers.ts';

// Waivers are applied after the other rules ran; the engine then runs this family over a model
// that carries what became of each waiver (model.waivers), so the rule stays a pure reader.
export const rule = defineRule({
  meta: {
    id: 'policy/expired-waiver',
    severity: 'error',
    title: 'Every waiver is within its expiry date',
    rationale:
      'A waiver is a dated promise to fix something (SPEC §2). Past its date it stops waiving, and the run says so loudly instead of letting the exception quietly become permanent.',
    source: 'docs/spec.md §2 (waivers)',
    remedy: 'Fix the waived finding and delete the waiver, or renew it with a new `expires` date and a reason reviewers can accept.',
    messages: { expired: 'the waiver of {{rule}} for {{target}} expired on {{expires}} ({{reason}}){{owner}}' },
  },
  applies: (model) => model.waivers !== undefined,
  *check(model) {
    for (const o of model.waivers ?? []) {
      if (o.status !== 'expired') continue;
      const w = o.waiver;
      yield {
        target: waiverTarget(w),
        messageId: 'expired',
        data: { rule: w.rule, target: w.target, expires: w.expires, reason: w.reason, owner: w.owner ? `; owner ${w.owner}` : '' },
        location: o.location,
      };
    }
  },
});

import { defineRule } from '../rule.ts';
import { formatLocation } from '../../errors.ts';

export const rule = defineRule({
  meta: {
    id: 'topology/duplicate-id',
    severity: 'error',
    title: 'Every object has its own id',
    rationale: 'References are by id; two objects with one id make every reference to it ambiguous, and findings could not say which object they mean.',
    source: 'docs/spec.md §1',
    remedy: 'Rename one of the objects and update the references to it.',
    messages: { duplicate: "id '{{id}}' is declared {{count}} times (also at {{others}})" },
  },
  *check(model) {
    for (const [id, objects] of model.topology.byId) {
      if (objects.length < 2) continue;
      const [, ...rest] = objects;
      yield {
        target: id,
        messageId: 'duplicate',
        data: { id, count: objects.length, others: rest.map((o) => `${formatLocation(o.location)} (${o.kind})`).join(', ') },
        location: rest[0]!.location,
      };
    }
  },
});

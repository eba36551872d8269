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
    messages: { duplicate: "id '{{id}}' is declared {{count}} times: {{all}}" },
  },
  *check(model) {
    for (const [id, objects] of model.topology.byId) {
      if (objects.length < 2) continue;
      // At the second declaration (the one to rename); every declaration is named, the others as related locations.
      const [first, ...rest] = objects;
      const all = objects.map((o) => `${o.kind} at ${formatLocation(o.location)}`);
      yield {
        target: id,
        messageId: 'duplicate',
        data: { id, count: objects.length, all: all.length === 2 ? all.join(' and ') : all.join(', ') },
        location: rest[0]!.location,
        related: [first!, ...rest.slice(1)].map((o) => ({ location: o.location, message: `${o.kind} '${id}' is also declared here` })),
      };
    }
  },
});

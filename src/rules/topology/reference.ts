import { defineRule } from '../rule.ts';
import { didYouMean } from '../../suggest.ts';

const KIND_NAMES: Record<string, string> = {
  ca: 'CA',
  trustBundle: 'trust bundle',
  region: 'region',
  loadBalancer: 'load balancer',
  globalLoadBalancer: 'global load balancer',
  broker: 'broker',
  gateway: 'gateway',
  client: 'client',
};

const kinds = (list: readonly string[]): string => list.map((k) => KIND_NAMES[k] ?? k).join(' or ');

export const rule = defineRule({
  meta: {
    id: 'topology/reference',
    severity: 'error',
    title: 'Every id the topology references exists and is the right kind of object',
    rationale:
      'A backend, issuer, trust bundle or connection that names nothing describes an estate that does not exist; every rule downstream would evaluate something other than what runs.',
    source: 'docs/spec.md §1, §3 (topology)',
    remedy: 'Declare the missing object, or correct the id.',
    messages: {
      missing: "{{from}}.{{field}} references '{{id}}', which is not declared (expected a {{expected}}){{hint}}",
      wrongKind: "{{from}}.{{field}} references '{{id}}', which is a {{found}}, not a {{expected}}",
    },
  },
  *check(model) {
    const { byId, references } = model.topology;
    for (const r of references) {
      const found = byId.get(r.id);
      if (!found) {
        const sameKind = [...byId].filter(([, objects]) => objects.some((o) => r.expected.includes(o.kind))).map(([id]) => id);
        const data = { from: r.from, field: r.field, id: r.id, expected: kinds(r.expected), hint: didYouMean(r.id, sameKind) };
        yield { target: r.from, messageId: 'missing', data, location: r.location };
        continue;
      }
      if (found.some((o) => r.expected.includes(o.kind))) continue;
      // A load balancer backend of the wrong kind is lb/backend-kind's finding.
      if (r.field === 'backends') continue;
      yield {
        target: r.from,
        messageId: 'wrongKind',
        data: { from: r.from, field: r.field, id: r.id, found: kinds([found[0]!.kind]), expected: kinds(r.expected) },
        location: r.location,
      };
    }
  },
});

import { defineRule, type Violation } from '../rule.ts';
import type { SchemaViolation } from '../../topology/schema.ts';

// The validator is the check: a file that violates the schema never reaches the other rules, so
// this rule turns the loader's violations into findings instead of reading the model.
export const rule = defineRule({
  meta: {
    id: 'topology/schema',
    severity: 'error',
    title: 'The topology file follows the rc-policy/v1 schema',
    rationale:
      'Every other rule reads the typed topology; a file that does not match schema/topology.schema.json cannot be evaluated, and guessing what it meant would let a mistake pass silently.',
    source: 'docs/spec.md §1 (the topology file); schema/topology.schema.json',
    remedy: 'Fix the field at the reported line; `rc-policy schema` prints the schema for editor completion.',
    messages: { violation: '{{message}}' },
  },
  applies: () => false,
  check: () => [],
});

/** Each violation targets the nearest enclosing object with an id, else the topology's name. */
export function schemaViolations(violations: readonly SchemaViolation[], data: unknown, fallback: string): Violation[] {
  const name = (data as { metadata?: { name?: unknown } } | null)?.metadata?.name;
  const top = typeof name === 'string' && name && name.length <= 253 ? name : fallback;
  return violations.map((v) => ({ target: enclosingId(data, v.path) ?? top, messageId: 'violation', data: { message: v.message }, location: v.location }));
}

const ID = /^[A-Za-z0-9][A-Za-z0-9._-]{0,252}$/;

function enclosingId(data: unknown, path: readonly (string | number)[]): string | undefined {
  let node = data;
  let id: string | undefined;
  for (const seg of path) {
    if (node === null || typeof node !== 'object') break;
    node = (node as Record<string | number, unknown>)[seg];
    const candidate = (node as { id?: unknown } | null | undefined)?.id;
    // The file failed the schema, so an `id` may be anything: only a well-formed one names a target.
    if (node && typeof node === 'object' && typeof candidate === 'string' && ID.test(candidate)) id = candidate;
  }
  return id;
}

// JSON Schemas with every `$ref` replaced by what it points at, for scripts/gen-validators.ts.
// With allErrors, Ajv merges the errors of a referenced schema by concatenating arrays, which is
// quadratic when a hostile file breaks one rule in each of 400,000 list items (minutes); inlined,
// each error is one push (docs/decisions/0051). A recursive `$ref` (none today) is left for Ajv.

type Json = Record<string, unknown>;

/** `schema` with its `$ref`s inlined; `others` resolves refs to other files by their $id's name. */
export function inlineRefs(schema: Json, others: readonly Json[] = []): Json {
  return inline(schema, schema, others, []) as Json;
}

function inline(node: unknown, base: Json, others: readonly Json[], stack: readonly string[]): unknown {
  if (Array.isArray(node)) return node.map((n) => inline(n, base, others, stack));
  if (node === null || typeof node !== 'object') return node;
  const obj = node as Json;
  const ref = typeof obj.$ref === 'string' ? obj.$ref : undefined;
  if (ref && !stack.includes(ref)) {
    const [file, pointer = ''] = ref.split('#');
    const target = file ? others.find((s) => typeof s.$id === 'string' && s.$id.endsWith(`/${file}`)) : base;
    const resolved = target && pointer.split('/').slice(1).reduce<unknown>((n, seg) => (n as Json | undefined)?.[seg], target);
    if (resolved !== undefined) {
      const { $ref: _ref, ...siblings } = obj;
      return { ...(inline(resolved, target!, others, [...stack, ref]) as Json), ...(inline(siblings, base, others, stack) as Json) };
    }
  }
  const out: Json = {};
  for (const [k, v] of Object.entries(obj)) out[k] = k === '$defs' ? v : inline(v, base, others, stack);
  return out;
}

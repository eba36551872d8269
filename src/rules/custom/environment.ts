// The CEL environments custom rules are checked and evaluated in, built from the type table
// (types.ts): one per `on:` kind, as `object` has a different type for each. Building one is the
// expensive part of the library, so each is built once per process.
import { Environment } from '@marcbachmann/cel-js';
import { CEL_TYPES, OBJECT_TYPES, VARIABLES, type OnKind } from './types.ts';

/**
 * Parse-time bounds (ADR 0085): CEL itself has no loops, so with these an expression's work is at
 * most its size times the sizes of the lists it iterates. Small next to the CEL spec's minimums:
 * a rule is a line or two, not a program.
 */
export const CEL_LIMITS = {
  maxExpressionLength: 2000,
  maxAstNodes: 400,
  maxDepth: 24,
  maxListElements: 100,
  maxMapEntries: 100,
  maxCallArguments: 8,
} as const;

// The library names CEL's timestamp and duration by their protobuf names.
const LIBRARY_NAMES: Readonly<Record<string, string>> = { timestamp: 'google.protobuf.Timestamp', duration: 'google.protobuf.Duration' };
const libraryType = (t: string): string => t.replace(/\b(timestamp|duration)\b/g, (m) => LIBRARY_NAMES[m] ?? m);

/**
 * A value of one of the table's types: fields computed when an expression first reads them, so a
 * rule that reads `object.fqdn` never pays for parsing the object's certificate into CEL values.
 * The library reads message fields with Map#get and treats undefined as "absent" (has() is false).
 */
export class LazyRecord extends Map<string, unknown> {
  readonly #thunks: Readonly<Record<string, () => unknown>>;
  constructor(thunks: Readonly<Record<string, () => unknown>>) {
    super();
    this.#thunks = thunks;
  }
  override get(key: string): unknown {
    if (super.has(key)) return super.get(key);
    const thunk = Object.hasOwn(this.#thunks, key) ? this.#thunks[key] : undefined;
    const value = thunk?.();
    super.set(key, value);
    return value;
  }
  override has(key: string): boolean {
    return this.get(key) !== undefined;
  }
}

/** One class per CEL type: the library tells message types apart by constructor. */
export const CEL_CLASSES: ReadonlyMap<string, new (thunks: Readonly<Record<string, () => unknown>>) => LazyRecord> = new Map(
  Object.keys(CEL_TYPES).map((name) => [name, { [name]: class extends LazyRecord {} }[name]!]),
);

let base: Environment | undefined;
const byKind = new Map<OnKind, Environment>();

function baseEnvironment(): Environment {
  if (base) return base;
  const { maxExpressionLength: _, ...limits } = CEL_LIMITS;
  const env = new Environment({ limits, homogeneousAggregateLiterals: true, enableOptionalTypes: false });
  // Registered leaves first: a field may only name a type already registered.
  const pending = new Map(Object.entries(CEL_TYPES));
  while (pending.size > 0) {
    const before = pending.size;
    for (const [name, spec] of pending) {
      const needs = Object.values(spec.fields).flatMap((f) => f.type.match(/rc\.\w+/g) ?? []);
      if (needs.some((n) => pending.has(n) && n !== name)) continue;
      const fields = Object.fromEntries(Object.entries(spec.fields).map(([k, f]) => [k, libraryType(f.type)]));
      env.registerType(name, { ctor: CEL_CLASSES.get(name)!, fields });
      pending.delete(name);
    }
    if (pending.size === before) throw new Error(`custom rule types refer to each other in a cycle: ${[...pending.keys()].join(', ')}`);
  }
  for (const [name, v] of Object.entries(VARIABLES)) if (name !== 'object') env.registerVariable(name, libraryType(v.type), { description: v.doc });
  return (base = env);
}

/** The environment of rules `on` one kind: `object` has that kind's type. */
export function environmentFor(kind: OnKind): Environment {
  let env = byKind.get(kind);
  if (!env) {
    env = baseEnvironment().clone().registerVariable('object', OBJECT_TYPES[kind], { description: VARIABLES.object!.doc });
    byKind.set(kind, env);
  }
  return env;
}

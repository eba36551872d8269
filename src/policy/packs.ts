import { existsSync } from 'node:fs';
import path from 'node:path';
import { InputError } from '../errors.ts';
import { printable } from '../printable.ts';
import type { Params } from '../model/types.ts';
import { packageRoot } from '../package.ts';
import type { FileAccess } from '../sources/containment.ts';
import { readSourceDocument, type SourceDocument } from '../topology/document.ts';
import { displayPath } from '../topology/load.ts';
import { closest, validateDocument } from '../topology/schema.ts';
import type { Location } from '../domain/location.ts';
import type { Severity } from '../domain/finding.ts';
import type { Rule } from '../rules/rule.ts';
import { compileCustomRule, type CustomRuleSpec } from '../rules/custom/compile.ts';
import { customRule } from '../rules/custom/rule.ts';

export type RuleSetting = Severity | 'off';

/** A policy pack with `extends` applied: final params and per-rule severities. */
export interface Pack {
  readonly name: string;
  /** The pack and the packs it extends, most specific first. */
  readonly chain: readonly string[];
  readonly params: Params;
  readonly rules: ReadonlyMap<string, RuleSetting>;
  /** The pack's own rules (`customRules`, CEL, of every layer), compiled when the pack loads; the engine runs them after the built-ins. */
  readonly customRules?: readonly Rule[];
}

/** The fallback for a pack that extends nothing and omits a param; rc-default states the same values. */
export const DEFAULT_PARAMS: Params = {
  renewBeforeDays: 30,
  caRenewBeforeDays: 90,
  rootRenewBeforeDays: 180,
  minRsaBits: 2048,
  allowedCurves: ['P-256', 'P-384', 'P-521'],
  maxLeafValidityDays: 397,
};

/** Rules a pack may not weaken: with them off, an unreadable topology would pass silently. */
const FIXED_RULES = new Set(['topology/schema']);

export const builtinPackNames = (): string[] => ['rc-default', 'lb-tls-offload'];

const builtinPath = (name: string): string => path.join(packageRoot, 'policies', `${name}.yaml`);

interface PackSource {
  readonly name: string;
  readonly absolute: string;
}

function locatePack(ref: string, baseDir: string, at?: Location): PackSource {
  if (/^[a-z0-9][a-z0-9-]*$/.test(ref) && existsSync(builtinPath(ref))) return { name: ref, absolute: builtinPath(ref) };
  const absolute = path.resolve(baseDir, ref);
  if (/\.(ya?ml|json)$/i.test(ref) || ref.includes('/') || ref.includes(path.sep)) return { name: ref, absolute };
  throw new InputError(`unknown policy pack '${ref}' (built-in packs: ${builtinPackNames().join(', ')}; or give a path to a pack file)`, at);
}

/**
 * Loads a pack and everything it extends. `knownRules` guards against typos: a rule id the engine
 * does not know is an error, not a silently ignored line. `access`, for a pack the topology names,
 * keeps pack files (and what they extend) inside the topology's repository.
 */
export async function loadPack(ref: string, baseDir: string, knownRules: ReadonlySet<string>, at?: Location, access?: FileAccess): Promise<Pack> {
  const layers: PackLayer[] = [];
  const seen = new Set<string>();
  let source: PackSource | undefined = locatePack(ref, baseDir, at);
  while (source) {
    if (seen.has(source.absolute)) throw new InputError(`policy pack '${source.name}' extends itself (cycle: ${[...layers.map((l) => l.name), source.name].join(' -> ')})`, at);
    seen.add(source.absolute);
    const display = displayPath(source.absolute);
    const builtin = source.absolute === builtinPath(source.name);
    const refused = access && !builtin ? await access.refusal(source.absolute) : undefined;
    if (refused) throw new InputError(`policy pack ${display}: ${refused}`, at);
    const doc = await readSourceDocument(source.absolute, display, access && !builtin ? { regularOnly: true, noFollow: !access.followSymlinks } : {});
    const layer = checkPackDocument(doc, knownRules);
    layers.push(layer);
    at = layer.extends ? doc.locate(['extends']) : at;
    source = layer.extends ? locatePack(layer.extends, path.dirname(source.absolute), at) : undefined;
  }
  return mergeLayers(layers);
}

/** One pack file, schema-checked: what it sets, before `extends` is applied. */
export interface PackLayer {
  readonly name: string;
  readonly extends?: string | null;
  readonly params?: Readonly<Record<string, unknown>>;
  readonly rules?: Readonly<Record<string, RuleSetting>>;
  readonly customRules?: readonly Rule[];
  /** Ids in `rules:` that are no built-in rule: each must be a custom rule of this pack or one it extends. */
  readonly customSettings?: readonly { readonly id: string; readonly location: Location }[];
}

/** The namespaces of the built-in rules (`cert`, `broker`, …): custom rules may not use them. */
const familiesOf = (known: ReadonlySet<string>): Set<string> => new Set([...known].map((id) => id.split('/')[0]!));

/** Validates one parsed pack file (schema, known rule ids, fixed rules). Pure; throws InputError. */
export function checkPackDocument(doc: SourceDocument, knownRules: ReadonlySet<string>): PackLayer {
  const violations = validateDocument(doc, 'policy');
  if (violations.length > 0) {
    const v = violations[0]!;
    const more = violations.length > 1 ? ` (and ${violations.length - 1} more)` : '';
    throw new InputError(`invalid policy pack: ${v.message}${more}`, v.location);
  }
  const data = doc.data as {
    metadata: { name: string };
    extends?: string | null;
    params?: Record<string, unknown>;
    rules?: Record<string, RuleSetting>;
    customRules?: CustomRuleSpec[];
  };
  const reserved = familiesOf(knownRules);
  const customRules = (data.customRules ?? []).map((spec, i) => compileCustomRule(spec, i, doc, reserved));
  const seen = new Set<string>();
  for (const [i, r] of customRules.entries()) {
    if (seen.has(r.spec.id)) throw new InputError(`custom rule '${r.spec.id}' is defined twice in this pack`, doc.locate(['customRules', i, 'id']));
    seen.add(r.spec.id);
  }
  const customSettings: { id: string; location: Location }[] = [];
  for (const [id, setting] of Object.entries(data.rules ?? {})) {
    if (!knownRules.has(id) && !reserved.has(id.split('/')[0]!)) {
      customSettings.push({ id, location: doc.locate(['rules', id], true) });
      continue;
    }
    if (!knownRules.has(id)) {
      const guess = closest(id, [...knownRules]);
      throw new InputError(`unknown rule '${id}'${guess ? ` (did you mean '${guess}'?)` : ''}`, doc.locate(['rules', id], true));
    }
    if (FIXED_RULES.has(id) && setting !== 'error') {
      throw new InputError(`${id} cannot be set to '${setting}': a file that violates the schema cannot be evaluated`, doc.locate(['rules', id]));
    }
  }
  // The name is printed in every report: keep a hostile one from forging lines.
  return {
    name: printable(data.metadata.name, 200),
    extends: data.extends,
    params: data.params,
    rules: data.rules,
    customRules: customRules.map((r) => customRule(r)),
    customSettings,
  };
}

/** A pack from its layers, most specific first: params and rules of the more specific win. */
export function mergeLayers(layers: readonly PackLayer[]): Pack {
  let params: Record<string, unknown> = { ...DEFAULT_PARAMS };
  const rules = new Map<string, RuleSetting>();
  const custom = new Map<string, Rule>();
  for (const layer of [...layers].reverse()) {
    params = { ...params, ...layer.params };
    for (const [id, s] of Object.entries(layer.rules ?? {})) rules.set(id, s);
    for (const r of layer.customRules ?? []) {
      if (custom.has(r.meta.id)) throw new InputError(`custom rule '${r.meta.id}' is already defined by a pack this one extends (${custom.get(r.meta.id)!.meta.source})`);
      custom.set(r.meta.id, r);
    }
  }
  for (const layer of layers) {
    for (const s of layer.customSettings ?? []) {
      if (!custom.has(s.id)) {
        const guess = closest(s.id, [...custom.keys()]);
        throw new InputError(`unknown rule '${s.id}'${guess ? ` (did you mean '${guess}'?)` : ''}: neither a built-in rule nor a custom rule of this pack`, s.location);
      }
    }
  }
  return { name: layers[0]!.name, chain: layers.map((l) => l.name), params: params as unknown as Params, rules, customRules: [...custom.values()] };
}

/** `policy.params` of the topology merged key by key over the pack's (SPEC §3.7). */
export const withParams = (pack: Pack, overrides: Readonly<Record<string, unknown>>): Pack => ({
  ...pack,
  params: { ...pack.params, ...overrides } as Params,
});

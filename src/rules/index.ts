// The rule registry. The engine knows nothing about any specific rule; adding a family is one line here.
import { InputError } from '../errors.ts';
import type { RuleDescriptor } from '../domain/rule.ts';
import type { AnyRule, Rule } from './rule.ts';
import { rules as topology } from './topology/index.ts';
import { rules as lb } from './lb/index.ts';
import { rules as cert } from './cert/index.ts';
import { rules as broker } from './broker/index.ts';
import { rules as client } from './client/index.ts';
import { rules as gateway } from './gateway/index.ts';
import { rules as trust } from './trust/index.ts';
import { rules as rollover } from './rollover/index.ts';
import { rules as policy } from './policy/index.ts';
import { rules as live } from './live/index.ts';

export const ALL_RULES: readonly AnyRule[] = [...topology, ...lb, ...cert, ...broker, ...client, ...gateway, ...trust, ...rollover, ...policy, ...live];

export const RULES_BY_ID: ReadonlyMap<string, AnyRule> = new Map(ALL_RULES.map((r) => [r.meta.id, r]));

/**
 * The rules one run evaluates: the built-ins, then a pack's custom rules (ADR 0080). Everything
 * downstream — waivers, baselines, --fail-on, `rules`, `explain`, the report's descriptors, SARIF —
 * reads a rule set, so a custom rule is treated exactly like a built-in.
 */
export interface RuleSet {
  readonly rules: readonly AnyRule[];
  readonly byId: ReadonlyMap<string, AnyRule>;
  /** The rules' metadata, in order: what the report carries for the renderers. */
  readonly descriptors: readonly RuleDescriptor[];
}

/** The built-ins plus `custom` (each a model- or waivers-phase rule); a custom id may not repeat any other. */
export function ruleSet(custom: readonly Rule[] = []): RuleSet {
  const byId = new Map(RULES_BY_ID);
  for (const r of custom) {
    if (byId.has(r.meta.id)) throw new InputError(`rule '${r.meta.id}' is defined twice (a custom rule cannot reuse the id of another rule)`);
    byId.set(r.meta.id, r);
  }
  const rules = custom.length === 0 ? ALL_RULES : [...ALL_RULES, ...custom];
  return { rules, byId, descriptors: rules.map((r) => r.meta) };
}

export const BUILTIN_RULES: RuleSet = ruleSet();

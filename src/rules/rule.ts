import type { Model } from '../model/types.ts';
import type { Location } from '../topology/model.ts';
import type { Cause, RelatedLocation } from '../report/types.ts';
import { printable } from '../printable.ts';

export type Severity = 'error' | 'warning' | 'info';
export const SEVERITIES: readonly Severity[] = ['error', 'warning', 'info'];

export interface RuleMeta {
  /** Fixed by the spec, `family/name`. */
  readonly id: string;
  readonly severity: Severity;
  /** One line: what the rule wants to be true. */
  readonly title: string;
  /** Why, citing the design: which seed, which section. */
  readonly rationale: string;
  /** The seed document and section the rule comes from, e.g. "seed 000 Q1, Q12". */
  readonly source: string;
  /** What to do about a finding. */
  readonly remedy: string;
  /** Message templates by id; `{{name}}` is filled from the violation's data. */
  readonly messages: Readonly<Record<string, string>>;
  /** Runs only in `rc-policy audit`. */
  readonly live?: boolean;
}

/** One thing wrong, as a rule sees it. The engine turns it into a Finding. */
export interface Violation {
  readonly target: string;
  readonly messageId: string;
  readonly data?: Readonly<Record<string, string | number | undefined>>;
  readonly location: Location;
  /** For rules with two levels (broker/incomplete-chain): overrides the rule's default severity. */
  readonly severity?: Severity;
  /**
   * The findings that already name the cause of this one (ADR 0120). When every one of them is
   * raised, this is listed as not evaluated because of them instead of as a finding of its own;
   * when one is not (its rule is off), it stays a finding: nothing is dropped.
   */
  readonly because?: readonly Cause[];
  /** Other places the violation is about (both declarations of a duplicate id). */
  readonly related?: readonly RelatedLocation[];
}

export interface Rule {
  readonly meta: RuleMeta;
  /** Whether the rule has anything to evaluate in this model (zlint's CheckApplies). Default: yes. */
  applies?(model: Model): boolean;
  /** Pure: reads the model, returns what is wrong. */
  check(model: Model): Iterable<Violation>;
}

export const defineRule = (rule: Rule): Rule => rule;

export function formatMessage(template: string, data: Violation['data']): string {
  return template.replace(/\{\{\s*(\w+)\s*\}\}/g, (_, key: string) => {
    const v = data?.[key];
    // Values come from the input (certificate names, file names): never let them break the line.
    return v === undefined ? `{{${key}}}` : printable(String(v));
  });
}

import type { Model } from '../model/types.ts';
import type { Severity, Violation } from '../domain/finding.ts';
import type { RuleDescriptor } from '../domain/rule.ts';
import { printable } from '../printable.ts';

export type { Severity, Violation };
export { SEVERITIES } from '../domain/finding.ts';

/** A rule's metadata: its descriptor (src/domain/rule.ts), next to its check in the rule's file. */
export type RuleMeta = RuleDescriptor;

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


import type { Model } from '../model/types.ts';
import type { Severity, Violation } from '../domain/finding.ts';
import type { RuleDescriptor } from '../domain/rule.ts';
import type { SchemaViolation } from '../topology/schema.ts';
import { printable } from '../printable.ts';

export type { Severity, Violation };
export { SEVERITIES } from '../domain/finding.ts';

/** A rule's metadata: its descriptor (src/domain/rule.ts), next to its check in the rule's file. */
export type RuleMeta = RuleDescriptor;

/** A rule of the `model` or `waivers` phase (every rule but topology/schema, and every custom rule). */
export interface Rule {
  readonly meta: RuleMeta;
  /** Whether the rule has anything to evaluate in this model (zlint's CheckApplies). Default: yes. */
  applies?(model: Model): boolean;
  /** Pure: reads the model, returns what is wrong. */
  check(model: Model): Iterable<Violation>;
}

/** What a `document`-phase rule reads: the loaded file and what its schema said about it. */
export interface DocumentInput {
  /** The parsed file (untyped: it may have failed the schema). */
  readonly data: unknown;
  /** The schema's violations; empty when the file passed. */
  readonly violations: readonly SchemaViolation[];
  /** The file's base name: the target of a finding about a file that names nothing. */
  readonly file: string;
}

/** A rule of the `document` phase: it reads the file before it is typed, so it runs even when the file fails the schema. */
export interface DocumentRule {
  readonly meta: RuleMeta & { readonly phase: 'document' };
  check(input: DocumentInput): Iterable<Violation>;
}

export type AnyRule = Rule | DocumentRule;

export const defineRule = (rule: Rule): Rule => rule;
export const defineDocumentRule = (rule: DocumentRule): DocumentRule => rule;
export const isDocumentRule = (rule: AnyRule): rule is DocumentRule => rule.meta.phase === 'document';

export function formatMessage(template: string, data: Violation['data']): string {
  return template.replace(/\{\{\s*(\w+)\s*\}\}/g, (_, key: string) => {
    const v = data?.[key];
    // Values come from the input (certificate names, file names): never let them break the line.
    return v === undefined ? `{{${key}}}` : printable(String(v));
  });
}


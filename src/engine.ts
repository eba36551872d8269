// Runs the rules of a pack over the model and turns their violations into sorted findings.
// It knows nothing about any specific rule.
import type { Model } from './model/types.ts';
import type { Pack, RuleSetting } from './policy/packs.ts';
import type { Finding } from './domain/finding.ts';
import type { RuleRun } from './domain/rule.ts';
import { printable } from './printable.ts';
import { formatMessage, type Rule } from './rules/rule.ts';
import type { Severity, Violation } from './domain/finding.ts';

export class RuleError extends Error {
  constructor(ruleId: string, cause: unknown) {
    super(`rule ${ruleId} failed: ${cause instanceof Error ? cause.message : String(cause)}`, { cause });
    this.name = 'RuleError';
  }
}

/** The severity a finding gets: the pack's setting wins; otherwise the violation's own, then the rule's. */
export function severityOf(rule: Rule, setting: RuleSetting | undefined, v: Violation): Severity | 'off' {
  return setting ?? v.severity ?? rule.meta.severity;
}

export function toFinding(rule: Rule, v: Violation, severity: Severity): Finding {
  const template = rule.meta.messages[v.messageId];
  if (template === undefined) throw new RuleError(rule.meta.id, new Error(`unknown message id '${v.messageId}'`));
  return { rule: rule.meta.id, severity, target: printable(v.target, 600), message: formatMessage(template, v.data), location: v.location, waived: false };
}

/** `record`, when given, learns how each rule fared (ran, not-applicable, off, audit-only). */
export function runRules(model: Model, rules: readonly Rule[], pack: Pack, record?: Map<string, RuleRun['status']>): Finding[] {
  const findings: Finding[] = [];
  for (const rule of rules) {
    const setting = pack.rules.get(rule.meta.id);
    const status = (s: RuleRun['status']) => record?.set(rule.meta.id, s);
    if (setting === 'off') {
      status('off');
      continue;
    }
    if (rule.meta.live && model.mode !== 'audit') {
      status('audit-only');
      continue;
    }
    try {
      if (rule.applies && !rule.applies(model)) {
        status('not-applicable');
        continue;
      }
      status('ran');
      for (const v of rule.check(model)) {
        const severity = severityOf(rule, setting, v);
        if (severity !== 'off') findings.push(toFinding(rule, v, severity));
      }
    } catch (err) {
      if (err instanceof RuleError) throw err;
      throw new RuleError(rule.meta.id, err);
    }
  }
  return sortFindings(findings);
}

const RANK: Record<Severity, number> = { error: 0, warning: 1, info: 2 };

/** Most severe first, then by position in the file, so output is stable across runs. */
export function sortFindings(findings: Finding[]): Finding[] {
  return findings.sort(
    (a, b) =>
      RANK[a.severity] - RANK[b.severity] ||
      a.location.file.localeCompare(b.location.file) ||
      a.location.line - b.location.line ||
      a.location.column - b.location.column ||
      a.rule.localeCompare(b.rule) ||
      a.target.localeCompare(b.target) ||
      a.message.localeCompare(b.message),
  );
}

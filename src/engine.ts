// Runs the rules of a pack over the model and turns their violations into sorted findings.
// It knows nothing about any specific rule.
import type { Model } from './model/types.ts';
import type { Pack, RuleSetting } from './policy/packs.ts';
import type { Cause, DependentCheck, Finding } from './domain/finding.ts';
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

/** A finding as the engine hands it on: `because` is settled by resolveDependents, then dropped. */
export type RawFinding = Finding & { readonly because?: readonly Cause[] };

export function toFinding(rule: Rule, v: Violation, severity: Severity): RawFinding {
  const template = rule.meta.messages[v.messageId];
  if (template === undefined) throw new RuleError(rule.meta.id, new Error(`unknown message id '${v.messageId}'`));
  return {
    rule: rule.meta.id,
    severity,
    target: printable(v.target, 600),
    message: formatMessage(template, v.data),
    location: v.location,
    waived: false,
    remedy: rule.meta.remedy,
    ...(v.related?.length && { related: v.related }),
    ...(v.because?.length && { because: v.because.map((c) => ({ rule: c.rule, target: printable(c.target, 600) })) }),
  };
}

/**
 * One cause, one finding (ADR 0120): a finding that names the findings it follows from becomes a
 * dependent check when all of them are raised; otherwise it stays a finding, so switching the
 * cause's rule off never hides the consequence.
 */
export function resolveDependents(raw: readonly RawFinding[]): { findings: Finding[]; notEvaluated: DependentCheck[] } {
  const raised = new Set(raw.filter((f) => !f.because).map(findingKey));
  const findings: Finding[] = [];
  const notEvaluated: DependentCheck[] = [];
  for (const { because, ...f } of raw) {
    if (because && because.every((c) => raised.has(findingKey(c)))) {
      notEvaluated.push({ rule: f.rule, target: f.target, message: f.message, location: f.location, because });
    } else findings.push(f);
  }
  notEvaluated.sort((a, b) => a.location.file.localeCompare(b.location.file) || a.location.line - b.location.line || a.rule.localeCompare(b.rule) || a.target.localeCompare(b.target));
  return { findings, notEvaluated };
}

const findingKey = (f: { rule: string; target: string }): string => `${f.rule}\t${f.target}`;

/** `record`, when given, learns how each rule fared (ran, not-applicable, off, audit-only). */
export function runRules(model: Model, rules: readonly Rule[], pack: Pack, record?: Map<string, RuleRun['status']>): RawFinding[] {
  const findings: RawFinding[] = [];
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
export function sortFindings<F extends Finding>(findings: F[]): F[] {
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

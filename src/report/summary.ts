import type { DependentCheck, Finding } from '../domain/finding.ts';
import type { Summary } from '../domain/report.ts';
import type { Severity } from '../domain/finding.ts';

export function summarise(findings: readonly Finding[]): Summary {
  const s = { error: 0, warning: 0, info: 0, waived: 0 };
  for (const f of findings) {
    if (f.waived) s.waived++;
    else s[f.severity]++;
  }
  return s;
}

/**
 * The summary of a report rebuilt from its parts (a shard's scope, a merge of shards): the counts,
 * the baseline's existing findings when a baseline was compared, and the checks waiting on a cause.
 */
export function summaryOf(findings: readonly Finding[], notEvaluated: readonly DependentCheck[] | undefined, withBaseline: boolean): Summary {
  return {
    ...summarise(findings),
    ...(withBaseline && { baseline: findings.filter((f) => f.baseline && !f.waived).length }),
    ...(notEvaluated?.length && { notEvaluated: notEvaluated.length }),
  };
}

export type FailOn = Severity | 'never';

const RANK: Record<Severity, number> = { error: 0, warning: 1, info: 2 };

/** Whether a finding fails the run at this threshold: unwaived, not in the baseline, and at or above it. */
export const isFailing = (f: Finding, failOn: FailOn): boolean => failOn !== 'never' && !f.waived && !f.baseline && RANK[f.severity] <= RANK[failOn];

export const fails = (findings: readonly Finding[], failOn: FailOn): boolean => findings.some((f) => isFailing(f, failOn));

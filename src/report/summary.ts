import type { Finding } from '../domain/finding.ts';
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

export type FailOn = Severity | 'never';

const RANK: Record<Severity, number> = { error: 0, warning: 1, info: 2 };

/** Whether a finding fails the run at this threshold: unwaived, not in the baseline, and at or above it. */
export const isFailing = (f: Finding, failOn: FailOn): boolean => failOn !== 'never' && !f.waived && !f.baseline && RANK[f.severity] <= RANK[failOn];

export const fails = (findings: readonly Finding[], failOn: FailOn): boolean => findings.some((f) => isFailing(f, failOn));

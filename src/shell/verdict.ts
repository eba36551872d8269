// What a run's report means for the process or the step, decided once for both shells (ADR 0081).
import type { NotEvaluated, Report } from '../domain/report.ts';
import { isFailing, type FailOn } from '../report/summary.ts';
import { incompleteVerdict, openGaps } from '../report/incomplete.ts';

export interface Verdict {
  /** pass; fail: findings at or above --fail-on; error: an audit could not evaluate part of the estate. */
  readonly result: 'pass' | 'fail' | 'error';
  /** The CLI's exit code: 0, 1, or 2 for an incomplete audit whatever --fail-on says (ADR 0070). */
  readonly exitCode: 0 | 1 | 2;
  /** Findings that fail the run at --fail-on (unwaived, not in the baseline). */
  readonly failing: number;
  /** What the audit could not evaluate and no waiver accepts. */
  readonly gaps: readonly NotEvaluated[];
  /** One line for stderr or the step's failure, when there are gaps. */
  readonly incomplete?: string;
}

export function verdictOf(report: Report, failOn: FailOn): Verdict {
  const failing = report.findings.filter((f) => isFailing(f, failOn)).length;
  const gaps = openGaps(report);
  if (gaps.length > 0) return { result: 'error', exitCode: 2, failing, gaps, incomplete: incompleteVerdict(gaps) };
  return failing > 0 ? { result: 'fail', exitCode: 1, failing, gaps } : { result: 'pass', exitCode: 0, failing, gaps };
}

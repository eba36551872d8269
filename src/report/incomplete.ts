// An audit that could not evaluate part of the estate (ADR 0070): the helpers every output shares,
// so the CLI, the Action and each format agree on what "incomplete" means and how it reads.
import type { NotEvaluated, Report } from '../domain/report.ts';

/** The gaps that make the run "could not evaluate" (exit 2): not evaluated and not waived. */
export const openGaps = (report: Report): NotEvaluated[] => (report.incomplete ?? []).filter((g) => !g.waived);

/** The distinct targets of some gaps, for one line: "broker-in-4, crlb and 3 more". */
export function gapTargets(gaps: readonly NotEvaluated[], max = 5): string {
  const targets = [...new Set(gaps.map((g) => g.target))];
  const shown = targets.slice(0, max).join(', ');
  return targets.length > max ? `${shown} and ${targets.length - max} more` : shown;
}

/** "could not evaluate 2 objects (broker-in-4, crlb)": the one-line verdict of an incomplete audit. */
export function incompleteVerdict(gaps: readonly NotEvaluated[]): string {
  const n = new Set(gaps.map((g) => g.target)).size;
  return `the audit is incomplete: could not evaluate ${n} object${n === 1 ? '' : 's'} (${gapTargets(gaps)})`;
}

/** One gap as a line: what could not be read, and why. */
export const describeGap = (g: NotEvaluated): string => `${g.target}: ${g.source}: ${g.reason}`;

import { formatLocation } from '../errors.ts';
import type { Severity } from '../domain/finding.ts';
import type { Finding } from '../domain/finding.ts';
import type { Report } from '../domain/report.ts';
import { renderMatrix } from './matrix-text.ts';
import { AUDIT_MATRIX_NOTE } from './matrix-state.ts';
import { describeGap, incompleteVerdict, openGaps } from './incomplete.ts';
import { describeDependents, groupFindings, summaryCounts } from './grouping.ts';
import { probedText } from './probed.ts';
import { causeText, scopeLine } from './scope.ts';

export interface TextOptions {
  readonly color: boolean;
  /** Show only findings that fail the run (with --quiet). */
  readonly only?: (f: Finding) => boolean;
}

const CODES = { red: [31, 39], yellow: [33, 39], blue: [34, 39], gray: [90, 39], bold: [1, 22], green: [32, 39] } as const;
type Style = keyof typeof CODES;

const SEVERITY_STYLE: Record<Severity, Style> = { error: 'red', warning: 'yellow', info: 'blue' };

const plural = (n: number, word: string): string => `${n} ${word}${n === 1 ? '' : 's'}`;

/**
 * Human report: findings grouped by object, root causes first, each with its remedy and the
 * checks that wait on it (ADR 0121); then the matrix and one verdict line.
 */
export function renderText(report: Report, options: TextOptions): string {
  const paint = (style: Style, s: string): string => (options.color ? `\x1b[${CODES[style][0]}m${s}\x1b[${CODES[style][1]}m` : s);
  const shown = options.only ? report.findings.filter(options.only) : report.findings;
  const { groups, orphans } = groupFindings(report, shown);
  const lines: string[] = [];
  for (const group of groups) {
    lines.push(paint('bold', group.target));
    for (const { finding: f, dependents } of group.entries) {
      const sev = f.waived ? paint('gray', 'waived ') : paint(SEVERITY_STYLE[f.severity], f.severity.padEnd(7));
      const existing = f.baseline ? paint('gray', '  (existing: in the baseline)') : '';
      lines.push(`  ${paint('gray', formatLocation(f.location))}  ${sev}  ${f.message}  ${paint('gray', f.rule)}${existing}`);
      for (const r of f.related ?? []) lines.push(paint('gray', `      also: ${formatLocation(r.location)}  ${r.message}`));
      const explain = `rc-policy explain ${f.rule}`;
      lines.push(paint('gray', `      fix: ${f.remedy ? `${f.remedy}  (${explain})` : explain}`));
      // --quiet shows what fails the run; the checks that wait on it are in the full report.
      if (dependents.length > 0 && !options.only) {
        lines.push(`      ${paint('yellow', `↳ ${plural(dependents.length, 'check')} not evaluated because of this:`)} ${describeDependents(dependents)}`);
      }
    }
    lines.push('');
  }
  if (orphans.length > 0 && !options.only) {
    lines.push(paint('bold', 'Not evaluated because of another finding:'));
    for (const d of orphans) {
      const because = d.because.map((c) => causeText(report, c)).join(', ');
      lines.push(`  ${paint('gray', formatLocation(d.location))}  ${d.rule} on ${d.target}: because of ${because}`);
    }
    lines.push('');
  }
  if (report.matrix && !options.only) {
    const matrix = renderMatrix(report.matrix, paint, report.matrixSummary);
    if (matrix.length > 0) lines.push(...matrix, ...(report.mode === 'audit' ? [paint('gray', `  ${AUDIT_MATRIX_NOTE}`)] : []), '');
  }
  if (report.observations && !options.only) lines.push(...probedText(report.observations, (t) => paint('bold', t)));
  // An audit's gaps come last but one, right above the verdict: they are why it cannot pass.
  if (report.incomplete?.length) {
    lines.push(paint('bold', 'Not evaluated (the audit could not read these):'));
    for (const g of report.incomplete) {
      const state = g.waived ? paint('gray', 'waived ') : paint('red', 'gap    ');
      lines.push(`  ${paint('gray', formatLocation(g.location))}  ${state}  ${describeGap(g)}`);
    }
    lines.push('');
  }
  const s = report.summary;
  const counts = summaryCounts(report);
  const gaps = openGaps(report);
  const headline = s.error > 0 || gaps.length > 0 ? paint('red', '✖') : s.warning > 0 ? paint('yellow', '⚠') : paint('green', '✔');
  const scope = scopeLine(report);
  if (scope) lines.push(paint('gray', scope[0]!.toUpperCase() + scope.slice(1)));
  lines.push(`${headline} ${report.topology}: ${counts} (policy ${report.policy.pack}, evaluated at ${report.evaluatedAt})`);
  if (gaps.length > 0) lines.push(`${paint('red', '✖')} ${incompleteVerdict(gaps)}`);
  return `${lines.join('\n')}\n`;
}

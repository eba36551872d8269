import { formatLocation } from '../errors.ts';
import type { Severity } from '../domain/finding.ts';
import type { Finding } from '../domain/finding.ts';
import type { Report } from '../domain/report.ts';
import { renderMatrix } from './matrix-text.ts';
import { describeGap, incompleteVerdict, openGaps } from './incomplete.ts';

export interface TextOptions {
  readonly color: boolean;
  /** Show only findings that fail the run (with --quiet). */
  readonly only?: (f: Finding) => boolean;
}

const CODES = { red: [31, 39], yellow: [33, 39], blue: [34, 39], gray: [90, 39], bold: [1, 22], green: [32, 39] } as const;
type Style = keyof typeof CODES;

const SEVERITY_STYLE: Record<Severity, Style> = { error: 'red', warning: 'yellow', info: 'blue' };

const plural = (n: number, word: string): string => `${n} ${word}${n === 1 ? '' : 's'}`;

/** Human report: findings grouped by target, one summary line (like ESLint's stylish). */
export function renderText(report: Report, options: TextOptions): string {
  const paint = (style: Style, s: string): string => (options.color ? `\x1b[${CODES[style][0]}m${s}\x1b[${CODES[style][1]}m` : s);
  const shown = options.only ? report.findings.filter(options.only) : report.findings;
  const byTarget = new Map<string, Finding[]>();
  for (const f of shown) {
    const list = byTarget.get(f.target);
    if (list) list.push(f);
    else byTarget.set(f.target, [f]);
  }
  const lines: string[] = [];
  for (const [target, findings] of byTarget) {
    lines.push(paint('bold', target));
    for (const f of findings) {
      const sev = f.waived ? paint('gray', 'waived ') : paint(SEVERITY_STYLE[f.severity], f.severity.padEnd(7));
      const existing = f.baseline ? paint('gray', '  (existing: in the baseline)') : '';
      lines.push(`  ${paint('gray', formatLocation(f.location))}  ${sev}  ${f.message}  ${paint('gray', f.rule)}${existing}`);
    }
    lines.push('');
  }
  if (report.matrix && !options.only) {
    const matrix = renderMatrix(report.matrix, paint, report.matrixSummary);
    if (matrix.length > 0) lines.push(...matrix, '');
  }
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
  const counts = `${plural(s.error, 'error')}, ${plural(s.warning, 'warning')}, ${s.info} info${s.waived ? `, ${s.waived} waived` : ''}${s.baseline ? `, ${s.baseline} existing` : ''}`;
  const gaps = openGaps(report);
  const headline = s.error > 0 || gaps.length > 0 ? paint('red', '✖') : s.warning > 0 ? paint('yellow', '⚠') : paint('green', '✔');
  lines.push(`${headline} ${report.topology}: ${counts} (policy ${report.policy.pack}, evaluated at ${report.evaluatedAt})`);
  if (gaps.length > 0) lines.push(`${paint('red', '✖')} ${incompleteVerdict(gaps)}`);
  return `${lines.join('\n')}\n`;
}

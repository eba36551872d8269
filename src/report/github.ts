// GitHub workflow commands: one annotation per finding on its topology line (docs/decisions/0032).
// Messages carry text from untrusted files (certificate names, waiver reasons), so every value is
// escaped the way @actions/core does it: a newline can never start a command of its own.
import type { Severity } from '../domain/finding.ts';
import type { RenderContext } from './formats.ts';
import type { Finding } from '../domain/finding.ts';
import type { Report } from '../domain/report.ts';
import { describeGap, incompleteVerdict, openGaps } from './incomplete.ts';
import { fails } from './summary.ts';

/** GitHub shows at most 10 annotations of each type per step; the rest would be dropped silently. */
export const ANNOTATION_LIMIT = 10;

const COMMAND: Record<Severity, 'error' | 'warning' | 'notice'> = { error: 'error', warning: 'warning', info: 'notice' };
const RANK: Record<Severity, number> = { error: 0, warning: 1, info: 2 };

export const escapeData = (s: string): string => s.replace(/%/g, '%25').replace(/\r/g, '%0D').replace(/\n/g, '%0A');
export const escapeProperty = (s: string): string => escapeData(s).replace(/:/g, '%3A').replace(/,/g, '%2C');

export function annotation(f: Finding): string {
  const props = [
    `file=${escapeProperty(f.location.file)}`,
    `line=${f.location.line}`,
    `col=${f.location.column}`,
    `title=${escapeProperty(`${f.rule} (${f.target})`)}`,
  ].join(',');
  return `::${COMMAND[f.severity]} ${props}::${escapeData(f.message)}`;
}

const plural = (n: number, w: string) => `${n} ${w}${n === 1 ? '' : 's'}`;

/** Annotation slots the step's own lines take: its failure message (an error, or a warning under soft-fail). */
export interface Reserved {
  readonly error?: number;
  readonly warning?: number;
}

/**
 * Annotations for the findings a reviewer should act on — unwaived and not in the baseline — most
 * severe first, at most 10 per type; whatever is left out is counted in one closing notice. A
 * failing step adds a failure line of its own (the Action's message, or the runner's "Process
 * completed with exit code 1"), which would be the 11th error and dropped: by default one error slot
 * is kept for it when the report fails; the Action says exactly what it reserves.
 */
export function renderGithub(report: Report, ctx?: RenderContext, reserved?: Reserved): string {
  const open = report.findings.filter((f) => !f.waived && !f.baseline).sort((a, b) => RANK[a.severity] - RANK[b.severity]);
  const quiet = report.findings.length - open.length;
  const bySeverity = (s: Severity) => open.filter((f) => f.severity === s);
  // An incomplete audit says so first, in one error of its own (ADR 0070); it takes one error slot.
  const gaps = openGaps(report);
  const failing = gaps.length > 0 || fails(report.findings, ctx?.failOn ?? 'error');
  const keep = { error: reserved?.error ?? (failing ? 1 : 0), warning: reserved?.warning ?? 0 };
  const errorSlots = ANNOTATION_LIMIT - keep.error - (gaps.length ? 1 : 0);
  const warningSlots = ANNOTATION_LIMIT - keep.warning;
  const over = (['error', 'warning', 'info'] as const).map((s) => Math.max(0, bySeverity(s).length - (s === 'error' ? errorSlots : s === 'warning' ? warningSlots : ANNOTATION_LIMIT)));
  const needsNotice = over.some((n) => n > 0) || quiet > 0;
  const limit: Record<Severity, number> = { error: errorSlots, warning: warningSlots, info: ANNOTATION_LIMIT - (needsNotice ? 1 : 0) };
  const shown: string[] = [];
  if (gaps.length) {
    const why = gaps.slice(0, 5).map(describeGap).join('; ');
    shown.push(`::error title=${escapeProperty('rc-policy: audit incomplete')}::${escapeData(`${incompleteVerdict(gaps)}. ${why}${gaps.length > 5 ? '; …' : ''}`)}`);
  }
  let left = { error: 0, warning: 0, info: 0 };
  for (const s of ['error', 'warning', 'info'] as const) {
    const list = bySeverity(s);
    shown.push(...list.slice(0, limit[s]).map(annotation));
    left = { ...left, [s]: Math.max(0, list.length - limit[s]) };
  }
  if (needsNotice) {
    const parts: string[] = [];
    const more = left.error + left.warning + left.info;
    if (more > 0) {
      const kinds = [left.error && plural(left.error, 'error'), left.warning && plural(left.warning, 'warning'), left.info && `${left.info} info`].filter(Boolean).join(', ');
      parts.push(`${more} more not annotated (GitHub shows ${ANNOTATION_LIMIT} per type): ${kinds}`);
    }
    const waived = report.findings.filter((f) => f.waived).length;
    const existing = report.findings.filter((f) => f.baseline && !f.waived).length;
    if (waived) parts.push(`${waived} waived`);
    if (existing) parts.push(`${existing} existing (in the baseline)`);
    shown.push(`::notice title=${escapeProperty('rc-policy: more findings')}::${escapeData(`${parts.join('; ')}. All findings are in the job summary and the SARIF/JSON reports.`)}`);
  }
  return shown.length ? `${shown.join('\n')}\n` : '';
}

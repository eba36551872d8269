// Markdown for a GitHub job summary (or a PR comment, or an issue): the verdict, a findings table,
// the handshake matrix, a Mermaid picture of the topology coloured by status, and a Mermaid gantt
// of certificate validity and the rollover. Everything from the estate's files is escaped: the
// summary is rendered as HTML by GitHub, so a certificate name must never become markup.
import { formatLocation } from '../errors.ts';
import { ruleHelpUri } from '../package.ts';
import type { Severity } from '../domain/finding.ts';
import type { RenderContext } from './context.ts';
import { statusByObject, topologyFlowchart, validityGantt } from './mermaid.ts';
import type { Finding } from '../domain/finding.ts';
import type { MatrixPair, MatrixSummary, Report } from '../domain/report.ts';
import { rulesConcerning } from './descriptors.ts';
import { AUDIT_MATRIX_NOTE, brokenPaths, isUndecided, matrixCounts } from './matrix-state.ts';
import { incompleteVerdict, openGaps } from './incomplete.ts';
import { describeDependents, groupFindings, summaryCounts } from './grouping.ts';
import { probedMarkdown } from './probed.ts';
import { causeText, otherShards, scopeLine } from './scope.ts';

export const MAX_FINDING_ROWS = 200;
export const MAX_MATRIX_COLUMNS = 10;
export const MAX_MATRIX_ROWS = 30;
export const MAX_PAIR_ROWS = 100;

/** Text safe in Markdown and in a table cell: HTML-escaped, Markdown punctuation backslashed, one line. */
export function md(s: string): string {
  return s
    .slice(0, 2000)
    .replace(/[\u0000-\u001F\u007F]+/g, ' ')
    .replace(/([\\`*_{}[\]()#+!|~])/g, '\\$1')
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/@/g, '&#64;');
}

/** Untrusted text as a code span: nothing inside is markup, so only backticks, newlines and table pipes matter. */
export const code = (s: string): string => `\`${s.slice(0, 500).replace(/[\u0000-\u001F\u007F`]+/g, ' ').replace(/\|/g, '\\|')}\``;

const ICON: Record<Severity, string> = { error: '🟥', warning: '🟨', info: '🟦' };
const plural = (n: number, w: string) => `${n} ${w}${n === 1 ? '' : 's'}`;

export function renderMarkdown(report: Report, ctx: RenderContext): string {
  const failed = report.findings.some(ctx.failing);
  const gaps = openGaps(report);
  const s = report.summary;
  const out: string[] = [];
  const name = report.estate?.name ?? report.topology;
  const verdict = gaps.length > 0 ? '⛔ rc-policy %s — incomplete' : failed ? '❌ rc-policy %s — fail' : '✅ rc-policy %s — pass';
  out.push(`## ${verdict.replace('%s', `${report.mode}: ${md(name)}`)}`, '');
  out.push(`**${md(summaryCounts(report))}** · fails on: ${ctx.failOn} · policy ${code(report.policy.pack)} · ${code(report.topology)} · evaluated at ${report.evaluatedAt}`, '');
  const scope = scopeLine(report);
  if (scope) out.push(`*${md(scope[0]!.toUpperCase() + scope.slice(1))}.*`, '');
  if (report.incomplete?.length) out.push(...incompleteSection(report, ctx));
  out.push(...findingsSection(report, ctx));
  if (report.matrix) out.push(...matrixSection(report.matrix, report.matrixSummary, report.mode));
  if (report.observations) out.push(...probedMarkdown(report.observations, { md, code }));
  if (report.estate) {
    const status = statusByObject(report.findings);
    const elsewhere = otherShards(report);
    const flow = topologyFlowchart(report.estate, status, elsewhere);
    out.push('### Topology', '', '```mermaid', flow.mermaid.trimEnd(), '```', '');
    out.push(`🟥 error · 🟨 warning · 🟦 info · 🟩 no findings${elsewhere.size ? " · uncoloured: another region's shard reports it" : ''}${flow.omitted ? ` · ${flow.omitted} more objects not drawn (the picture keeps every load balancer and gateway, then the worst first)` : ''}`, '');
    if (report.estate.certificates.length) {
      const gantt = validityGantt(report.estate, report.findings, report.evaluatedAt, rulesConcerning(report, 'validity'));
      out.push('### Certificate validity', '', '```mermaid', gantt.mermaid.trimEnd(), '```', '');
      out.push(`Red bars: expired, not yet valid, or flagged by a date rule at this evaluation time.${gantt.omitted ? ` ${gantt.omitted} later-expiring certificates not drawn.` : ''}`, '');
    }
  }
  if (report.waivers?.length) out.push(...waiverSection(report));
  if (report.baseline) {
    out.push('### Baseline', '', `Compared with ${code(report.baseline.file)}: ${report.baseline.existing} existing findings do not fail the run; ${report.baseline.fixed} baseline findings are fixed.`, '');
  }
  if (report.rules) {
    const count = (st: string) => report.rules!.filter((r) => r.status === st).length;
    out.push(`<sub>${count('ran')} rules ran, ${count('not-applicable')} did not apply, ${count('off')} off, ${count('audit-only')} audit-only · rc-policy ${md(report.tool.version)}</sub>`, '');
  }
  return `${out.join('\n')}\n`;
}

function location(f: Pick<Finding, 'location'>, ctx: RenderContext): string {
  const text = code(formatLocation(f.location));
  const file = f.location.file;
  if (!ctx.links || file.startsWith('/') || file.startsWith('..')) return text;
  return `[${text}](${ctx.links.base}${file.split('/').map(encodeURIComponent).join('/')}#L${f.location.line})`;
}

/** Findings by object, root causes first; under a cause, what waits on it; each with its fix (ADR 0121). */
function findingsSection(report: Report, ctx: RenderContext): string[] {
  if (report.findings.length === 0) return ['No findings.', ''];
  const { groups, orphans } = groupFindings(report, report.findings);
  const rows: string[] = [];
  let shown = 0;
  for (const { entries } of groups) {
    for (const { finding: f, dependents } of entries) {
      if (shown++ >= MAX_FINDING_ROWS) break;
      const state = f.waived
        ? `💤 waived until ${md(f.waiver?.expires ?? '?')}: ${md(f.waiver?.reason ?? '')}`
        : f.baseline
          ? 'existing (baseline)'
          : ctx.failing(f)
            ? '**fails**'
            : '';
      const also = (f.related ?? []).map((r) => `<br/>also ${location(r, ctx)}: ${md(r.message)}`).join('');
      const fix = `${f.remedy ? `${md(f.remedy)} ` : ''}${code(`rc-policy explain ${f.rule}`)}`;
      rows.push(`| ${ICON[f.severity]} ${f.severity} | [${md(f.rule)}](${ruleHelpUri(f.rule)}) | ${md(f.target)} | ${md(f.message)}${also} | ${location(f, ctx)} | ${state} | ${fix} |`);
      if (dependents.length > 0) {
        rows.push(`| ↳ | not evaluated | ${md(f.target)} | ${plural(dependents.length, 'check')} wait on this finding: ${md(describeDependents(dependents))} | | | |`);
      }
    }
  }
  const more = report.findings.length - Math.min(shown, MAX_FINDING_ROWS);
  const orphanLines = orphans.map((d) => `- ${md(d.rule)} on ${md(d.target)}: not evaluated because of ${d.because.map((c) => md(causeText(report, c))).join(', ')}`);
  return [
    '### Findings',
    '',
    'Grouped by object; a finding other checks wait on comes first.',
    '',
    '| Severity | Rule | Target | Message | Location | | Fix |',
    '| --- | --- | --- | --- | --- | --- | --- |',
    ...rows,
    '',
    ...(more > 0 ? [`… and ${more} more findings: see the JSON or SARIF report.`, ''] : []),
    ...(orphanLines.length > 0 ? ['Not evaluated because of a finding not shown here:', '', ...orphanLines, ''] : []),
  ];
}

/** What the audit could not read: first, because it is why the run cannot pass (ADR 0070). */
function incompleteSection(report: Report, ctx: RenderContext): string[] {
  const gaps = report.incomplete!;
  const open = openGaps(report);
  const rows = gaps.slice(0, MAX_FINDING_ROWS).map((g) => {
    const state = g.waived ? '💤 waived (live/unreachable)' : '**not evaluated**';
    return `| ${md(g.target)} | ${code(g.source)} | ${md(g.reason)} | ${location(g, ctx)} | ${state} |`;
  });
  return [
    '### Not evaluated',
    '',
    open.length > 0
      ? `⛔ ${md(incompleteVerdict(open))}. Nothing below vouches for ${open.length === 1 ? 'it' : 'them'}; a partial audit never passes.`
      : 'Every gap below is waived.',
    '',
    '| Target | Source | Reason | Location | |',
    '| --- | --- | --- | --- | --- |',
    ...rows,
    '',
    ...(gaps.length > rows.length ? [`… and ${gaps.length - rows.length} more: see the JSON report.`, ''] : []),
  ];
}

const side = (p: MatrixPair): string => {
  if (p.ok) return '✅';
  if (p.path) return '⛔ path';
  const failed = (c: MatrixPair['serverAuth'] | undefined) => c !== undefined && !c.ok && !isUndecided(c);
  const s = failed(p.serverAuth) ? 'server' : '';
  const c = failed(p.clientAuth) ? 'client' : '';
  if (!s && !c) return '❔';
  return `❌ ${[s, c].filter(Boolean).join('+')}`.trimEnd();
};

/** One side of a failing pair in the table: accepted, rejected (why), or not evaluated (because of what). */
const verdict = (c: MatrixPair['serverAuth']): string => {
  if (c.ok) return 'accepted';
  if (c.because) return `not evaluated: ${md(c.reason ?? '')} (because of ${c.because.map((x) => `${md(x.rule)} on ${md(x.target)}`).join(', ')})`;
  return `${c.skipped ? 'not evaluated' : 'rejected'}: ${md(c.reason ?? '')}`;
};

function matrixSection(pairs: readonly MatrixPair[], summary: MatrixSummary | undefined, mode: Report['mode']): string[] {
  const n = matrixCounts(pairs, summary);
  const clients = [...new Set(pairs.map((p) => p.client))];
  const servers = [...new Set(pairs.map((p) => p.server))];
  const failing = pairs.filter((p) => !p.ok);
  const out = ['### Handshake matrix', '', `${n.ok} of ${n.pairs} client→server handshakes succeed.${mode === 'audit' ? ` ${AUDIT_MATRIX_NOTE.replace('under what was probed', 'under *What was probed*')}` : ''}`, ''];
  if (n.pairs === 0) return out;
  if (n.listed === 'all' && servers.length <= MAX_MATRIX_COLUMNS && clients.length <= MAX_MATRIX_ROWS) {
    const byPair = new Map(pairs.map((p) => [`${p.client}\0${p.server}`, p]));
    out.push(`| client ↓ server → | ${servers.map(md).join(' | ')} |`, `| --- |${' --- |'.repeat(servers.length)}`);
    for (const c of clients) {
      const cells = servers.map((sv) => {
        const p = byPair.get(`${c}\0${sv}`);
        return p ? side(p) : '·';
      });
      out.push(`| ${md(c)} | ${cells.join(' | ')} |`);
    }
    out.push('', '✅ both sides accept · ❌ server: the client rejects the server chain · ❌ client: the server rejects the client certificate · ⛔ path: a hop on the way terminates TLS · ❔ not evaluated · · no connection', '');
  }
  // A hop that terminates TLS breaks every pair through it for one reason: one line per hop, not a row per pair.
  const broken = brokenPaths(failing);
  for (const b of broken) out.push(`- ⛔ ${plural(b.pairs, 'pair')} through ${md(b.hops)}: TLS terminates there, so end-to-end mTLS never reaches the broker (because of ${md(b.rules)} on ${md(b.hops)})`);
  if (broken.length) out.push('');
  const rejected = failing.filter((p) => !p.path);
  if (rejected.length) {
    out.push('| Client | Server | Server chain | Client certificate |', '| --- | --- | --- | --- |');
    for (const p of rejected.slice(0, MAX_PAIR_ROWS)) {
      const cli = !p.clientAuth ? 'not required' : verdict(p.clientAuth);
      out.push(`| ${md(p.client)} | ${md(p.server)} | ${verdict(p.serverAuth)} | ${cli} |`);
    }
    if (rejected.length > MAX_PAIR_ROWS) out.push('', `… and ${rejected.length - MAX_PAIR_ROWS} more failing pairs.`);
    out.push('');
  }
  return out;
}

function waiverSection(report: Report): string[] {
  const STATUS = { active: '✅ active', unused: '💤 unused', expired: '🟥 expired' } as const;
  return [
    '### Waivers',
    '',
    '| Rule | Target | Status | Waived | Expires | Owner | Ticket | Reason |',
    '| --- | --- | --- | --- | --- | --- | --- | --- |',
    ...report.waivers!.map((o) => {
      const w = o.waiver;
      return `| ${md(w.rule)} | ${md(w.target)} | ${STATUS[o.status]} | ${o.matched} | ${md(w.expires)} | ${md(w.owner ?? '')} | ${md(w.ticket ?? '')} | ${md(w.reason)} |`;
    }),
    '',
  ];
}

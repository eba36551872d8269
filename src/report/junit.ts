// JUnit XML for CI test-report viewers (docs/decisions/0030): one <testsuite> per rule, one
// <testcase> per rule × target with findings, and — so the counts are honest — one passing
// testcase for a rule that ran and found nothing, one skipped testcase for a rule that did not
// apply, was switched off, or runs in audit only.
import { ALL_RULES } from '../rules/index.ts';
import { formatLocation } from '../errors.ts';
import type { RenderContext } from './formats.ts';
import type { Finding } from '../domain/finding.ts';
import type { Report } from '../domain/report.ts';
import type { RuleRun } from '../domain/rule.ts';
import { describeGap } from './incomplete.ts';

/** XML 1.0 forbids most control characters even as references: drop them. */
const INVALID_XML = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\uFFFE\uFFFF]|[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g;

export const xmlText = (s: string): string => s.replace(INVALID_XML, '').replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
export const xmlAttr = (s: string): string =>
  xmlText(s).replace(/"/g, '&quot;').replace(/'/g, '&apos;').replace(/\n/g, '&#10;').replace(/\r/g, '&#13;').replace(/\t/g, '&#9;');

interface Case {
  readonly name: string;
  readonly file?: string;
  readonly line?: number;
  readonly outcome: { kind: 'pass'; notes?: string } | { kind: 'fail'; type: string; message: string; body: string } | { kind: 'skip'; message: string };
}

/** The suite of an audit's gaps (ADR 0070). */
const NOT_EVALUATED = 'rc-policy/not-evaluated';

const SKIP_REASON: Record<Exclude<RuleRun['status'], 'ran'>, string> = {
  'not-applicable': 'does not apply: nothing in this estate for the rule to evaluate',
  off: 'switched off by the policy pack',
  'audit-only': 'runs in rc-policy audit only (live sources)',
};

const line = (f: Finding): string => {
  const tag = f.waived ? `waived until ${f.waiver?.expires ?? '?'}: ${f.waiver?.reason ?? ''}` : f.baseline ? `${f.severity}, existing (in the baseline)` : f.severity;
  return `${formatLocation(f.location)}: ${f.message} [${tag}]`;
};

function caseFor(target: string, findings: readonly Finding[], ctx: RenderContext): Case {
  const first = findings[0]!;
  const where = { file: first.location.file, line: first.location.line };
  const failing = findings.filter(ctx.failing);
  if (failing.length > 0) {
    return { name: target, ...where, outcome: { kind: 'fail', type: failing[0]!.severity, message: failing[0]!.message, body: findings.map(line).join('\n') } };
  }
  if (findings.every((f) => f.waived)) {
    const w = first.waiver;
    return { name: target, ...where, outcome: { kind: 'skip', message: `waived until ${w?.expires ?? '?'}: ${w?.reason ?? ''}` } };
  }
  // Below --fail-on, existing in the baseline, or partly waived: passes, and says what it saw.
  return { name: target, ...where, outcome: { kind: 'pass', notes: findings.map(line).join('\n') } };
}

export function renderJunit(report: Report, ctx: RenderContext): string {
  const byRule = new Map<string, Map<string, Finding[]>>();
  for (const f of report.findings) {
    let targets = byRule.get(f.rule);
    if (!targets) byRule.set(f.rule, (targets = new Map()));
    const list = targets.get(f.target);
    if (list) list.push(f);
    else targets.set(f.target, [f]);
  }
  // Without report.rules the topology failed the schema: nothing but topology/schema was evaluated.
  const statuses: ReadonlyMap<string, RuleRun['status'] | 'not-evaluated'> = new Map(
    report.rules ? report.rules.map((r) => [r.id, r.status]) : ALL_RULES.map((r) => [r.meta.id, byRule.has(r.meta.id) ? 'ran' : 'not-evaluated']),
  );
  const ruleIds = [...new Set([...statuses.keys(), ...byRule.keys()])];
  const suites: string[] = [];
  let total = 0;
  let failures = 0;
  let skipped = 0;
  for (const id of ruleIds) {
    const targets = byRule.get(id);
    const status = statuses.get(id) ?? 'ran';
    const cases: Case[] = targets
      ? [...targets].map(([target, fs]) => caseFor(target, fs, ctx))
      : status === 'ran'
        ? [{ name: 'all targets', outcome: { kind: 'pass' } }]
        : [{ name: 'all targets', outcome: { kind: 'skip', message: status === 'not-evaluated' ? 'not evaluated: the topology failed the schema' : SKIP_REASON[status] } }];
    const f = cases.filter((c) => c.outcome.kind === 'fail').length;
    const s = cases.filter((c) => c.outcome.kind === 'skip').length;
    total += cases.length;
    failures += f;
    skipped += s;
    const body = cases.map((c) => renderCase(id, c)).join('');
    suites.push(
      `  <testsuite name="${xmlAttr(id)}" tests="${cases.length}" failures="${f}" errors="0" skipped="${s}" timestamp="${xmlAttr(report.evaluatedAt.replace(/\.\d+Z$/, ''))}">\n${body}  </testsuite>\n`,
    );
  }
  // What an audit could not evaluate is an <error> (the test could not run), not a <failure>.
  let errors = 0;
  if (report.incomplete?.length) {
    const cases = report.incomplete.map((g) => {
      const attrs = `classname="${NOT_EVALUATED}" name="${xmlAttr(g.target)}" file="${xmlAttr(g.location.file)}" line="${g.location.line}"`;
      const text = `${formatLocation(g.location)}: could not evaluate ${describeGap(g)}`;
      if (g.waived) return `    <testcase ${attrs}>\n      <skipped message="${xmlAttr(`waived (live/unreachable): ${g.source}: ${g.reason}`)}"/>\n    </testcase>\n`;
      return `    <testcase ${attrs}>\n      <error type="not-evaluated" message="${xmlAttr(`${g.source}: ${g.reason}`)}">${xmlText(text)}</error>\n    </testcase>\n`;
    });
    const e = report.incomplete.filter((g) => !g.waived).length;
    const s = report.incomplete.length - e;
    total += cases.length;
    errors += e;
    skipped += s;
    suites.unshift(
      `  <testsuite name="${NOT_EVALUATED}" tests="${cases.length}" failures="0" errors="${e}" skipped="${s}" timestamp="${xmlAttr(report.evaluatedAt.replace(/\.\d+Z$/, ''))}">\n${cases.join('')}  </testsuite>\n`,
    );
  }
  return (
    `<?xml version="1.0" encoding="UTF-8"?>\n` +
    `<testsuites name="${xmlAttr(`rc-policy ${report.mode} ${report.topology}`)}" tests="${total}" failures="${failures}" errors="${errors}" skipped="${skipped}">\n` +
    suites.join('') +
    `</testsuites>\n`
  );
}

function renderCase(rule: string, c: Case): string {
  const attrs = `classname="${xmlAttr(rule)}" name="${xmlAttr(c.name)}"${c.file ? ` file="${xmlAttr(c.file)}"` : ''}${c.line ? ` line="${c.line}"` : ''}`;
  const o = c.outcome;
  if (o.kind === 'fail') {
    return `    <testcase ${attrs}>\n      <failure type="${xmlAttr(o.type)}" message="${xmlAttr(o.message)}">${xmlText(o.body)}</failure>\n    </testcase>\n`;
  }
  if (o.kind === 'skip') return `    <testcase ${attrs}>\n      <skipped message="${xmlAttr(o.message)}"/>\n    </testcase>\n`;
  if (o.notes) return `    <testcase ${attrs}>\n      <system-out>${xmlText(o.notes)}</system-out>\n    </testcase>\n`;
  return `    <testcase ${attrs}/>\n`;
}

// How a reviewer reads a report (ADR 0121): findings grouped by the object they are about, the
// objects whose findings are root causes first, and under each cause the checks that wait on it.
// Shared by text and Markdown so both tell the same story.
import type { Severity } from '../domain/finding.ts';
import type { DependentCheck, Finding } from '../domain/finding.ts';
import type { Report } from '../domain/report.ts';

export interface CauseEntry {
  readonly finding: Finding;
  /** Checks not evaluated because of this finding (listed under their first cause only). */
  readonly dependents: readonly DependentCheck[];
}

export interface ObjectGroup {
  readonly target: string;
  readonly entries: readonly CauseEntry[];
}

/** Appends to a list in a map (linear: estates have thousands of waiting checks on one cause). */
function push<K, V>(map: Map<K, V[]>, k: K, v: V): void {
  const list = map.get(k);
  if (list) list.push(v);
  else map.set(k, [v]);
}

const RANK: Record<Severity, number> = { error: 0, warning: 1, info: 2 };
const key = (f: { rule: string; target: string }): string => `${f.rule}\t${f.target}`;

/**
 * The shown findings by object: an object with a root cause (a finding other checks wait on) first,
 * then the most severe; within an object, causes first, then by severity. Dependents whose causes
 * are all hidden (--quiet) come back as `orphans`.
 */
export function groupFindings(report: Report, shown: readonly Finding[]): { groups: ObjectGroup[]; orphans: DependentCheck[] } {
  const shownKeys = new Map<string, Finding>();
  for (const f of shown) if (!shownKeys.has(key(f))) shownKeys.set(key(f), f);
  const dependents = new Map<Finding, DependentCheck[]>();
  const orphans: DependentCheck[] = [];
  for (const d of report.notEvaluated ?? []) {
    const cause = d.because.map((c) => shownKeys.get(key(c))).find((f) => f !== undefined);
    if (!cause) orphans.push(d);
    else push(dependents, cause, d);
  }
  const byTarget = new Map<string, CauseEntry[]>();
  for (const f of shown) {
    const entry = { finding: f, dependents: dependents.get(f) ?? [] };
    const list = byTarget.get(f.target);
    if (list) list.push(entry);
    else byTarget.set(f.target, [entry]);
  }
  const order = new Map([...byTarget.keys()].map((t, i) => [t, i]));
  const weight = (entries: readonly CauseEntry[]) => ({
    causes: entries.reduce((n, e) => n + e.dependents.length, 0),
    worst: Math.min(...entries.map((e) => (e.finding.waived ? 3 : RANK[e.finding.severity]))),
  });
  const weights = new Map([...byTarget].map(([t, entries]) => [t, weight(entries)]));
  const groups = [...byTarget].map(([target, entries]) => ({
    target,
    entries: [...entries].sort((a, b) => Number(b.dependents.length > 0) - Number(a.dependents.length > 0) || RANK[a.finding.severity] - RANK[b.finding.severity]),
  }));
  groups.sort((a, b) => {
    const wa = weights.get(a.target)!;
    const wb = weights.get(b.target)!;
    return Number(wb.causes > 0) - Number(wa.causes > 0) || wa.worst - wb.worst || order.get(a.target)! - order.get(b.target)!;
  });
  return { groups, orphans };
}

/** "trust/untrusted-server on 8 targets, broker/incomplete-chain on broker-us-1, broker-us-2": what waits on a cause. */
export function describeDependents(dependents: readonly DependentCheck[], maxTargets = 3): string {
  const byRule = new Map<string, string[]>();
  for (const d of dependents) push(byRule, d.rule, d.target);
  return [...byRule]
    .map(([rule, targets]) => `${rule} on ${targets.length <= maxTargets ? targets.join(', ') : `${targets.length} ${targets.every((t) => t.includes('->')) ? 'pairs' : 'targets'}`}`)
    .join('; ');
}

const plural = (n: number, word: string): string => `${n} ${word}${n === 1 ? '' : 's'}`;

/**
 * The counts of the verdict line: "3 errors on 2 objects, 1 warning, 0 info, 1 waived (1 new, 3
 * baselined, 4 fixed since the baseline); 22 checks not evaluated because of them".
 */
export function summaryCounts(report: Report): string {
  const s = report.summary;
  const errorTargets = new Set(report.findings.filter((f) => f.severity === 'error' && !f.waived).map((f) => f.target)).size;
  const errors = s.error > 0 ? `${plural(s.error, 'error')} on ${plural(errorTargets, 'object')}` : plural(s.error, 'error');
  let out = `${errors}, ${plural(s.warning, 'warning')}, ${s.info} info${s.waived ? `, ${s.waived} waived` : ''}`;
  const b = report.baseline;
  if (b) {
    const open = report.findings.filter((f) => !f.waived);
    const fresh = b.new ?? open.filter((f) => !f.baseline).length;
    out += ` (${fresh} new, ${b.existing} baselined, ${b.fixed} fixed since the baseline)`;
  }
  const waiting = report.notEvaluated ?? [];
  if (waiting.length > 0) {
    const causes = new Set(waiting.flatMap((d) => d.because.map(key))).size;
    out += `; ${plural(waiting.length, 'check')} not evaluated because of ${causes === 1 ? 'one finding' : `${causes} findings`}`;
  }
  return out;
}

/** Checks waiting on each finding, by `rule\ttarget` of the cause (a check waiting on two causes is under both). */
export function dependentsByCause(report: Report): Map<string, DependentCheck[]> {
  const out = new Map<string, DependentCheck[]>();
  for (const d of report.notEvaluated ?? []) {
    for (const c of d.because) push(out, key(c), d);
  }
  return out;
}

export const causeKey = key;

/** " (22 checks wait on this: …)": appended to a cause's one-line message in SARIF and annotations. */
export function waitingSuffix(f: Finding, byCause: ReadonlyMap<string, readonly DependentCheck[]>): string {
  const waiting = byCause.get(key(f));
  return waiting?.length ? ` (${plural(waiting.length, 'check')} not evaluated because of this: ${describeDependents(waiting)})` : '';
}

/** "not evaluated because of cert/unreadable on root": one dependent check's reason. */
export const becauseText = (d: DependentCheck): string => `not evaluated because of ${d.because.map((c) => `${c.rule} on ${c.target}`).join(' and ')}`;

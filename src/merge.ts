// `rc-policy merge`: the shard reports of one estate (`check`/`audit --region`) combined into the
// report a single run would give (ADR 0115). Each regional object is reported by its own shard
// only; objects outside every region are reported by every shard and de-duplicated — shards must
// agree on them, else the merge cannot say which is true (exit 2). Gaps (`incomplete`) are kept.
import { sortFindings } from './engine.ts';
import { InputError } from './errors.ts';
import { summarise } from './report/summary.ts';
import { objectsOf } from './report/targets.ts';
import type { Finding, MatrixPair, NotEvaluated, Report, RuleRun, WaiverOutcome } from './report/types.ts';

export interface ShardReport {
  /** As named on the command line, for messages. */
  readonly file: string;
  readonly report: Report;
}

const identity = (f: Finding) => JSON.stringify([f.rule, f.target, f.location.file, f.location.line, f.location.column, f.message]);
const verdict = (f: Finding) => JSON.stringify([f.severity, f.waived, f.waiver ?? null, f.baseline ?? false]);
const describe = (f: Finding) => `${f.rule} (${f.waived ? 'waived' : f.severity}) "${f.message.length > 120 ? `${f.message.slice(0, 117)}...` : f.message}"`;

/** The fields every shard of one run shares: reports that differ here are not shards of one estate. */
function sameRun(shards: readonly ShardReport[]): void {
  const first = shards[0]!;
  const fields: [string, (r: Report) => unknown][] = [
    ['rc-policy version', (r) => r.tool.version],
    ['topology', (r) => r.topology],
    ['mode', (r) => r.mode],
    ['policy pack', (r) => r.policy.pack],
    ['regions declared', (r) => r.scope?.allRegions.join(', ')],
  ];
  for (const s of shards.slice(1)) {
    for (const [what, get] of fields) {
      const a = JSON.stringify(get(first.report));
      const b = JSON.stringify(get(s.report));
      if (a !== b) throw new InputError(`${s.file} is not a shard of the same run as ${first.file}: ${what} ${b ?? 'none'} differs from ${a ?? 'none'}`);
    }
  }
}

/** Every declared region covered exactly once. */
function coverage(shards: readonly ShardReport[]): string[] {
  const owner = new Map<string, string>();
  for (const s of shards) {
    if (!s.report.scope) {
      if (shards.length > 1) throw new InputError(`${s.file} covers the whole estate (it was not run with --region): merge shard reports only, or this one alone`);
      return [];
    }
    for (const r of s.report.scope.regions) {
      const other = owner.get(r);
      if (other !== undefined) throw new InputError(`region ${r} is in both ${other} and ${s.file}: give each region's shard once`);
      owner.set(r, s.file);
    }
  }
  const missing = shards[0]!.report.scope!.allRegions.filter((r) => !owner.has(r));
  if (missing.length > 0) throw new InputError(`no shard report covers region${missing.length > 1 ? 's' : ''} ${missing.join(', ')}: the merged report would leave ${missing.length > 1 ? 'them' : 'it'} out`);
  return [...owner.keys()].sort();
}

/**
 * Objects every shard evaluates in full must come out the same in each (live/unreachable aside: a
 * gap one shard met is kept, not a contradiction). Returns nothing; throws on the first difference.
 */
function agreeOnShared(shards: readonly ShardReport[]): void {
  const shared = new Set(shards[0]!.report.scope?.shared ?? []);
  if (shards.length < 2 || shared.size === 0) return;
  const isShared = (f: Finding) => f.rule !== 'live/unreachable' && objectsOf(f.target).every((id) => shared.has(id));
  const per = shards.map((s) => new Map(s.report.findings.filter(isShared).map((f) => [identity(f), f])));
  for (let i = 1; i < shards.length; i++) {
    for (const [a, b, fa, fb] of [[per[0]!, per[i]!, shards[0]!.file, shards[i]!.file] as const, [per[i]!, per[0]!, shards[i]!.file, shards[0]!.file] as const]) {
      for (const [key, f] of a) {
        if (!b.has(key)) throw conflict(f.target, `${fa} reports ${describe(f)}, ${fb} does not`);
      }
    }
  }
}

const conflict = (target: string, detail: string) => new InputError(`conflicting results for ${target} (audited by every shard): ${detail}; re-run the shards against the same estate`);

function mergeFindings(shards: readonly ShardReport[]): Finding[] {
  const byIdentity = new Map<string, { finding: Finding; file: string }>();
  for (const s of shards) {
    for (const f of s.report.findings) {
      const key = identity(f);
      const seen = byIdentity.get(key);
      if (!seen) byIdentity.set(key, { finding: f, file: s.file });
      else if (verdict(seen.finding) !== verdict(f)) throw conflict(f.target, `${seen.file} reports ${describe(seen.finding)}, ${s.file} reports ${describe(f)}`);
    }
  }
  return [...byIdentity.values()].map((v) => v.finding);
}

function mergePairs(shards: readonly ShardReport[]): MatrixPair[] | undefined {
  if (shards.every((s) => !s.report.matrix)) return undefined;
  const pairs = new Map<string, { pair: MatrixPair; file: string }>();
  for (const s of shards) {
    for (const p of s.report.matrix ?? []) {
      const key = `${p.client}->${p.server}`;
      const seen = pairs.get(key);
      if (!seen) pairs.set(key, { pair: p, file: s.file });
      else if (JSON.stringify(seen.pair) !== JSON.stringify(p)) throw conflict(key, `${seen.file} and ${s.file} simulate its handshake differently`);
    }
  }
  return [...pairs.values()].map((v) => v.pair);
}

function mergeGaps(shards: readonly ShardReport[]): NotEvaluated[] | undefined {
  if (shards.every((s) => !s.report.incomplete)) return undefined;
  const gaps = new Map<string, NotEvaluated>();
  for (const s of shards) for (const g of s.report.incomplete ?? []) gaps.set(JSON.stringify([g.target, g.source, g.reason, g.waived ?? false]), g);
  return [...gaps.values()];
}

const STATUS_RANK: Record<RuleRun['status'], number> = { ran: 0, 'not-applicable': 1, 'audit-only': 2, off: 3 };

function mergeRules(shards: readonly ShardReport[]): RuleRun[] | undefined {
  const first = shards.find((s) => s.report.rules)?.report.rules;
  if (!first) return undefined;
  const best = new Map<string, RuleRun['status']>();
  for (const s of shards) {
    for (const r of s.report.rules ?? []) {
      const now = best.get(r.id);
      if (now === undefined || STATUS_RANK[r.status] < STATUS_RANK[now]) best.set(r.id, r.status);
    }
  }
  return [...best].map(([id, status]) => ({ id, status }));
}

/** Each waiver once, with what it matched in the merged findings. */
function mergeWaivers(shards: readonly ShardReport[], findings: readonly Finding[]): WaiverOutcome[] | undefined {
  if (shards.every((s) => !s.report.waivers)) return undefined;
  const outcomes = new Map<string, WaiverOutcome>();
  for (const s of shards) {
    for (const o of s.report.waivers ?? []) {
      const key = JSON.stringify([o.waiver, o.location]);
      const seen = outcomes.get(key);
      if (!seen || o.status === 'expired') outcomes.set(key, o);
    }
  }
  return [...outcomes.values()].map((o) => {
    if (o.status === 'expired') return o;
    const matched = findings.filter((f) => f.waived && JSON.stringify(f.waiver) === JSON.stringify(o.waiver)).length;
    return { ...o, matched, status: matched > 0 ? 'active' : 'unused' };
  });
}

/** Combines shard reports into one. Throws InputError (exit 2) when they are not shards of one run or contradict each other. */
export function mergeReports(shards: readonly ShardReport[]): Report {
  if (shards.length === 0) throw new InputError('rc-policy merge needs at least one report');
  const regions = coverage(shards);
  sameRun(shards);
  agreeOnShared(shards);
  const findings = sortFindings(mergeFindings(shards));
  const first = shards[0]!.report;
  const summary = summarise(findings);
  const existing = findings.filter((f) => f.baseline && !f.waived).length;
  const baselines = shards.map((s) => s.report.baseline).filter((b) => b !== undefined);
  const matrix = mergePairs(shards);
  const rules = mergeRules(shards);
  const waivers = mergeWaivers(shards, findings);
  const incomplete = mergeGaps(shards);
  return {
    tool: first.tool,
    topology: first.topology,
    // The shards ran one after another: the merged report is as old as its oldest part.
    evaluatedAt: shards.map((s) => s.report.evaluatedAt).sort()[0]!,
    mode: first.mode,
    policy: first.policy,
    summary: baselines.length > 0 ? { ...summary, baseline: existing } : summary,
    findings,
    ...(matrix && { matrix }),
    ...(rules && { rules }),
    ...(waivers && { waivers }),
    // Each shard compared the whole baseline with its own evidence: the largest count of fixed findings is the closest to one run's.
    ...(baselines.length > 0 && { baseline: { file: baselines[0]!.file, existing, fixed: Math.max(...baselines.map((b) => b.fixed)) } }),
    ...(first.estate && { estate: first.estate }),
    ...(incomplete && { incomplete }),
    ...(first.scope && { scope: { ...first.scope, regions } }),
  };
}

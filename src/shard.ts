// One shard of a large estate (`--region`, ADR 0115): a run evaluates the whole topology, but
// reports only what it is the authority on — its regions' objects (with their live evidence) and
// the objects outside every region, which each shard audits too. The rest belongs to other shards:
// reported here from repo files alone, it could contradict what their owners saw live.
// `rc-policy merge` combines the shards into the report a single run would give.
import { InputError } from './errors.ts';
import { objectsOf } from './report/targets.ts';
import { matrixForReport, type HandshakePair } from './matrix.ts';
import { findingKey, type Baseline } from './policy/baseline.ts';
import { recountWaivers } from './policy/waivers.ts';
import { summaryOf } from './report/summary.ts';
import type { DependentCheck, Finding, MatrixPair, MatrixSummary, Report } from './report/types.ts';
import type { Topology } from './topology/model.ts';

/** The region each regional object belongs to (brokers, gateways, load balancers, clients, regions). */
function regionsById(topology: Topology): Map<string, string> {
  const out = new Map<string, string>();
  for (const r of topology.regions) out.set(r.id, r.id);
  for (const o of [...topology.brokers, ...topology.gateways, ...topology.loadBalancers, ...topology.clients]) {
    if (o.region !== undefined && !out.has(o.id)) out.set(o.id, o.region);
  }
  return out;
}

/** The region whose shard is the authority on a target, or undefined when every shard covers it. */
export function homeRegion(target: string, regionOf: ReadonlyMap<string, string>): string | undefined {
  for (const id of objectsOf(target)) {
    const region = regionOf.get(id);
    if (region !== undefined) return region;
  }
  return undefined;
}

/** What a shard is scoped from besides the report: the run's whole handshake matrix, and the baseline compared. */
export interface ShardRun {
  readonly pairs?: () => readonly HandshakePair[];
  readonly baseline?: Baseline;
}

/**
 * The baseline findings of the shard's scope no longer raised (as applyBaseline counts them), and
 * how many of them are about objects every shard covers (a merge counts those once).
 */
function fixedInScope(baseline: Baseline, findings: readonly Finding[], waiting: readonly DependentCheck[], home: (target: string) => string | undefined, regions: readonly string[]): { fixed: number; shared: number } {
  const seen = new Set([...findings, ...waiting].map(findingKey));
  let fixed = 0;
  let shared = 0;
  for (const key of baseline.keys) {
    if (seen.has(key)) continue;
    const region = home(key.slice(key.indexOf('\t') + 1));
    if (region === undefined) shared++;
    else if (!regions.includes(region)) continue;
    fixed++;
  }
  return { fixed, shared };
}

/**
 * The report of one shard: what its regions and the region-less objects are about, with the scope
 * stated. `run.pairs` gives the run's whole handshake matrix: a report that lists only the pairs that are
 * not ok (ADR 0110) cannot count the shard's clean ones, so the shard's matrix is listed and counted
 * again from its own pairs — with the whole run's listing, so that the merged shards list what one
 * run would.
 */
export function scopeToRegions(report: Report, topology: Topology, regions: readonly string[], run: ShardRun = {}): Report {
  const known = topology.regions.map((r) => r.id);
  for (const r of regions) {
    if (!known.includes(r)) throw new InputError(`--region ${r}: no such region in ${topology.file} (regions: ${known.join(', ') || 'none'})`);
  }
  const regionOf = regionsById(topology);
  const inScope = (target: string) => {
    const home = homeRegion(target, regionOf);
    return home === undefined || regions.includes(home);
  };
  const findings = report.findings.filter((f) => inScope(f.target));
  const notEvaluated = report.notEvaluated?.filter((d) => inScope(d.target));
  const summary = summaryOf(findings, notEvaluated, report.summary.baseline !== undefined);
  const shared = [...topology.cas, ...topology.trustBundles, ...topology.clients.filter((c) => c.region === undefined)].map((o) => o.id);
  const matrix = report.matrix && scopeMatrix(report, run.pairs, inScope);
  const fixed = report.baseline && run.baseline && fixedInScope(run.baseline, findings, notEvaluated ?? [], (target) => homeRegion(target, regionOf), regions);
  const observations = report.observations && {
    // A load balancer frontend is probed once per backend SNI, by the backend's shard.
    endpoints: report.observations.endpoints.filter((e) => inScope(e.sniFor ?? e.target)),
    keyVault: report.observations.keyVault.filter((k) => inScope(k.target)),
  };
  const { notEvaluated: _whole, ...rest } = report;
  return {
    ...rest,
    summary,
    findings,
    ...(notEvaluated?.length && { notEvaluated }),
    ...(matrix && { matrix: matrix.matrix, ...(matrix.summary && { matrixSummary: matrix.summary }) }),
    ...(report.baseline && {
      baseline: {
        ...report.baseline,
        existing: summary.baseline!,
        ...(report.baseline.new !== undefined && { new: findings.filter((f) => !f.waived && !f.baseline).length }),
        ...(fixed && { fixed: fixed.fixed }),
      },
    }),
    // A waiver belongs to the shard of what it names ('*' to every shard), and counts what it waives there.
    ...(report.waivers && { waivers: recountWaivers(report.waivers.filter((o) => inScope(o.waiver.target)), findings) }),
    ...(report.incomplete && { incomplete: report.incomplete.filter((g) => inScope(g.target)) }),
    ...(observations && { observations }),
    scope: {
      regions: [...new Set(regions)].sort(),
      allRegions: topology.regions.map((r) => r.id).sort(),
      shared: [...new Set(shared)].sort(),
      ...(matrix?.clients && { pairClients: matrix.clients }),
      ...(fixed && { sharedFixed: fixed.shared }),
    },
  };
}

/** The shard's handshake pairs (a pair belongs to its server's region), listed as the whole run lists them, and counted. */
function scopeMatrix(report: Report, pairs: (() => readonly HandshakePair[]) | undefined, inScope: (target: string) => boolean): { matrix: readonly MatrixPair[]; summary?: MatrixSummary; clients?: string[] } {
  if (!pairs) return { matrix: report.matrix!.filter((p) => inScope(`${p.client}->${p.server}`)) };
  const own = pairs().filter((p) => inScope(`${p.client.id}->${p.server.id}`));
  const { matrix, summary } = matrixForReport(own, report.matrixSummary?.listed === 'problems' ? 'problems' : 'full');
  return { matrix, summary, clients: [...new Set(own.map((p) => p.client.id))].sort() };
}

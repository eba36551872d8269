// One shard of a large estate (`--region`, ADR 0115): a run evaluates the whole topology, but
// reports only what it is the authority on — its regions' objects (with their live evidence) and
// the objects outside every region, which each shard audits too. The rest belongs to other shards:
// reported here from repo files alone, it could contradict what their owners saw live.
// `rc-policy merge` combines the shards into the report a single run would give.
import { InputError } from './errors.ts';
import { objectsOf } from './report/targets.ts';
import { summarise } from './report/summary.ts';
import type { Report } from './report/types.ts';
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

/** The report of one shard: what its regions and the region-less objects are about, with the scope stated. */
export function scopeToRegions(report: Report, topology: Topology, regions: readonly string[]): Report {
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
  const summary = summarise(findings);
  const existing = findings.filter((f) => f.baseline && !f.waived).length;
  const shared = [...topology.cas, ...topology.trustBundles, ...topology.clients.filter((c) => c.region === undefined)].map((o) => o.id);
  return {
    ...report,
    summary: report.summary.baseline !== undefined ? { ...summary, baseline: existing } : summary,
    findings,
    ...(report.matrix && { matrix: report.matrix.filter((p) => inScope(`${p.client}->${p.server}`)) }),
    ...(report.baseline && { baseline: { ...report.baseline, existing } }),
    ...(report.incomplete && { incomplete: report.incomplete.filter((g) => inScope(g.target)) }),
    scope: { regions: [...new Set(regions)].sort(), allRegions: topology.regions.map((r) => r.id).sort(), shared: [...new Set(shared)].sort() },
  };
}

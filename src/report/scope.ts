// What part of the estate a report covers, in words (ADR 0115, 0123): a `--region` shard says it is
// one, so that a reviewer does not read its clean matrix as the whole estate's, and a merged report
// says which shards it combines and whose time it gives.
import type { Report } from '../domain/report.ts';

const list = (ids: readonly string[]) => ids.join(', ');

/** One line, or undefined for a whole run. */
export function scopeLine(report: Pick<Report, 'scope' | 'evaluatedAt'>): string | undefined {
  const s = report.scope;
  if (!s) return undefined;
  if (s.shards !== undefined) {
    return `merged from ${s.shards} shard report${s.shards === 1 ? '' : 's'} covering region${s.regions.length === 1 ? '' : 's'} ${list(s.regions)}; its time is the oldest shard's`;
  }
  const others = s.allRegions.filter((r) => !s.regions.includes(r));
  if (others.length === 0) return `covers every region (${list(s.regions)})`;
  return `one shard: region${s.regions.length === 1 ? '' : 's'} ${list(s.regions)} and the objects of no region; ${list(others)} ${others.length === 1 ? 'is' : 'are'} in ${others.length === 1 ? 'its' : 'their'} own shard's report (rc-policy merge combines them)`;
}

/** A cause a shard's check waits on that this shard does not report: another region's shard does. */
export function causeElsewhere(report: Pick<Report, 'scope' | 'findings'>, cause: { rule: string; target: string }): boolean {
  if (!report.scope || report.scope.shards !== undefined) return false;
  return !report.findings.some((f) => f.rule === cause.rule && f.target === cause.target);
}

/** `cert/expired on target-in (in another region's shard report)`. */
export const causeText = (report: Pick<Report, 'scope' | 'findings'>, cause: { rule: string; target: string }): string =>
  `${cause.rule} on ${cause.target}${causeElsewhere(report, cause) ? " (in another region's shard report)" : ''}`;

/** In a shard's report, the objects of the regions other shards cover (empty for a whole or merged report). */
export function otherShards(report: Pick<Report, 'scope' | 'estate'>): Set<string> {
  const s = report.scope;
  if (!s || s.shards !== undefined || !report.estate) return new Set();
  return new Set(report.estate.nodes.filter((n) => n.region !== undefined && !s.regions.includes(n.region)).map((n) => n.id));
}

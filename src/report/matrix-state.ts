// What a handshake pair's verdict amounts to, shared by the matrix summary and every renderer.
import type { MatrixPair, MatrixSummary } from '../domain/report.ts';

export type PairState = 'ok' | 'failing' | 'broken' | 'not-evaluated';

/** Not evaluated: a side lives only in Key Vault, or waits on another finding (ADR 0120). */
export const isUndecided = (c: MatrixPair['serverAuth'] | undefined): boolean => c !== undefined && !c.ok && (c.skipped === true || c.because !== undefined);

/**
 * Broken: a hop on the path terminates TLS (ADR 0122). Not evaluated: only undecided sides and no
 * side rejected on its own.
 */
export function pairState(p: Pick<MatrixPair, 'ok' | 'serverAuth' | 'clientAuth' | 'path'>): PairState {
  if (p.ok) return 'ok';
  if (p.path !== undefined) return 'broken';
  const sides = [p.serverAuth, p.clientAuth];
  return sides.some(isUndecided) && !sides.some((c) => c && !c.ok && !isUndecided(c)) ? 'not-evaluated' : 'failing';
}

const countStates = (states: Iterable<PairState>) => {
  const counts: Record<PairState, number> = { ok: 0, failing: 0, broken: 0, 'not-evaluated': 0 };
  for (const s of states) counts[s]++;
  return counts;
};

/** The summary's counts from the per-state tally (brokenOnPath only when there is one). */
export const summaryCounts = (counts: Record<PairState, number>) => ({
  ok: counts.ok,
  failing: counts.failing,
  ...(counts.broken > 0 && { brokenOnPath: counts.broken }),
  notEvaluated: counts['not-evaluated'],
});

/** The counts of a matrix whose every pair is listed (a report without matrixSummary, or listed: all). */
export function summariseMatrix(pairs: readonly MatrixPair[]): Omit<MatrixSummary, 'listed'> {
  return {
    pairs: pairs.length,
    ...summaryCounts(countStates(pairs.map(pairState))),
    clients: new Set(pairs.map((p) => p.client)).size,
    servers: new Set(pairs.map((p) => p.server)).size,
  };
}

/** The report's counts, or the listed pairs' when the report predates matrixSummary. */
export const matrixCounts = (pairs: readonly MatrixPair[], summary: MatrixSummary | undefined): MatrixSummary =>
  summary ?? { ...summariseMatrix(pairs), listed: 'all' };

/** Pairs broken on the path, grouped by the hops that terminate TLS: one line each in the renderers. */
export function brokenPaths(pairs: readonly MatrixPair[]): { hops: string; rules: string; pairs: number }[] {
  const groups = new Map<string, { hops: string; rules: string; pairs: number }>();
  for (const p of pairs) {
    if (!p.path) continue;
    const hops = p.path.because.map((c) => c.target).join(', ');
    const group = groups.get(hops) ?? { hops, rules: [...new Set(p.path.because.map((c) => c.rule))].join(', '), pairs: 0 };
    group.pairs++;
    groups.set(hops, group);
  }
  return [...groups.values()];
}

/** Under an audit's matrix: what it is computed from, so that a ✔ is not read as a live handshake. */
export const AUDIT_MATRIX_NOTE =
  "Computed from the certificates the topology declares; a broker that did not answer the probe is not evaluated. What each endpoint really served is under what was probed, and drift is a finding of its own.";

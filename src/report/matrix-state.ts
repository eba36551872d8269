// What a handshake pair's verdict amounts to, shared by the matrix summary and every renderer.
import type { MatrixPair, MatrixSummary } from '../domain/report.ts';

export type PairState = 'ok' | 'failing' | 'not-evaluated';

/** Not evaluated: only skipped sides (a Key Vault-only certificate in check) and no rejected one. */
export function pairState(p: Pick<MatrixPair, 'ok' | 'serverAuth' | 'clientAuth'>): PairState {
  if (p.ok) return 'ok';
  const sides = [p.serverAuth, p.clientAuth];
  return sides.some((c) => c?.skipped) && !sides.some((c) => c && !c.ok && !c.skipped) ? 'not-evaluated' : 'failing';
}

/** The counts of a matrix whose every pair is listed (a report without matrixSummary, or listed: all). */
export function summariseMatrix(pairs: readonly MatrixPair[]): Omit<MatrixSummary, 'listed'> {
  const counts = { ok: 0, failing: 0, 'not-evaluated': 0 };
  for (const p of pairs) counts[pairState(p)]++;
  return {
    pairs: pairs.length,
    ok: counts.ok,
    failing: counts.failing,
    notEvaluated: counts['not-evaluated'],
    clients: new Set(pairs.map((p) => p.client)).size,
    servers: new Set(pairs.map((p) => p.server)).size,
  };
}

/** The report's counts, or the listed pairs' when the report predates matrixSummary. */
export const matrixCounts = (pairs: readonly MatrixPair[], summary: MatrixSummary | undefined): MatrixSummary =>
  summary ?? { ...summariseMatrix(pairs), listed: 'all' };

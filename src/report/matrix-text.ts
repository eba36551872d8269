// The handshake matrix as text: a grid of clients x servers when it fits a terminal and every pair
// is listed, otherwise one summary line (the JSON report lists the pairs; --matrix full, all of them).
import type { MatrixPair, MatrixSummary } from '../domain/report.ts';
import { brokenPaths, matrixCounts, pairState } from './matrix-state.ts';

export const MAX_COLUMNS = 12;
export const MAX_ROWS = 40;
const MAX_WIDTH = 100;

export type Paint = (style: 'red' | 'green' | 'yellow' | 'gray' | 'bold', s: string) => string;

const plural = (n: number, word: string): string => `${n} ${word}${n === 1 ? '' : 's'}`;

const isBroken = (p: MatrixPair): boolean => pairState(p) === 'broken';
const isSkipped = (p: MatrixPair): boolean => pairState(p) === 'not-evaluated';

/** Lines describing the matrix; empty when there are no pairs. */
export function renderMatrix(pairs: readonly MatrixPair[], paint: Paint, summary?: MatrixSummary): string[] {
  const n = matrixCounts(pairs, summary);
  if (n.pairs === 0) return [];
  const counts = [`${n.ok} ok`, `${n.failing} failing`, ...(n.brokenOnPath ? [`${n.brokenOnPath} broken on the path`] : []), ...(n.notEvaluated ? [`${n.notEvaluated} not evaluated`] : [])].join(', ');
  const headline = `Handshake matrix: ${plural(n.pairs, 'pair')} (${plural(n.clients, 'client')} x ${plural(n.servers, 'server')}), ${counts}`;
  if (n.listed !== 'all') return [`${headline}; --format json lists the pairs that are not ok (--matrix full: every pair)`];
  const clients = [...new Set(pairs.map((p) => p.client))];
  const servers = [...new Set(pairs.map((p) => p.server))];
  const broken = n.brokenOnPath ?? 0;
  const labelWidth = Math.max(...clients.map((c) => c.length));
  if (servers.length > MAX_COLUMNS || clients.length > MAX_ROWS || labelWidth + 2 + servers.length * 3 > MAX_WIDTH) {
    return [`${headline}; too large to draw here, --format json lists every pair`];
  }
  const byPair = new Map(pairs.map((p) => [`${p.client}\u0000${p.server}`, p]));
  const cell = (client: string, server: string): string => {
    const p = byPair.get(`${client}\u0000${server}`);
    if (!p) return paint('gray', '·');
    if (p.ok) return paint('green', '✔');
    if (isBroken(p)) return paint('red', '⊘');
    return isSkipped(p) ? paint('yellow', '?') : paint('red', '✖');
  };
  const lines = [paint('bold', headline), `  ${' '.repeat(labelWidth)}${servers.map((_, i) => String(i + 1).padStart(3)).join('')}`];
  for (const c of clients) lines.push(`  ${c.padEnd(labelWidth)}${servers.map((s) => `  ${cell(c, s)}`).join('')}`);
  // Column numbers keep the grid narrow; the legend names them, wrapped to the width.
  let legend = '';
  servers.forEach((server, i) => {
    const entry = `${i + 1} ${server}`;
    if (legend && 2 + legend.length + 3 + entry.length > MAX_WIDTH) {
      lines.push(paint('gray', `  ${legend}`));
      legend = '';
    }
    legend += legend ? `   ${entry}` : entry;
  });
  lines.push(paint('gray', `  ${legend}`));
  lines.push(paint('gray', `  ✔ accepted both ways  ✖ rejected (trust/untrusted-*)  ${broken ? '⊘ a hop on the path terminates TLS  ' : ''}? not evaluated (Key Vault only, or waits on another finding)  · not connected`));
  // Why a path is broken is one line per distinct reason: "slb-us terminates TLS ...".
  for (const b of brokenPaths(pairs)) lines.push(`  ⊘ ${plural(b.pairs, 'pair')} through ${b.hops}: TLS terminates there, so end-to-end mTLS never reaches the broker (${b.rules})`);
  return lines;
}

// `npm run limbo`: every x509-limbo case through validatePath, as a table by scope and namespace.
// Options: --scope <prefix> (e.g. core, out:ip-peer-name), --id <regexp>, --list (print each
// false accept / false reject with its reasons), --json <file>.
import { writeFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { isFalseAccept, isFalseReject, loadCases, loadScopes, runCase, type Outcome } from './limbo/harness.ts';

const { values } = parseArgs({
  options: { scope: { type: 'string' }, id: { type: 'string' }, list: { type: 'boolean' }, json: { type: 'string' } },
});

const scopes = loadScopes();
const idFilter = values.id ? new RegExp(values.id) : undefined;
const started = performance.now();
const outcomes: Outcome[] = [];
for (const c of loadCases()) {
  const scope = scopes.get(c.id) ?? 'unknown';
  if (values.scope && !scope.startsWith(values.scope)) continue;
  if (idFilter && !idFilter.test(c.id)) continue;
  outcomes.push(runCase(c, scope));
}
const elapsed = performance.now() - started;

interface Row {
  cases: number;
  accepts: number;
  rejects: number;
  falseAccepts: number;
  falseRejects: number;
}
const tally = (list: Outcome[]): Row => ({
  cases: list.length,
  accepts: list.filter((o) => o.accepted).length,
  rejects: list.filter((o) => !o.accepted).length,
  falseAccepts: list.filter(isFalseAccept).length,
  falseRejects: list.filter(isFalseReject).length,
});
const group = (key: (o: Outcome) => string): Map<string, Outcome[]> => {
  const out = new Map<string, Outcome[]>();
  for (const o of outcomes) out.set(key(o), [...(out.get(key(o)) ?? []), o]);
  return new Map([...out].sort(([a], [b]) => a.localeCompare(b)));
};
const namespace = (id: string): string => {
  const parts = id.split('::');
  return parts.length > 2 ? `${parts[0]}::${parts[1]}` : parts[0]!;
};
const scopeClass = (s: string): string => s.split(':')[0]!;

function table(title: string, groups: Map<string, Outcome[]>): string {
  const head = [title, 'cases', 'accepts', 'rejects', 'false acc.', 'false rej.', 'agreement'];
  const rows = [...groups].map(([k, list]) => {
    const t = tally(list);
    return [k, t.cases, t.accepts, t.rejects, t.falseAccepts, t.falseRejects, `${((100 * (t.cases - t.falseAccepts - t.falseRejects)) / t.cases).toFixed(2)}%`].map(String);
  });
  const widths = head.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
  const line = (cells: string[]) => cells.map((c, i) => (i === 0 ? c.padEnd(widths[i]!) : c.padStart(widths[i]!))).join('  ');
  return [line(head), line(widths.map((w) => '-'.repeat(w))), ...rows.map(line)].join('\n');
}

const out: string[] = [];
out.push(table('scope', group((o) => o.scope)), '');
out.push(table('scope class / namespace', group((o) => `${scopeClass(o.scope)}  ${namespace(o.id)}`)), '');
out.push(table('total', new Map([['all', outcomes]])));
out.push(`\n${outcomes.length} cases in ${(elapsed / 1000).toFixed(1)} s`);
if (values.list) {
  for (const o of outcomes.filter(isFalseAccept)) out.push(`FALSE ACCEPT  ${o.id}  [${o.scope}]`);
  for (const o of outcomes.filter(isFalseReject)) out.push(`FALSE REJECT  ${o.id}  [${o.scope}]  ${o.errors.map((e) => `${e.code}: ${e.message}`).join(' | ')}`);
}
process.stdout.write(`${out.join('\n')}\n`);
if (values.json) writeFileSync(values.json, JSON.stringify(outcomes, null, 1));
// Fail the script (not only print) when the core bar is broken.
process.exitCode = outcomes.some((o) => o.scope === 'core' && isFalseAccept(o)) ? 1 : 0;

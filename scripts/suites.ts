// `npm run suites`: every case of the vendored public suites (test/suites) through verifyChain and
// through `openssl verify`, and the tables of docs/suites.md rewritten from the results.
// --no-openssl reuses the recorded openssl verdicts (test/suites/openssl-verdicts.json);
// --list prints every disagreement with rc-policy's reasons.
import { readFileSync, writeFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { opensslAccepts, opensslVersion } from './suites/openssl.ts';
import { DOC_FILE, OPENSSL_FILE, caseKey, loadAllCases, readOpenssl, renderTables, runAll, spliceTables, type OpensslVerdicts } from './suites/report.ts';

const { values } = parseArgs({ options: { 'no-openssl': { type: 'boolean' }, list: { type: 'boolean' } } });
const cases = loadAllCases();
const outcomes = await runAll(cases);
let openssl: OpensslVerdicts;
if (values['no-openssl']) openssl = readOpenssl();
else {
  const accepted: Record<string, boolean> = {};
  for (const c of cases) if (!c.skip) accepted[caseKey(c)] = opensslAccepts(c);
  openssl = { version: opensslVersion(), accepted };
  writeFileSync(OPENSSL_FILE, `${JSON.stringify(openssl, null, 1)}\n`);
}
const tables = renderTables(outcomes, openssl);
writeFileSync(DOC_FILE, spliceTables(readFileSync(DOC_FILE, 'utf8'), tables));
process.stdout.write(`${tables}\n`);
if (values.list) {
  for (const o of outcomes) {
    if (!o.verdict || o.verdict.accepted === o.case.valid) continue;
    process.stdout.write(`${o.verdict.accepted ? 'FALSE ACCEPT' : 'FALSE REJECT'}  ${caseKey(o.case)}  ${o.verdict.errors.map((e) => `${e.code}: ${e.message}`).join(' | ')}\n`);
  }
}

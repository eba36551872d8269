// Runs every acceptance scenario of ../shared/scenarios (copied into test/scenarios/cases) through
// the real binary, as the product is judged: exit code, mustFire and mustNotFire.
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCli } from '../helpers/cli.ts';

const CASES = path.join(import.meta.dirname, 'cases');

interface Expected {
  at: string;
  exit: number | number[];
  mustFire: { rule: string; target: string | string[] }[];
  mustNotFire: string[];
  description: string;
}

interface JsonFinding {
  rule: string;
  target: string;
  severity: string;
}

describe.each(readdirSync(CASES, { withFileTypes: true }).filter((d) => d.isDirectory()).map((d) => d.name))('scenario %s', (name) => {
  const dir = path.join(CASES, name);
  const expected = JSON.parse(readFileSync(path.join(dir, 'expected.json'), 'utf8')) as Expected;

  it(expected.description.slice(0, 100), () => {
    const r = runCli(['check', 'topology.yaml', '--format', 'json', '--at', expected.at], { cwd: dir });
    expect(r.stderr).toBe('');
    const exits = Array.isArray(expected.exit) ? expected.exit : [expected.exit];
    expect(exits, `exit ${r.code}; stdout: ${r.stdout.slice(0, 2000)}`).toContain(r.code);
    const findings = (JSON.parse(r.stdout) as { findings: JsonFinding[] }).findings;
    for (const want of expected.mustFire) {
      const targets = Array.isArray(want.target) ? want.target : [want.target];
      const hit = findings.some((f) => f.rule === want.rule && (targets.includes('*') || targets.includes(f.target)));
      expect(hit, `${want.rule} on ${targets.join('|')} should fire; got ${JSON.stringify(findings)}`).toBe(true);
    }
    const forbidden = findings.filter((f) => f.severity !== 'info' && expected.mustNotFire.includes(f.rule));
    expect(forbidden).toEqual([]);
  });
});

// Reports a reviewer can act on (ADR 0121), tried as a user would on copies of the example:
// a summary that counts new / baselined / fixed, both declarations of a duplicate, SARIF related
// locations and remedies.
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { ROOT, runCli } from '../helpers/cli.ts';

const dirs: string[] = [];
afterAll(() => dirs.forEach((d) => rmSync(d, { recursive: true, force: true })));

function example(edits: [string, string][]): string {
  const dir = mkdtempSync(path.join(tmpdir(), 'rc-review-'));
  dirs.push(dir);
  cpSync(path.join(ROOT, 'examples/rc-system'), dir, { recursive: true });
  const file = path.join(dir, 'rc-topology.yaml');
  let text = readFileSync(file, 'utf8');
  for (const [from, to] of edits) {
    if (!text.includes(from)) throw new Error(`not in the example: ${from}`);
    text = text.replace(from, to);
  }
  writeFileSync(file, text);
  return dir;
}

const renamed = (b: string): [string, string] => [`fqdn: ${b}.company.com`, `fqdn: ${b}-old.company.com`];

describe('with a baseline', () => {
  it('counts what is new, what is baselined and what was fixed since', () => {
    // The baseline: two brokers whose certificates lack their FQDN.
    const before = example([renamed('broker-us-1'), renamed('broker-in-3')]);
    const baseline = runCli(['check', '--at', '2026-12-01', '--format', 'json=previous.json'], { cwd: before });
    expect(baseline.code).toBe(1);
    // Now: broker-in-3 fixed, broker-us-1 still wrong, and a new error on slb-in.
    const now = example([renamed('broker-us-1'), ['protocol: tcp, backendPort: 443 }\n        backends: [broker-in-3]', 'protocol: https, backendPort: 443 }\n        backends: [broker-in-3]']]);
    const r = runCli(['check', '--at', '2026-12-01', '--baseline', path.join(before, 'previous.json'), '--format', 'text', '--format', 'markdown=summary.md'], { cwd: now });
    expect(r.code).toBe(1);
    const last = r.stdout.trimEnd().split('\n').pop()!;
    expect(last).toMatch(/^✖ rc-topology\.yaml: 2 errors on 2 objects, 0 warnings, 0 info \(1 new, 1 baselined, 1 fixed since the baseline\); \d+ checks not evaluated because of 2 findings /);
    expect(readFileSync(path.join(now, 'summary.md'), 'utf8')).toContain('**2 errors on 2 objects, 0 warnings, 0 info \\(1 new, 1 baselined, 1 fixed since the baseline\\)');
  });
});

describe('a duplicate id', () => {
  const dir = example([['- id: broker-us-2\n', '- id: broker-us-1\n']]);
  const r = runCli(['check', '--at', '2026-12-01', '--format', 'text', '--format', 'sarif=r.sarif', '--format', 'json=r.json'], { cwd: dir });

  it('names both declarations by line, in the text and as SARIF related locations', () => {
    // The example declares broker-us-1 at line 42 and broker-us-2 (now a second broker-us-1) at line 51.
    expect(r.stdout).toContain("rc-topology.yaml:51:9  error    id 'broker-us-1' is declared 2 times: broker at rc-topology.yaml:42:9 and broker at rc-topology.yaml:51:9  topology/duplicate-id");
    expect(r.stdout).toContain("      also: rc-topology.yaml:42:9  broker 'broker-us-1' is also declared here");
    const sarif = JSON.parse(readFileSync(path.join(dir, 'r.sarif'), 'utf8'));
    const result = sarif.runs[0].results.find((x: { ruleId: string }) => x.ruleId === 'topology/duplicate-id');
    expect(result.locations[0].physicalLocation.region.startLine).toBe(51);
    expect(result.relatedLocations).toEqual([
      { id: 0, physicalLocation: { artifactLocation: { uri: 'rc-topology.yaml' }, region: { startLine: 42, startColumn: 9 } }, message: { text: "broker 'broker-us-1' is also declared here" } },
    ]);
    const json = JSON.parse(readFileSync(path.join(dir, 'r.json'), 'utf8'));
    expect(json.findings.find((f: { rule: string }) => f.rule === 'topology/duplicate-id').related).toEqual([
      { location: { file: 'rc-topology.yaml', line: 42, column: 9 }, message: "broker 'broker-us-1' is also declared here" },
    ]);
  });

  it('gives every finding its remedy and the explain command; SARIF rule help carries both', () => {
    expect(r.stdout).toContain('      fix: Rename one of the objects and update the references to it.  (rc-policy explain topology/duplicate-id)');
    const sarif = JSON.parse(readFileSync(path.join(dir, 'r.sarif'), 'utf8'));
    const rule = sarif.runs[0].tool.driver.rules.find((x: { id: string }) => x.id === 'topology/duplicate-id');
    expect(rule.help.text).toContain('Remedy: Rename one of the objects');
    expect(rule.help.markdown).toContain('`rc-policy explain topology/duplicate-id`');
  });

  it('a duplicate FQDN names both servers with their lines', () => {
    const d = example([['fqdn: broker-in-3.company.com', 'fqdn: broker-us-1.company.com']]);
    const out = runCli(['check', '--at', '2026-12-01'], { cwd: d });
    expect(out.stdout).toContain('broker-us-1.company.com is the FQDN of both broker-us-1 (at rc-topology.yaml:42:9) and broker-in-3 (at rc-topology.yaml:70:9)');
  });
});

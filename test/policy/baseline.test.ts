// --baseline: adopt rc-policy in a repo with debt. Only findings not in the previous report fail.
import { writeFile, readFile } from 'node:fs/promises';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCli } from '../helpers/cli.ts';
import { baseline, broker, writeEstate } from '../helpers/estate.ts';

const json = (stdout: string) => JSON.parse(stdout);

describe('--baseline', () => {
  it('fails only on findings not in the baseline, shows the rest as existing, counts what was fixed', async () => {
    const e = await baseline();
    broker(e, 'broker-us-2').fqdn = 'broker-us-9.company.com'; // debt: in the baseline
    broker(e, 'broker-in-3').fqdn = 'broker-in-9.company.com'; // debt, fixed before the next run
    const dir = path.dirname(await writeEstate(e));
    const before = runCli(['check', 'rc-topology.yaml', '--at', '2026-12-01', '--format', 'json=previous.json'], { cwd: dir });
    expect(before.code).toBe(1);

    // Same debt (minus the fixed one): passes, the finding shown as existing.
    broker(e, 'broker-in-3').fqdn = 'broker-in-3.company.com';
    const dir2 = path.dirname(await writeEstate(e));
    await writeFile(path.join(dir2, 'previous.json'), await readFile(path.join(dir, 'previous.json')));
    const same = runCli(['check', 'rc-topology.yaml', '--at', '2026-12-01', '--baseline', 'previous.json', '--format', 'json'], { cwd: dir2 });
    expect(same.code).toBe(0);
    const report = json(same.stdout);
    const f = report.findings.find((x: { rule: string }) => x.rule === 'broker/name-mismatch');
    expect(f).toMatchObject({ target: 'broker-us-2', severity: 'error', baseline: true, waived: false });
    // Existing debt is still counted as what it is; it just does not fail the run.
    expect(report.summary.error).toBeGreaterThanOrEqual(1);
    expect(report.summary.baseline).toBe(report.findings.filter((x: { baseline?: boolean }) => x.baseline).length);
    expect(report.baseline).toEqual({ file: 'previous.json', existing: report.summary.baseline, new: 0, fixed: expect.any(Number) });
    expect(report.baseline.fixed).toBeGreaterThanOrEqual(1);
    const text = runCli(['check', 'rc-topology.yaml', '--at', '2026-12-01', '--baseline', 'previous.json'], { cwd: dir2 });
    expect(text.stdout).toMatch(/broker-us-9\.company\.com.*\(existing: in the baseline\)/);

    // New debt on top: fails, and only the new finding is marked new.
    broker(e, 'broker-us-1').fqdn = 'broker-us-8.company.com';
    const dir3 = path.dirname(await writeEstate(e));
    await writeFile(path.join(dir3, 'previous.json'), await readFile(path.join(dir, 'previous.json')));
    const worse = runCli(['check', 'rc-topology.yaml', '--at', '2026-12-01', '--baseline', 'previous.json', '--format', 'json', '--format', 'sarif=r.sarif'], { cwd: dir3 });
    expect(worse.code).toBe(1);
    const failing = json(worse.stdout).findings.filter((x: { baseline?: boolean; severity: string }) => !x.baseline && x.severity === 'error');
    expect(failing.map((x: { target: string }) => x.target)).toContain('broker-us-1');
    expect(failing.map((x: { target: string }) => x.target)).not.toContain('broker-us-2');
    const results = JSON.parse(await readFile(path.join(dir3, 'r.sarif'), 'utf8')).runs[0].results;
    const state = (target: string) => results.find((r: { ruleId: string; properties: { target: string } }) => r.ruleId === 'broker/name-mismatch' && r.properties.target === target).baselineState;
    expect(state('broker-us-2')).toBe('unchanged');
    expect(state('broker-us-1')).toBe('new');
  });

  it.each([
    ['missing', null, /cannot read previous\.json: no such file/],
    ['not JSON', '{"tool": ', /previous\.json:\d+:\d+: YAML: |previous\.json:\d+:\d+: /],
    ['not a report', '{"tool": {"name": "checkov"}, "findings": []}', /previous\.json:1:\d+: --baseline must be a JSON report from rc-policy check --format json: tool\.name is not 'rc-policy'/],
    ['findings without targets', '{"tool": {"name": "rc-policy"}, "findings": [{"rule": "broker/wildcard"}]}', /findings\[0\] has no string rule and target/],
  ])('a %s baseline is exit 2 with one line', async (_, content, message) => {
    const dir = path.dirname(await writeEstate(await baseline()));
    if (content !== null) await writeFile(path.join(dir, 'previous.json'), content);
    const r = runCli(['check', 'rc-topology.yaml', '--baseline', 'previous.json'], { cwd: dir });
    expect(r.code).toBe(2);
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
    expect(r.stderr).toMatch(message);
  });
});

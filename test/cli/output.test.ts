import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { parse } from 'yaml';
import { describe, expect, it } from 'vitest';
import { runCli } from '../helpers/cli.ts';

const SAN = 'test/scenarios/cases/san-missing-fqdn';
const check = (args: string[], env: Record<string, string | undefined> = {}) =>
  runCli(['check', 'topology.yaml', '--at', '2026-12-01', ...args], { cwd: SAN, env });

describe('text report', () => {
  it('groups findings by target and ends with one summary line', () => {
    const r = check([]);
    expect(r.stdout).toMatch(/^broker-in-3\n {2}topology\.yaml:63:13 {2}error +broker-in-3\.company\.com is not in the certificate's SAN/m);
    const last = r.stdout.trimEnd().split('\n').pop()!;
    // name-mismatch; the two handshakes that reach broker-in-3 and the extra SAN entry wait on it (ADR 0120).
    expect(last).toMatch(
      /^✖ topology\.yaml: 1 error on 1 object, 0 warnings, 0 info; 3 checks not evaluated because of one finding \(policy rc-default, evaluated at 2026-12-01T00:00:00\.000Z\)$/,
    );
    expect(r.stdout).toContain('      fix: Reissue the certificate with SAN = DNS:<fqdn> (and CN = <fqdn>).  (rc-policy explain broker/name-mismatch)');
    expect(r.stdout).toContain('↳ 3 checks not evaluated because of this: broker/extra-names on broker-in-3; trust/untrusted-server on controller-us->broker-in-3, target-in->broker-in-3');
  });

  it('colours severities when forced, never with NO_COLOR or --no-color', () => {
    expect(check([], { NO_COLOR: undefined, FORCE_COLOR: '1' }).stdout).toContain('\x1b[31merror');
    expect(check([], { NO_COLOR: '1', FORCE_COLOR: undefined }).stdout).not.toContain('\x1b[');
    expect(check(['--no-color'], { NO_COLOR: undefined, FORCE_COLOR: '1' }).stdout).not.toContain('\x1b[');
  });

  it('--quiet shows only what fails the run', () => {
    const r = check(['--quiet']);
    expect(r.stdout).toContain('broker/name-mismatch');
    expect(r.stdout).not.toContain('broker/extra-names');
  });
});

describe('JSON report (SPEC §5)', () => {
  it('has the documented shape', () => {
    const r = check(['--format', 'json']);
    const report = JSON.parse(r.stdout);
    expect(Object.keys(report)).toEqual(expect.arrayContaining(['tool', 'topology', 'evaluatedAt', 'summary', 'findings', 'matrix']));
    expect(report.tool).toEqual({ name: 'rc-policy', version: expect.stringMatching(/^\d+\.\d+\.\d+/) });
    expect(report.summary).toEqual({ error: 1, warning: 0, info: 0, waived: 0, notEvaluated: 3 });
    expect(report.findings[0]).toEqual({
      rule: 'broker/name-mismatch',
      severity: 'error',
      target: 'broker-in-3',
      message: expect.any(String),
      location: { file: 'topology.yaml', line: 63, column: 13 },
      waived: false,
      remedy: expect.any(String),
    });
    expect(report.notEvaluated).toContainEqual({
      rule: 'trust/untrusted-server',
      target: 'target-in->broker-in-3',
      message: expect.any(String),
      location: expect.any(Object),
      because: [{ rule: 'broker/name-mismatch', target: 'broker-in-3' }],
    });
  });

  it('reads a JSON topology and locates findings in it', () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'rc-json-'));
    const topo = parse(readFileSync(path.join(SAN, 'topology.yaml'), 'utf8'));
    // Point every file reference back at the scenario folder.
    const abs = (p: string) => path.resolve(SAN, p);
    for (const ca of topo.cas) ca.cert.file = abs(ca.cert.file);
    topo.trustBundles[0].file = abs(topo.trustBundles[0].file);
    for (const r of topo.regions) for (const b of r.brokers) b.cert.file = abs(b.cert.file);
    for (const c of topo.clients) c.cert.file = abs(c.cert.file);
    writeFileSync(path.join(dir, 'rc-topology.json'), JSON.stringify(topo, null, 2));
    // The files stay in the scenario folder, outside this topology's folder: allow that explicitly.
    const r = runCli(['check', 'rc-topology.json', '--at', '2026-12-01', '--format', 'json', '--allow-outside-repo'], { cwd: dir });
    expect(r.code).toBe(1);
    const f = JSON.parse(r.stdout).findings.find((x: { rule: string }) => x.rule === 'broker/name-mismatch');
    expect(f.location.file).toBe('rc-topology.json');
    expect(readFileSync(path.join(dir, 'rc-topology.json'), 'utf8').split('\n')[f.location.line - 1]).toContain('"file"');
  });
});

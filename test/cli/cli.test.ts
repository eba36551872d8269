import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCli } from '../helpers/cli.ts';

const tmp = mkdtempSync(path.join(tmpdir(), 'rc-policy-cli-'));
const write = (name: string, text: string) => {
  const p = path.join(tmp, name);
  writeFileSync(p, text);
  return p;
};

describe('rc-policy check (the real binary)', () => {
  it('exits 0 on the bundled example', () => {
    const r = runCli(['check', 'examples/rc-system/rc-topology.yaml']);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/0 errors, 0 warnings/);
  });

  it('exits 2 with a one-line message for an unknown option', () => {
    const r = runCli(['check', '--bogus']);
    expect(r.code).toBe(2);
    expect(r.stderr).toBe("rc-policy: unknown option '--bogus' (see rc-policy check --help)\n");
  });

  it('exits 2 for a missing topology, naming it', () => {
    const r = runCli(['check', path.join(tmp, 'nope.yaml')]);
    expect(r.code).toBe(2);
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
    expect(r.stderr).toMatch(/cannot read .*nope\.yaml: no such file/);
  });

  it('exits 2 with file:line:column for a YAML syntax error, and no stack trace', () => {
    const file = write('syntax.yaml', 'apiVersion: rc-policy/v1\nregions: [1, 2\nkind: x\n');
    const r = runCli(['check', file]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/syntax\.yaml:\d+:\d+: YAML: /);
    expect(r.stderr).not.toMatch(/\n\s+at /);
  });

  it('reports schema violations as findings at their line, exit 1', () => {
    const file = write(
      'schema.yaml',
      'apiVersion: rc-policy/v1\nkind: Topology\nmetadata: {name: t}\nregions:\n  - id: us\n    brokers:\n      - id: b1\n        fqdn: b1.x.com\n      - id: b2\n        fqdn: b2.x.com\n        port: "443"\n',
    );
    const r = runCli(['check', file, '--format', 'json']);
    expect(r.code).toBe(1);
    const report = JSON.parse(r.stdout);
    expect(report.findings).toEqual([
      expect.objectContaining({
        rule: 'topology/schema',
        target: 'b2',
        message: 'regions[0].brokers[1].port must be an integer',
        location: expect.objectContaining({ line: 11, column: 15 }),
      }),
    ]);
  });

  it('rejects a bad --at and a bad --fail-on with exit 2', () => {
    expect(runCli(['check', '--at', 'tomorrow']).code).toBe(2);
    const r = runCli(['check', '--fail-on', 'fatal']);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/--fail-on must be one of error, warning, info, never/);
  });

  it('honours --fail-on: warnings fail at warning, pass at error', () => {
    const dir = 'test/scenarios/cases/expiring-10-days';
    expect(runCli(['check', 'topology.yaml', '--at', '2026-12-01'], { cwd: dir }).code).toBe(0);
    expect(runCli(['check', 'topology.yaml', '--at', '2026-12-01', '--fail-on', 'warning'], { cwd: dir }).code).toBe(1);
    expect(runCli(['check', 'topology.yaml', '--at', '2026-12-01', '--fail-on', 'never'], { cwd: 'test/scenarios/cases/lb-tls-listener' }).code).toBe(0);
  });

  it('--at +30d moves the evaluation time', () => {
    const r = runCli(['check', 'examples/rc-system/rc-topology.yaml', '--at', '+3650d', '--format', 'json']);
    expect(r.code).toBe(1);
    expect(JSON.parse(r.stdout).findings.some((f: { rule: string }) => f.rule === 'cert/expired')).toBe(true);
  });
});

// "What breaks on date X?": one rollover plan (test/helpers/rollover.ts, phase issue-new) evaluated
// by the real binary with --at at three dates: before anything expires, inside the renewal windows
// of the old PKI, and after the leaves still under the old root have expired.
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../helpers/cli.ts';
import { writeEstate } from '../helpers/estate.ts';
import { rolloverEstate } from '../helpers/rollover.ts';

interface JsonReport {
  findings: { rule: string; severity: string; target: string }[];
  matrix: { client: string; server: string; ok: boolean }[];
  notEvaluated?: { rule: string; target: string; because: { rule: string; target: string }[] }[];
}

let dir: string;
beforeAll(async () => {
  dir = path.dirname(await writeEstate(await rolloverEstate({ phase: 'issue-new' })));
});

function checkAt(at: string) {
  const r = runCli(['check', 'rc-topology.yaml', '--format', 'json', '--at', at], { cwd: dir });
  expect(r.stderr).toBe('');
  const report = JSON.parse(r.stdout) as JsonReport;
  const targets = (rule: string) => report.findings.filter((f) => f.rule === rule).map((f) => f.target).sort();
  const waiting = (rule: string) => (report.notEvaluated ?? []).filter((d) => d.rule === rule).map((d) => d.target).sort();
  const failing = report.matrix.filter((p) => !p.ok).map((p) => `${p.client}->${p.server}`).sort();
  return { code: r.code, report, targets, waiting, failing };
}

describe('one rollover plan at three dates', () => {
  it('2026-12-01: both roots trusted, nothing expiring: clean, with the rollover progress', () => {
    const r = checkAt('2026-12-01');
    expect(r.code).toBe(0);
    expect(r.report.findings.filter((f) => f.severity !== 'info')).toEqual([]);
    expect(r.targets('rollover/progress')).toEqual(['root-2026']);
    expect(r.failing).toEqual([]);
  });

  it('2027-03-11: the old PKI is inside its renewal windows: warnings, every handshake still works', () => {
    const r = checkAt('2027-03-11');
    expect(r.code).toBe(0);
    expect(r.targets('cert/expiring')).toEqual(['broker-in-3', 'broker-us-2', 'clients-2025', 'issuing-2025', 'root-2025', 'root-2026-x', 'target-in', 'target-us']);
    expect(r.report.findings.filter((f) => f.severity === 'error')).toEqual([]);
    expect(r.failing).toEqual([]);
  });

  it('2027-04-10: the leaves not yet reissued have expired: those handshakes break, the reissued ones do not', () => {
    const r = checkAt('2027-04-10');
    expect(r.code).toBe(1);
    expect(r.targets('cert/expired')).toEqual(['broker-in-3', 'broker-us-2', 'target-in', 'target-us']);
    // The broken handshakes wait on the expired leaves (ADR 0120): one cause, one finding.
    expect(r.targets('trust/untrusted-server')).toEqual([]);
    expect(r.targets('trust/untrusted-client')).toEqual([]);
    expect(r.report.notEvaluated!.every((d) => d.because.every((c) => c.rule === 'cert/expired'))).toBe(true);
    expect(r.waiting('trust/untrusted-server')).toEqual([
      'controller-us->broker-in-3',
      'controller-us->broker-us-2',
      'target-in->broker-in-3',
      'target-in->broker-us-2',
      'target-us->broker-us-2',
    ]);
    expect(r.waiting('trust/untrusted-client')).toEqual([
      'target-in->broker-in-3',
      'target-in->broker-us-1',
      'target-in->broker-us-2',
      'target-us->broker-us-1',
      'target-us->broker-us-2',
    ]);
    expect(r.report.matrix.find((p) => p.client === 'controller-us' && p.server === 'broker-us-1')?.ok).toBe(true);
  });
});

// The Action (dist/index.js) in `mode: audit` when part of the estate cannot be read (ADR 0070):
// result `error`, the step fails even with soft-fail and fail-on: never, and everything the audit
// did see is still in the outputs, the annotations and the job summary. A waived gap does not fail.
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { mkdir, mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { parse, stringify } from 'yaml';
import type { Issued } from '../../src/pki/generate.ts';
import { testPki, type Pki } from '../helpers/estate.ts';
import { closedPort, nodeTlsServer } from '../helpers/servers.ts';
import { commandLines, runDist } from '../helpers/action.ts';
import { ROOT } from '../helpers/cli.ts';

let pki: Pki;
let leaves: Issued[];
let healthyPort: number;
let deadPort: number;

beforeAll(async () => {
  pki = await testPki();
  leaves = [await pki.server('broker-1.company.com'), await pki.server('broker-2.company.com')];
  healthyPort = (await nodeTlsServer({ leaf: leaves[0]!, chain: [pki.serverCa], clientCa: [pki.root, pki.clientCa] })).port;
  deadPort = await closedPort();
});

/** Two brokers reached by their topology address: broker-1 answers, broker-2's port is closed. */
const estate = (waivers?: object) => async (ws: string) => {
  await mkdir(path.join(ws, 'estate'), { recursive: true });
  await writeFile(path.join(ws, 'estate/root.pem'), pki.root.pem);
  await writeFile(path.join(ws, 'estate/server-issuing.pem'), pki.serverCa.pem);
  const brokers = [healthyPort, deadPort].map((port, i) => {
    const id = `broker-${i + 1}`;
    return { id, fqdn: `${id}.company.com`, address: '127.0.0.1', port, issuer: 'server-issuing', cert: { file: `${id}.pem` }, clientAuth: { required: true, trustBundle: 'trust' } };
  });
  for (const [i, leaf] of leaves.entries()) await writeFile(path.join(ws, `estate/broker-${i + 1}.pem`), leaf.pem + pki.serverCa.pem);
  const topology = {
    apiVersion: 'rc-policy/v1',
    kind: 'Topology',
    metadata: { name: 'live' },
    cas: [{ id: 'root', cert: { file: 'root.pem' } }, { id: 'server-issuing', issuer: 'root', cert: { file: 'server-issuing.pem' } }],
    trustBundles: [{ id: 'trust', cas: ['root'] }],
    regions: [{ id: 'local', brokers }],
    ...(waivers && { policy: { waivers: 'waivers.yaml' } }),
  };
  if (waivers) await writeFile(path.join(ws, 'estate/waivers.yaml'), stringify(waivers));
  await writeFile(path.join(ws, 'estate/live.yaml'), stringify(topology));
};

describe('the Action, mode: audit, when part of the estate cannot be read', () => {
  it('result error; the step fails even with soft-fail and fail-on: never; the outputs hold everything it saw', async () => {
    const step = await runDist({ topology: 'estate/live.yaml', mode: 'audit', at: '2026-12-01', 'soft-fail': 'true', 'fail-on': 'never' }, estate());
    expect(step.code, step.stdout + step.stderr).toBe(1);
    expect(step.outputs).toMatchObject({ result: 'error', errors: '1' });
    const report = JSON.parse(await readFile(step.outputs['report-json']!, 'utf8'));
    expect(report.incomplete).toEqual([
      {
        target: 'broker-2',
        source: `tls broker-2.company.com:${deadPort} via 127.0.0.1`,
        reason: 'connection refused',
        location: { file: 'estate/live.yaml', line: expect.any(Number), column: expect.any(Number) },
      },
    ]);
    expect(report.findings.map((f: { rule: string; target: string }) => `${f.rule} ${f.target}`)).toContain('live/unreachable broker-2');
    const errors = commandLines(step.stdout, 'error');
    expect(errors[0]).toBe(
      `::error title=rc-policy%3A audit incomplete::the audit is incomplete: could not evaluate 1 object (broker-2). broker-2: tls broker-2.company.com:${deadPort} via 127.0.0.1: connection refused`,
    );
    expect(errors.at(-1)).toBe('::error::rc-policy: the audit is incomplete: could not evaluate 1 object (broker-2); see "Not evaluated" in the job summary');
    expect(commandLines(step.stdout, 'warning').filter((l) => l.includes('soft-fail'))).toEqual([]);
    expect(step.summary).toMatch(/^## ⛔ rc-policy audit: live — incomplete\n/);
    expect(step.summary).toContain('### Not evaluated');
    expect(JSON.parse(await readFile(step.outputs['sarif-file']!, 'utf8')).runs[0].invocations[0].executionSuccessful).toBe(false);
  });

  it('the drift workflow opens the issue for an incomplete audit too, listing what was not evaluated', async () => {
    const step = await runDist({ topology: 'estate/live.yaml', mode: 'audit', at: '2026-12-01', 'soft-fail': 'true' }, estate());
    expect(step.outputs.result).toBe('error');
    const workflow = parse(readFileSync(path.join(ROOT, '.github/workflows/rc-policy-audit.yml'), 'utf8'));
    const issueStep = workflow.jobs.audit.steps.find((s: { name?: string }) => s.name === 'Open or update the drift issue');
    // The audit step failed (an incomplete audit fails even with soft-fail): without always() this step would be skipped.
    expect(issueStep.if).toMatch(/^always\(\) && /);
    expect(issueStep.if).toContain("steps.audit.outputs.result == 'error'");
    // Run its script as the runner does (bash -eo pipefail), with a gh that records what it is asked.
    const bin = await mkdtemp(path.join(tmpdir(), 'rc-policy-gh-'));
    await writeFile(path.join(bin, 'gh'), '#!/bin/sh\necho "$*" >> "$GH_LOG"\nwhile [ $# -gt 0 ]; do [ "$1" = --body-file ] && cp "$2" "$GH_BODY"; shift; done\nexit 0\n', { mode: 0o755 });
    const run = spawnSync('bash', ['--noprofile', '--norc', '-eo', 'pipefail', '-c', issueStep.run], {
      encoding: 'utf8',
      env: {
        PATH: `${bin}:${process.env.PATH}`,
        RUNNER_TEMP: bin,
        GH_LOG: path.join(bin, 'log'),
        GH_BODY: path.join(bin, 'body.md'),
        GH_TOKEN: 'x',
        REPO: 'acme/estate',
        RESULT: step.outputs.result,
        SUMMARY: step.outputs['report-markdown'],
        REPORT: step.outputs['report-json'],
        RUN_URL: 'https://github.com/acme/estate/actions/runs/1',
      },
    });
    expect(run.status, run.stderr).toBe(0);
    expect(readFileSync(path.join(bin, 'log'), 'utf8')).toMatch(/^issue create --repo acme\/estate .*--label rc-policy-drift/m);
    const body = readFileSync(path.join(bin, 'body.md'), 'utf8');
    expect(body).toMatch(/^The scheduled audit is incomplete: rc-policy could not evaluate part of the live estate/);
    expect(body).toContain(`- broker-2 (tls broker-2.company.com:${deadPort} via 127.0.0.1): connection refused`);
    expect(body).toContain('### Not evaluated');
  });

  it('a gap accepted by a waiver: the step passes on the findings alone', async () => {
    const waivers = { apiVersion: 'rc-policy/v1', kind: 'Waivers', waivers: [{ rule: 'live/unreachable', target: 'broker-2', reason: 'decommissioned on Friday', expires: '2099-01-01' }] };
    const step = await runDist({ topology: 'estate/live.yaml', mode: 'audit', at: '2026-12-01' }, estate(waivers));
    expect(step.code, step.stdout + step.stderr).toBe(0);
    expect(step.outputs).toMatchObject({ result: 'pass', errors: '0' });
    expect(step.summary).toMatch(/^## ✅ rc-policy audit: live — pass\n/);
    expect(step.summary).toContain('Every gap below is waived.');
  });
});

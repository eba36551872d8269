// The Action as the runner runs it: `node dist/index.js` (the committed bundle) with INPUT_* variables
// (hyphens kept, as the runner sets them), a workspace, and the files behind GITHUB_OUTPUT and
// GITHUB_STEP_SUMMARY. `npm run check-dist` (in .ci/run) proves dist/ is built from these sources.
import { cp, mkdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { stringify } from 'yaml';
import { ROOT } from '../helpers/cli.ts';
import { runDist, type Step } from '../helpers/action.ts';
import { testPki } from '../helpers/estate.ts';
import { mosquitto } from '../helpers/servers.ts';
import type { Issued } from '../../src/pki/generate.ts';

const CASES = path.join(ROOT, 'test/scenarios/cases');

/** The Action on a copy of one acceptance scenario (under `estate/` in the workspace). */
function runAction(scenario: string, inputs: Record<string, string>, prepare?: (workspace: string) => Promise<void>): Promise<Step> {
  return runDist(inputs, async (workspace) => {
    await cp(path.join(CASES, scenario), path.join(workspace, 'estate'), { recursive: true });
    await prepare?.(workspace);
  });
}

const commandLines = (stdout: string, type: string) => stdout.split('\n').filter((l) => l.startsWith(`::${type} `) || l.startsWith(`::${type}::`));

describe('the Action (dist/index.js, run as the runner does)', () => {
  it('passes on a clean topology: outputs, no annotations, a summary with both diagrams', async () => {
    const step = await runAction('baseline', { topology: 'estate/topology.yaml', at: '2026-12-01', 'fail-on': 'error' });
    expect(step.code, step.stdout + step.stderr).toBe(0);
    expect(step.outputs).toMatchObject({ errors: '0', warnings: '0', result: 'pass' });
    const report = JSON.parse(await readFile(step.outputs['report-json']!, 'utf8'));
    expect(report).toMatchObject({ topology: 'estate/topology.yaml', findings: [] });
    expect(JSON.parse(await readFile(step.outputs['sarif-file']!, 'utf8')).runs[0].results).toEqual([]);
    expect(commandLines(step.stdout, 'error')).toEqual([]);
    expect(step.summary).toMatch(/^## ✅ rc-policy check: rc-prod — pass/);
    expect(step.summary).toContain('```mermaid\nflowchart LR');
    expect(step.summary).toContain('```mermaid\ngantt');
    expect(await readFile(step.outputs['report-markdown']!, 'utf8')).toBe(step.summary);
  });

  it('fails on a failing topology: annotation on the topology line (path from the repo root), outputs, summary', async () => {
    const step = await runAction('lb-tls-listener', { topology: 'estate/topology.yaml', at: '2026-12-01', 'sarif-file': 'reports/rc-policy.sarif' });
    expect(step.code).toBe(1);
    expect(step.outputs).toMatchObject({ errors: '1', result: 'fail', 'sarif-file': path.join(step.workspace, 'reports/rc-policy.sarif') });
    const [annotation, failure] = commandLines(step.stdout, 'error');
    expect(annotation).toMatch(/^::error file=estate\/topology\.yaml,line=\d+,col=\d+,title=lb\/no-tls-termination \(slb-us\)::slb-us has a tls listener on port 443/);
    const line = Number(/line=(\d+)/.exec(annotation!)![1]);
    const topology = (await readFile(path.join(step.workspace, 'estate/topology.yaml'), 'utf8')).split('\n');
    expect(topology[line - 1]).toMatch(/protocol: tls/); // the offending listener
    expect(failure).toBe(
      "::error::rc-policy: 1 finding at or above 'error' (1 errors, 0 warnings); all findings are in the job summary and the JSON and SARIF reports (outputs report-json, sarif-file)",
    );
    const sarif = JSON.parse(await readFile(path.join(step.workspace, 'reports/rc-policy.sarif'), 'utf8'));
    expect(sarif.runs[0].results[0].locations[0].physicalLocation.artifactLocation.uri).toBe('estate/topology.yaml');
    expect(step.summary).toMatch(/^## ❌ rc-policy check: rc-prod — fail/);
    expect(step.summary).toContain(`(https://github.com/acme/estate/blob/0123456789abcdef0123456789abcdef01234567/estate/topology.yaml#L${line})`);
    expect(step.summary).toMatch(/class n\d+ error/);
  });

  it('15 error findings: at most 10 error annotations, the failure message among them, a pointer to the rest, the job summary complete', async () => {
    const loadBalancers = Array.from({ length: 15 }, (_, i) => ({ id: `slb-${i + 1}`, type: 'azure-standard-lb', listeners: [{ port: 443, protocol: 'tls' }], backends: [] }));
    const topology = { apiVersion: 'rc-policy/v1', kind: 'Topology', metadata: { name: 'fifteen' }, regions: [{ id: 'us', loadBalancers }] };
    const step = await runDist({ topology: 'rc-topology.yaml' }, async (workspace) => {
      await mkdir(workspace, { recursive: true });
      await writeFile(path.join(workspace, 'rc-topology.yaml'), stringify(topology));
    });
    expect(step.code).toBe(1);
    expect(step.outputs).toMatchObject({ errors: '15', result: 'fail' });
    const errors = commandLines(step.stdout, 'error');
    expect(errors.length).toBeLessThanOrEqual(10);
    expect(errors.filter((l) => l.includes('title=lb/no-tls-termination'))).toHaveLength(9);
    // The failure message is the last error line: the one GitHub would have dropped as the 11th.
    expect(errors.at(-1)).toMatch(/^::error::rc-policy: 15 findings at or above 'error' \(15 errors, 0 warnings\); all findings are in the job summary/);
    for (const type of ['warning', 'notice']) expect(commandLines(step.stdout, type).length).toBeLessThanOrEqual(10);
    expect(commandLines(step.stdout, 'notice')).toEqual([expect.stringMatching(/6 more not annotated \(GitHub shows 10 per type\): 6 errors\. All findings are in the job summary/)]);
    // The job summary and the reports hold all 15.
    for (let i = 1; i <= 15; i++) expect(step.summary).toContain(`slb-${i} `);
    const report = JSON.parse(await readFile(step.outputs['report-json']!, 'utf8'));
    expect(report.findings).toHaveLength(15);
    expect(JSON.parse(await readFile(step.outputs['sarif-file']!, 'utf8')).runs[0].results).toHaveLength(15);
  });

  it('soft-fail reports the failure without failing the step', async () => {
    const step = await runAction('lb-tls-listener', { topology: 'estate/topology.yaml', at: '2026-12-01', 'soft-fail': 'true', annotations: 'false', summary: 'false' });
    expect(step.code).toBe(0);
    expect(step.outputs.result).toBe('fail');
    expect(commandLines(step.stdout, 'warning')[0]).toMatch(/not failing the step \(soft-fail\)/);
    expect(commandLines(step.stdout, 'error')).toEqual([]); // annotations: false
    expect(step.summary).toBe(''); // summary: false
  });

  it('fail-on: warning fails on a warning', async () => {
    const pass = await runAction('expiring-10-days', { topology: 'estate/topology.yaml', at: '2026-12-01' });
    expect(pass.code).toBe(0);
    expect(commandLines(pass.stdout, 'warning')[0]).toMatch(/^::warning file=estate\/topology\.yaml,line=\d+,col=\d+,title=cert\/expiring \(broker-us-1\)::/);
    const fail = await runAction('expiring-10-days', { topology: 'estate/topology.yaml', at: '2026-12-01', 'fail-on': 'warning' });
    expect(fail.code).toBe(1);
    expect(fail.outputs).toMatchObject({ warnings: '1', result: 'fail' });
  });

  it('never lets file content act as a workflow command', async () => {
    const step = await runAction('baseline', { topology: 'estate/topology.yaml', at: '2026-12-01', waivers: 'estate/waivers.yaml' }, async (ws) => {
      const waivers = { apiVersion: 'rc-policy/v1', kind: 'Waivers', waivers: [{ rule: 'broker/wildcard', target: 'broker-us-1', reason: 'harmless\n::error::pwned\n::add-mask::x', expires: '2020-01-01' }] };
      await writeFile(path.join(ws, 'estate/waivers.yaml'), stringify(waivers));
    });
    expect(step.code).toBe(1); // the expired waiver is an error
    const lines = step.stdout.split('\n');
    const stop = lines.findIndex((l) => l.startsWith('::stop-commands::'));
    const token = lines[stop]!.slice('::stop-commands::'.length);
    const resume = lines.indexOf(`::${token}::`);
    expect(stop).toBeGreaterThanOrEqual(0);
    expect(resume).toBeGreaterThan(stop);
    lines.forEach((l, i) => {
      if (l === '::error::pwned' || l.startsWith('::add-mask::')) expect(i > stop && i < resume, `line ${i} '${l}' outside stop-commands`).toBe(true);
    });
    expect(step.stdout).toContain('::error file=estate/waivers.yaml,line=');
    // The line breaks never reach the renderer: messages escape them where the text enters (decision 0053).
    expect(step.stdout).toContain('harmless\\x0a::error::pwned\\x0a::add-mask::x');
    expect(step.summary).not.toMatch(/^::/m);
  });

  it('mode: audit probes the live broker (a real mosquitto) and reports drift on the topology line', async () => {
    const pki = await testPki();
    const served = await pki.server('broker-1.company.com');
    const declared = await pki.server('broker-1.company.com'); // what the repo says it should serve
    const broker = await mosquitto({ leaf: served, chain: [pki.serverCa], clientCa: [pki.root, pki.clientCa], requireCertificate: true });
    const live = (leaf: Issued) => async (ws: string) => {
      await writeFile(path.join(ws, 'estate/broker-1.pem'), leaf.pem + pki.serverCa.pem);
      await writeFile(path.join(ws, 'estate/root.pem'), pki.root.pem);
      await writeFile(path.join(ws, 'estate/server-issuing.pem'), pki.serverCa.pem);
      const topology = {
        apiVersion: 'rc-policy/v1',
        kind: 'Topology',
        metadata: { name: 'live' },
        cas: [{ id: 'root', cert: { file: 'root.pem' } }, { id: 'server-issuing', issuer: 'root', cert: { file: 'server-issuing.pem' } }],
        trustBundles: [{ id: 'trust', cas: ['root'] }],
        regions: [{ id: 'local', brokers: [{ id: 'broker-1', fqdn: 'broker-1.company.com', address: '127.0.0.1', port: broker.port, issuer: 'server-issuing', cert: { file: 'broker-1.pem' }, clientAuth: { required: true, trustBundle: 'trust' } }] }],
      };
      await writeFile(path.join(ws, 'estate/live.yaml'), stringify(topology));
    };
    const clean = await runAction('baseline', { topology: 'estate/live.yaml', mode: 'audit', at: '2026-12-01' }, live(served));
    expect(clean.code, clean.stdout).toBe(0);
    expect(clean.outputs).toMatchObject({ errors: '0', result: 'pass' });
    expect(JSON.parse(await readFile(clean.outputs['report-json']!, 'utf8'))).toMatchObject({ mode: 'audit' });
    expect(clean.summary).toMatch(/^## ✅ rc-policy audit: live — pass/);
    const drift = await runAction('baseline', { topology: 'estate/live.yaml', mode: 'audit', at: '2026-12-01' }, live(declared));
    expect(drift.code).toBe(1);
    expect(drift.outputs).toMatchObject({ errors: '1', result: 'fail' });
    expect(commandLines(drift.stdout, 'error')[0]).toMatch(/^::error file=estate\/live\.yaml,line=\d+,col=\d+,title=live\/certificate-drift \(broker-1\)::broker-1 presents /);
  });

  it('bad inputs fail the step with one line, even with soft-fail', async () => {
    const badLevel = await runAction('baseline', { topology: 'estate/topology.yaml', 'fail-on': 'fatal', 'soft-fail': 'true' });
    expect(badLevel.code).toBe(1);
    expect(commandLines(badLevel.stdout, 'error')).toEqual(["::error::rc-policy: input 'fail-on' must be one of error, warning, info, never (got 'fatal')"]);
    const missing = await runAction('baseline', { topology: 'estate/nope.yaml' });
    expect(missing.code).toBe(1);
    expect(commandLines(missing.stdout, 'error')).toEqual(['::error::rc-policy: cannot read estate/nope.yaml: no such file']);
    expect(missing.outputs.result).toBe('error');
  });
});

// The Action's audit inputs, as the runner passes them (INPUT_*), through dist/index.js against a
// real mosquitto on loopback: regions, resolve, timeout, concurrency, and the probe's client
// certificate and key from secrets, which never reach the log, the outputs or the reports.
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { stringify } from 'yaml';
import { commandLines, runDist } from '../helpers/action.ts';
import { testPki } from '../helpers/estate.ts';
import { mosquitto } from '../helpers/servers.ts';
import { issue, privateKeyPem, type Issued } from '../../src/pki/generate.ts';

/** One broker in region `local` that the topology names only by FQDN (reached through `resolve`), and one in `far` that nothing answers for. */
async function estate(ws: string, served?: Issued) {
  const pki = await testPki();
  await mkdir(ws, { recursive: true });
  await writeFile(path.join(ws, 'broker-1.pem'), (served ?? (await pki.server('broker-1.company.com'))).pem + pki.serverCa.pem);
  await writeFile(path.join(ws, 'broker-2.pem'), (await pki.server('broker-2.company.com')).pem + pki.serverCa.pem);
  await writeFile(path.join(ws, 'root.pem'), pki.root.pem);
  await writeFile(path.join(ws, 'server-issuing.pem'), pki.serverCa.pem);
  const broker = (id: string, fqdn: string) => ({ id, fqdn, port: 8883, issuer: 'server-issuing', cert: { file: `${id}.pem` }, clientAuth: { required: true, trustBundle: 'trust' } });
  const topology = {
    apiVersion: 'rc-policy/v1',
    kind: 'Topology',
    metadata: { name: 'live' },
    cas: [{ id: 'root', cert: { file: 'root.pem' } }, { id: 'server-issuing', issuer: 'root', cert: { file: 'server-issuing.pem' } }],
    trustBundles: [{ id: 'trust', cas: ['root'] }],
    regions: [
      { id: 'local', brokers: [broker('broker-1', 'broker-1.company.com')] },
      { id: 'far', brokers: [broker('broker-2', 'broker-2.company.com')] },
    ],
  };
  await writeFile(path.join(ws, 'rc-topology.yaml'), stringify(topology));
}

describe('the Action in mode: audit, with the live inputs', () => {
  it('audits the selected region through resolve with the client certificate from secrets, and never prints the key', async () => {
    const pki = await testPki();
    const served = await pki.server('broker-1.company.com');
    const server = await mosquitto({ leaf: served, chain: [pki.serverCa], clientCa: [pki.root, pki.clientCa], requireCertificate: true });
    const client = await pki.client('controller');
    const key = await privateKeyPem(client.keys);
    const inputs = {
      mode: 'audit',
      at: '2026-12-01',
      regions: 'local',
      resolve: `broker-1.company.com:8883:127.0.0.1:${server.port}\n`,
      timeout: '3000',
      concurrency: '2',
      'client-cert': client.pem + pki.clientCa.pem,
      'client-key': key,
    };
    const step = await runDist(inputs, (ws) => estate(ws, served));
    expect(step.code, step.stdout).toBe(0);
    expect(step.outputs).toMatchObject({ errors: '0', result: 'pass' });
    const report = JSON.parse(await readFile(step.outputs['report-json']!, 'utf8'));
    expect(report).toMatchObject({ mode: 'audit', incomplete: [] });
    // broker-2 is in region far: not probed, so its missing answer is no gap.
    expect(JSON.stringify(report)).not.toContain('broker-2.company.com:8883');
    const keyLines = key.split('\n').filter((l) => l.length > 20 && !l.startsWith('-----'));
    const written = [step.stdout, step.stderr, step.summary, step.outputFile, await readFile(step.outputs['sarif-file']!, 'utf8'), JSON.stringify(report)].join('\n');
    for (const line of keyLines) expect(written).not.toContain(line);
    // Without the region filter, broker-2 is audited too: nothing answers for it, so the audit is incomplete.
    const all = await runDist({ ...inputs, regions: '' }, (ws) => estate(ws, served));
    expect(all.outputs.result).toBe('error');
    expect(commandLines(all.stdout, 'error').at(-1)).toMatch(/^::error::rc-policy: the audit is incomplete: could not evaluate 1 object \(broker-2\)/);
  });

  it('a client key that does not belong to the certificate fails the step with one line and without the key', async () => {
    const now = Date.now();
    const a = await issue({ subject: 'CN=a', notBefore: new Date(now - 86_400_000), notAfter: new Date(now + 86_400_000) });
    const b = await issue({ subject: 'CN=b', notBefore: new Date(now - 86_400_000), notAfter: new Date(now + 86_400_000) });
    const key = await privateKeyPem(b.keys);
    const step = await runDist({ mode: 'audit', regions: 'local', 'client-cert': a.pem, 'client-key': key }, (ws) => estate(ws));
    expect(step.outputs.result).toBe('error');
    expect(commandLines(step.stdout, 'error')).toEqual([expect.stringMatching(/^::error::rc-policy: the probe's client certificate and key cannot be used: .*key values mismatch$/)]);
    expect(step.stdout + step.stderr).not.toContain(key.split('\n')[1]!);
  });

  it.each([
    [{ mode: 'check', resolve: 'a:1:127.0.0.1' }, "input 'resolve' applies to mode: audit only"],
    [{ mode: 'audit', timeout: 'soon' }, "input 'timeout' must be a whole number (got 'soon')"],
    [{ mode: 'audit', 'client-cert': 'x' }, "the probe needs both a client certificate and its key (inputs 'client-cert' and 'client-key')"],
    [{ mode: 'audit', 'azure-credential': 'magic' }, "input 'azure-credential' must be one of auto, cli, github-oidc, default (got 'magic')"],
  ])('%j fails the step with one line', async (inputs, message) => {
    const step = await runDist(inputs, (ws) => estate(ws));
    expect(step.outputs.result).toBe('error');
    expect(commandLines(step.stdout, 'error')).toEqual([`::error::rc-policy: ${message}`]);
  });
});

// `rc-policy lab` as a newcomer uses it: start it, run the audit command it prints, stop it with
// Ctrl-C. The audit's evidence must match what the brokers really serve, checked here with an
// independent TLS client, and the healthy broker must have no finding.
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import tls from 'node:tls';
import { afterAll, describe, expect, it } from 'vitest';
import { BIN, runCliAsync } from '../helpers/cli.ts';
import type { Report } from '../../src/report/types.ts';

const tmp = await mkdtemp(path.join(tmpdir(), 'rc-policy-lab-test-'));
afterAll(() => rm(tmp, { recursive: true, force: true }));

/** The SHA-256 of the leaf a server at 127.0.0.1:port presents for `servername`, as Node's own TLS client sees it. */
function servedLeaf(port: number, servername: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const s = tls.connect({ host: '127.0.0.1', port, servername, rejectUnauthorized: false }, () => {
      resolve(s.getPeerCertificate().fingerprint256.replace(/:/g, '').toLowerCase());
      s.destroy();
    });
    s.on('error', reject);
  });
}

describe('rc-policy lab', () => {
  it('starts four brokers; the printed audit finds drift, missing client auth and the dead broker, with the served fingerprints as evidence; Ctrl-C deletes the key folder', async () => {
    const child = spawn(process.execPath, [BIN, 'lab', 'my-lab'], { cwd: tmp, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    child.stdout.on('data', (d) => (out += d));
    child.stderr.on('data', (d) => (err += d));
    const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
    try {
      const started = Date.now();
      while (!out.includes('Press Ctrl-C')) {
        if (child.exitCode !== null) throw new Error(`lab exited ${child.exitCode}: ${err}`);
        if (Date.now() - started > 30_000) throw new Error(`lab did not start within 30 s: ${out}${err}`);
        await new Promise((r) => setTimeout(r, 50));
      }
      // The command exactly as printed, continuation lines joined.
      const lines = out.split('\n');
      const first = lines.findIndex((l) => l.startsWith('npx rc-policy audit '));
      const last = lines.findIndex((l, i) => i >= first && !l.endsWith('\\'));
      const command = lines.slice(first, last + 1).join(' ').replace(/\\/g, ' ').trim().split(/\s+/).slice(2);
      expect(command[1]).toBe('my-lab/rc-topology.yaml');
      const keyDir = /The probe's client key: (\S+)/.exec(out)![1]!;
      expect(existsSync(keyDir)).toBe(true);

      const r = await runCliAsync([...command, '--format', 'json'], { cwd: tmp });
      expect(r.stderr).toMatch(/incomplete/);
      expect(r.code).toBe(2); // the dead broker: part of the estate could not be read
      const report = JSON.parse(r.stdout) as Report;
      const live = report.findings.filter((f) => !f.waived).map((f) => `${f.rule} ${f.target}`).sort();
      expect(live).toEqual(['live/certificate-drift broker-drifted', 'live/client-auth-not-enforced broker-no-mtls', 'live/unreachable broker-dead']);
      expect(report.findings.filter((f) => f.target === 'broker-healthy')).toEqual([]);

      const resolveOf = (id: string) => Number(command.find((a) => a.startsWith(`${id}.rc-lab.test:`))!.split(':').at(-1));
      const byTarget = new Map(report.observations!.endpoints.filter((e) => !e.sniFor).map((e) => [e.target, e]));
      for (const id of ['broker-healthy', 'broker-drifted', 'broker-no-mtls']) {
        const o = byTarget.get(id)!;
        expect(o.address).toBe(`127.0.0.1:${resolveOf(id)}`);
        expect(o.tlsVersion).toBe('TLSv1.3');
        expect(o.chain).toHaveLength(2);
        expect(o.chain[0]).toBe(await servedLeaf(resolveOf(id), `${id}.rc-lab.test`));
      }
      expect(byTarget.get('broker-healthy')!.clientAuth).toBe('enforced');
      expect(byTarget.get('broker-drifted')!.clientAuth).toBe('enforced');
      expect(byTarget.get('broker-no-mtls')!.clientAuth).toBe('not-enforced');
      expect(byTarget.get('broker-dead')).toMatchObject({ chain: [], clientAuth: 'not-tested', error: 'connection refused' });
      // Through the layer-4 relay every SNI reaches broker-healthy.
      const frontends = report.observations!.endpoints.filter((e) => e.sniFor);
      expect(frontends.map((e) => `${e.target} ${e.sniFor} ${e.backend}`)).toEqual([
        'slb-lab broker-healthy broker-healthy',
        'slb-lab broker-drifted broker-healthy',
        'slb-lab broker-no-mtls broker-healthy',
        'slb-lab broker-dead broker-healthy',
      ]);
      expect(report.observations!.keyVault).toEqual([]);
      // The dead broker's handshake was never tried: not evaluated because of live/unreachable, not ✔.
      const dead = report.matrix!.find((p) => p.server === 'broker-dead')!;
      expect(dead.ok).toBe(false);
      expect(dead.serverAuth.because).toEqual([{ rule: 'live/unreachable', target: 'broker-dead' }]);
      expect(report.notEvaluated!.map((d) => `${d.rule} ${d.target}`)).toEqual(['trust/untrusted-server lab-client->broker-dead']);
      expect(report.matrix!.filter((p) => p.server !== 'broker-dead').every((p) => p.ok)).toBe(true);
      // No Key Vault in the lab: its rules did not apply (not "ran").
      const status = new Map(report.rules!.map((x) => [x.id, x.status]));
      expect(status.get('live/key-vault-drift')).toBe('not-applicable');
      expect(status.get('live/key-vault-missing')).toBe('not-applicable');
      expect(status.get('live/certificate-drift')).toBe('ran');

      child.kill('SIGINT');
      expect(await exited).toBe(0);
      expect(existsSync(keyDir)).toBe(false);
      expect(err).toMatch(/stopped \(SIGINT\)/);
    } finally {
      // Even when an assertion failed: stop it as a user would, so that it deletes its key folder.
      if (child.exitCode === null) {
        child.kill('SIGINT');
        const stopped = await Promise.race([exited.then(() => true), new Promise<boolean>((r) => setTimeout(() => r(false), 10_000))]);
        if (!stopped) child.kill('SIGKILL');
      }
    }
  });

  it('refuses to overwrite an existing topology without --force', async () => {
    const dir = await mkdtemp(path.join(tmp, 'taken-'));
    await import('node:fs/promises').then((fs) => fs.writeFile(path.join(dir, 'rc-topology.yaml'), 'x'));
    const r = await runCliAsync(['lab', dir]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/already exists \(use --force/);
  });
});

// `rc-policy audit` (the real binary) when the estate cannot all be read (ADR 0070): it still
// reports everything it found, lists what it could not evaluate in every format, exits 2 ("could
// not evaluate") whatever --fail-on says, says so in one line on stderr, and ends within the
// budget its --timeout sets — with the SDK's real retries, and even when `az` never answers.
import { chmod, mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { stringify } from 'yaml';
import { DEFAULT_RETRY } from '../../src/sources/keyvault.ts';
import { FORMATS } from '../../src/report/formats.ts';
import { baseline, broker, days, region, writeEstate, type Estate } from '../helpers/estate.ts';
import { FakeKeyVault, FAKE_TOKEN } from '../helpers/keyvault-server.ts';
import { nodeTlsServer, type Running } from '../helpers/servers.ts';
import { resettingServer } from '../helpers/faults.ts';
import { runCliAsync } from '../helpers/cli.ts';

let tmp: string;
let kv: FakeKeyVault;
/** The environment of a laptop with an `az login`: an `az` stand-in that prints a token. */
let env: Record<string, string | undefined>;

async function azStandIn(dir: string, script: string): Promise<string> {
  await mkdir(dir, { recursive: true });
  await writeFile(path.join(dir, 'az'), `#!/bin/sh\n${script}\n`);
  await chmod(path.join(dir, 'az'), 0o755);
  return dir;
}

beforeAll(async () => {
  tmp = await mkdtemp(path.join(tmpdir(), 'rc-policy-audit-faults-'));
  const expires = Math.floor(Date.now() / 1000) + 3600;
  const bin = await azStandIn(path.join(tmp, 'bin'), `echo '{"accessToken":"${FAKE_TOKEN}","expiresOn":"2099-01-01 00:00:00.000000","expires_on":${expires},"tokenType":"Bearer"}'`);
  env = { PATH: `${bin}:${process.env.PATH}`, CI: undefined, GITHUB_ACTIONS: undefined };
});
afterAll(() => rm(tmp, { recursive: true, force: true }));
beforeEach(async () => {
  kv = await FakeKeyVault.start(['kv-us', 'kv-in', 'kv-silent', 'kv-broken']);
  await writeFile(path.join(tmp, 'kv-ca.pem'), kv.ca.pem);
  env.NODE_EXTRA_CA_CERTS = path.join(tmp, 'kv-ca.pem');
});
afterEach(() => kv.stop());

const to = (host: string, server: Running) => ['--resolve', `${host}:443:127.0.0.1:${server.port}`];
const vaults = () => kv.vaults.flatMap((v) => ['--resolve', `${v}.vault.azure.net:443:127.0.0.1:${kv.port}`]);

/** The baseline estate without load balancers, its brokers' certificates in Key Vault. */
async function estate(): Promise<Estate> {
  const e = await baseline();
  for (const r of e.topology.regions) r.loadBalancers = [];
  e.topology.globalLoadBalancers = [];
  for (const c of e.topology.clients) c.connectsTo = ['broker-us-1', 'broker-us-2', 'broker-in-3'];
  return e;
}

/** Real TLS servers for the brokers, with the estate's own leaves (re-issued so the test holds the keys). */
async function serveBrokers(e: Estate, ids: readonly string[]): Promise<string[]> {
  const args: string[] = [];
  for (const id of ids) {
    const leaf = await e.pki.server(`${id}.company.com`);
    e.files[`certs/${id}.pem`] = leaf.pem + e.pki.serverCa.pem;
    kv.put(id.includes('-us-') ? 'kv-us' : 'kv-in', `${id}-cert`, [{ der: leaf.cert.der, created: days(-30, new Date()) }]);
    args.push(...to(`${id}.company.com`, await nodeTlsServer({ leaf, chain: [e.pki.serverCa], clientCa: [e.pki.root, e.pki.clientCa] })));
  }
  return args;
}

type JsonReport = { findings: { rule: string; target: string; severity: string; waived: boolean }[]; incomplete?: { target: string; source: string; reason: string; waived?: boolean }[] };

describe('rc-policy audit: an incomplete audit exits 2', () => {
  it('TLS and Key Vault faults: every finding reported, every gap listed, exit 2, within the budget of --timeout', async () => {
    const e = await estate();
    const resolve = await serveBrokers(e, ['broker-us-2', 'broker-in-3']);
    resolve.push(...to('broker-us-1.company.com', await resettingServer()));
    kv.put('kv-us', 'broker-us-1-cert', [{ der: (await e.pki.server('broker-us-1.company.com')).cert.der, created: days(-30, new Date()) }]);
    // A broker whose name does not resolve, and clients whose certificates live in a silent and a failing vault.
    const in4 = await e.pki.server('broker-in-4.rc.invalid');
    e.files['certs/broker-in-4.pem'] = in4.pem + e.pki.serverCa.pem;
    const { address: _, ...in3 } = broker(e, 'broker-in-3');
    region(e, 'in').brokers.push({ ...in3, id: 'broker-in-4', fqdn: 'broker-in-4.rc.invalid', cert: { file: 'certs/broker-in-4.pem' } });
    const client = (id: string) => e.topology.clients.find((c: { id: string }) => c.id === id);
    client('controller-us').cert.keyVault = { vault: 'kv-silent', certificate: 'controller-us-cert' };
    client('target-us').cert.keyVault = { vault: 'kv-broken', certificate: 'target-us-cert' };
    kv.fault('kv-silent', '*', { hang: true });
    kv.fault('kv-broken', '*', { status: 500 });
    const file = await writeEstate(e);
    const timeout = 500;
    const started = Date.now();
    const r = await runCliAsync(['audit', file, ...resolve, ...vaults(), '--azure-credential', 'cli', '--timeout', String(timeout), '--format', 'json'], { env });
    const ms = Date.now() - started;

    expect(r.code, r.stderr).toBe(2);
    expect(r.stderr).toBe('rc-policy: the audit is incomplete: could not evaluate 4 objects (broker-us-1, broker-in-4, controller-us, target-us); see "Not evaluated" in the report\n');
    const report = JSON.parse(r.stdout) as JsonReport;
    expect(report.incomplete!.map((g) => `${g.target} ${g.source.split(' ')[0]}`)).toEqual([
      'broker-us-1 tls',
      'broker-in-4 tls',
      'controller-us key-vault',
      'target-us key-vault',
    ]);
    expect(report.incomplete!.find((g) => g.target === 'controller-us')!.reason).toBe(`no answer within ${timeout} ms (after ${DEFAULT_RETRY.attempts} attempts)`);
    expect(report.incomplete!.find((g) => g.target === 'target-us')!.reason).toBe(`HTTP 500 InternalServerError: Injected 500. (after ${DEFAULT_RETRY.attempts} attempts)`);
    // Everything the audit did see is still reported: the gaps as findings, and the rest of the estate evaluated.
    expect(report.findings.filter((f) => f.severity === 'error').map((f) => `${f.rule} ${f.target}`).sort()).toEqual(
      ['broker-in-4', 'broker-us-1', 'controller-us', 'target-us'].map((t) => `live/unreachable ${t}`),
    );
    // The budget: four Key Vault attempts of --timeout each, plus backoff of at most 1 + 2 + 4 s (ADR 0043), plus process start.
    const backoff = DEFAULT_RETRY.baseDelayMs * (1 + 2 + 4);
    expect(ms).toBeLessThan(DEFAULT_RETRY.attempts * timeout + backoff + 3000);
  }, 30_000);

  it('every format shows what was not evaluated; --fail-on never does not turn it into a pass', async () => {
    const e = await estate();
    const resolve = await serveBrokers(e, ['broker-us-2', 'broker-in-3']);
    resolve.push(...to('broker-us-1.company.com', await resettingServer()));
    for (const b of ['broker-us-1', 'broker-us-2', 'broker-in-3']) delete broker(e, b).cert.keyVault; // no Key Vault here: TLS only
    const file = await writeEstate(e);
    const out = path.join(path.dirname(file), 'out');
    const formats = Object.keys(FORMATS).filter((f) => f !== 'text').flatMap((f) => ['--format', `${f}=${path.join(out, `report.${f}`)}`]);
    const r = await runCliAsync(['audit', 'rc-topology.yaml', ...resolve, '--timeout', '800', '--fail-on', 'never', '--format', 'text', ...formats], { env, cwd: path.dirname(file) });
    expect(r.code, r.stderr).toBe(2);
    expect(r.stderr).toMatch(/^rc-policy: the audit is incomplete: could not evaluate 1 object \(broker-us-1\); see "Not evaluated" in the report\n$/);
    const reason = 'the server reset the connection during the TLS handshake, before answering the ClientHello';
    expect(r.stdout).toMatch(new RegExp(`Not evaluated \\(the audit could not read these\\):\\n  rc-topology\\.yaml:\\d+:\\d+  gap      broker-us-1: tls broker-us-1\\.company\\.com:443 via 127\\.0\\.0\\.1:\\d+ \\(--resolve\\): ${reason}\\n`));
    expect(r.stdout.trimEnd().split('\n').at(-1)).toBe('✖ the audit is incomplete: could not evaluate 1 object (broker-us-1)');
    const read = (f: string) => readFile(path.join(out, `report.${f}`), 'utf8');
    expect((JSON.parse(await read('json')) as JsonReport).incomplete).toEqual([expect.objectContaining({ target: 'broker-us-1', reason })]);
    const sarif = JSON.parse(await read('sarif'));
    // The gap is the one error; the handshakes to the silent broker are notes that wait on its finding.
    const notifications = sarif.runs[0].invocations[0].toolExecutionNotifications as { level: string; message: { text: string } }[];
    expect(sarif.runs[0].invocations[0].executionSuccessful).toBe(false);
    expect(notifications.filter((n) => n.level === 'error')).toEqual([expect.objectContaining({ message: { text: expect.stringContaining(reason) } })]);
    expect(notifications.filter((n) => n.level === 'note').map((n) => n.message.text)).toEqual(
      ['controller-us', 'target-us', 'target-in'].map((c) => expect.stringMatching(new RegExp(`^trust/untrusted-server on ${c}->broker-us-1: not evaluated because of live/unreachable on broker-us-1 \\(${c}'s handshake with broker-us-1 \\(broker-us-1\\.company\\.com\\) was not tried: broker-us-1 did not answer the audit's probe\\)$`))),
    );
    expect(await read('junit')).toMatch(/<testsuite name="rc-policy\/not-evaluated" tests="1" failures="0" errors="1" skipped="0"/);
    expect(await read('markdown')).toMatch(/^## ⛔ rc-policy audit: rc-test — incomplete\n/);
    expect(await read('github')).toMatch(/^::error title=rc-policy%3A audit incomplete::the audit is incomplete: could not evaluate 1 object \(broker-us-1\)\. broker-us-1: tls /);
  });

  it('a gap accepted by a waiver does not fail the run: exit by the findings alone', async () => {
    const e = await estate();
    const resolve = await serveBrokers(e, ['broker-us-2', 'broker-in-3']);
    resolve.push(...to('broker-us-1.company.com', await resettingServer()));
    for (const b of ['broker-us-1', 'broker-us-2', 'broker-in-3']) delete broker(e, b).cert.keyVault;
    e.files['waivers.yaml'] = stringify({
      apiVersion: 'rc-policy/v1',
      kind: 'Waivers',
      waivers: [{ rule: 'live/unreachable', target: 'broker-us-1', reason: 'being rebuilt this week', expires: '2099-01-31' }],
    });
    e.topology.policy = { waivers: 'waivers.yaml' };
    const r = await runCliAsync(['audit', await writeEstate(e), ...resolve, '--timeout', '800', '--format', 'json'], { env });
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect((JSON.parse(r.stdout) as JsonReport).incomplete).toEqual([expect.objectContaining({ target: 'broker-us-1', waived: true })]);
  });

  it('an `az` that never answers: exit 2 within the budget, the process does not wait for it', async () => {
    const e = await estate();
    const resolve = await serveBrokers(e, ['broker-us-1', 'broker-us-2', 'broker-in-3']);
    const bin = await azStandIn(path.join(tmp, 'hanging-az'), `echo $$ >> ${path.join(tmp, 'hanging-az', 'pids')}\nexec sleep 20`);
    const timeout = 300;
    const started = Date.now();
    const r = await runCliAsync(['audit', await writeEstate(e), ...resolve, ...vaults(), '--azure-credential', 'cli', '--timeout', String(timeout), '--format', 'json'], {
      env: { ...env, PATH: `${bin}:${process.env.PATH}` },
    });
    const ms = Date.now() - started;
    // The stand-ins this test started: stop them by their own pid.
    for (const pid of (await readFile(path.join(bin, 'pids'), 'utf8').catch(() => '')).split('\n').filter(Boolean)) {
      try {
        process.kill(Number(pid));
      } catch {
        // already gone
      }
    }
    expect(r.code, r.stderr).toBe(2);
    const report = JSON.parse(r.stdout) as JsonReport;
    expect(report.incomplete!.map((g) => g.target)).toEqual(['broker-us-1', 'broker-us-2', 'broker-in-3']);
    for (const g of report.incomplete!) expect(g.reason).toMatch(new RegExp(`^(no Azure token within ${timeout} ms: the credential did not answer|not tried: kv-(us|in) did not answer \\d requests in a row .*)`));
    const backoff = DEFAULT_RETRY.baseDelayMs * (1 + 2 + 4);
    expect(ms).toBeLessThan(DEFAULT_RETRY.attempts * timeout + backoff + 3000);
  }, 30_000);
});

// Secrets never leak from a live audit (issue 7, the live half). A private key, a PFX password and
// bearer tokens are planted everywhere an audit meets them — the probe's client key (file and
// environment), a broker's certificate file with its key appended, a .pfx where a certificate is
// expected (in the topology and as --client-cert), an encrypted key whose passphrase is the PFX
// password, the environment a CI runner and an Azure login leave behind, the token the Azure
// login hands out, and Key Vault error answers that quote that token back — and the audit is run
// where errors happen (vaults that fail, TLS resets and stalls, bad client credentials) in every
// output format, with --debug, through the library, the CLI and the Action (dist/index.js in
// mode: audit, with the runner's debug logging on). No output may contain any secret, in any
// encoding we could print it; each run also asserts it did its job, so a silent run cannot pass.
import { execFileSync } from 'node:child_process';
import { createPrivateKey, randomBytes } from 'node:crypto';
import { chmod, mkdir, mkdtemp, readdir, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { stringify } from 'yaml';
import { audit } from '../../src/audit.ts';
import { privateKeyPem, type Issued } from '../../src/pki/generate.ts';
import { FORMATS } from '../../src/report/formats.ts';
import { baseline, broker, days, T0, type Estate } from '../helpers/estate.ts';
import { FakeKeyVault } from '../helpers/keyvault-server.ts';
import { nodeTlsServer, type Running } from '../helpers/servers.ts';
import { resettingServer, stallingServer } from '../helpers/faults.ts';
import { runCliAsync } from '../helpers/cli.ts';
import { runDist } from '../helpers/action.ts';

// The audit imports the Azure SDK lazily, on its first Key Vault read. Under vitest that first import
// is transformed from source (over a second on Node 22) and would eat the probes' short timeouts;
// the shipped bundle has no such step. Load it once before anything is timed.
beforeAll(async () => {
  await import('@azure/keyvault-certificates');
}, 60_000);

interface Planted {
  /** The probe's client key (PKCS#8 PEM) — also appended to a broker's certificate file. */
  readonly keyPem: string;
  /** The same key encrypted with the PFX password. */
  readonly encryptedKeyPem: string;
  readonly pfx: Uint8Array;
  readonly pfxPassword: string;
  /** What the Azure login hands out: opaque, so only rc-policy's own knowledge of it can remove it. */
  readonly azureToken: string;
  /** A JWT, as the runner's OIDC request token and Entra tokens look. */
  readonly jwt: string;
  readonly clientSecret: string;
  readonly githubToken: string;
}

let s: Planted;
let client: Issued;
let kv: FakeKeyVault;
let tmp: string;

/** Every form in which a secret could be printed: PEM body lines, DER hex, the password and its base64, each token. */
function needles(): string[] {
  const pemLines = (pem: string) => pem.split('\n').filter((l) => l.length >= 16 && !l.startsWith('-----'));
  const der = Buffer.from(s.keyPem.replace(/-----[^-]+-----|\s/g, ''), 'base64').toString('hex');
  return [
    ...pemLines(s.keyPem),
    ...pemLines(s.encryptedKeyPem),
    der.slice(0, 64),
    der.slice(-64),
    Buffer.from(s.pfx).toString('base64').slice(0, 64),
    Buffer.from(s.pfx).toString('hex').slice(0, 64),
    s.pfxPassword,
    Buffer.from(s.pfxPassword).toString('base64'),
    s.azureToken,
    s.jwt,
    s.jwt.split('.')[1]!,
    s.clientSecret,
    s.githubToken,
  ];
}

const leaks = (text: string): string[] => needles().filter((n) => text.includes(n));

/** The environment of a CI runner with an Azure login and GitHub OIDC: every value a secret. */
const secretEnv = (): Record<string, string> => ({
  AZURE_CLIENT_SECRET: s.clientSecret,
  AZURE_CLIENT_CERTIFICATE_PASSWORD: s.pfxPassword,
  RC_PFX_PASSWORD: s.pfxPassword,
  ACTIONS_ID_TOKEN_REQUEST_TOKEN: s.jwt,
  ACTIONS_RUNTIME_TOKEN: s.jwt,
  GITHUB_TOKEN: s.githubToken,
  AZURE_ACCESS_TOKEN: s.azureToken,
});

/** A real PKCS#12 file from OpenSSL (the password through the environment, never argv). */
async function makePfx(certPem: string, keyPem: string, password: string): Promise<Uint8Array> {
  const dir = await mkdtemp(path.join(tmpdir(), 'rc-policy-pfx-'));
  await writeFile(path.join(dir, 'cert.pem'), certPem);
  await writeFile(path.join(dir, 'key.pem'), keyPem, { mode: 0o600 });
  execFileSync('openssl', ['pkcs12', '-export', '-inkey', 'key.pem', '-in', 'cert.pem', '-passout', 'env:PFX_PASSWORD', '-out', 'store.pfx'], {
    cwd: dir,
    env: { ...process.env, PFX_PASSWORD: password },
    stdio: 'ignore',
  });
  return new Uint8Array(await readFile(path.join(dir, 'store.pfx')));
}

beforeAll(async () => {
  tmp = await mkdtemp(path.join(tmpdir(), 'rc-policy-live-leak-'));
  const e = await baseline();
  client = await e.pki.client('rc-policy-probe');
  const keyPem = await privateKeyPem(client.keys);
  const pfxPassword = `pfx-${randomBytes(12).toString('hex')}`;
  const b64url = (n: number) => randomBytes(n).toString('base64url');
  s = {
    keyPem,
    encryptedKeyPem: createPrivateKey(keyPem).export({ type: 'pkcs8', format: 'pem', cipher: 'aes-256-cbc', passphrase: pfxPassword }) as string,
    pfx: await makePfx(client.pem, keyPem, pfxPassword),
    pfxPassword,
    azureToken: `opaque-${randomBytes(24).toString('hex')}`,
    jwt: `eyJhbGciOiJSUzI1NiIsInR5cCI6IkpXVCJ9.${b64url(48)}.${b64url(64)}`,
    clientSecret: `cs~${randomBytes(16).toString('hex')}`,
    githubToken: `ghs_${randomBytes(18).toString('hex')}`,
  };
  kv = await FakeKeyVault.start(['kv-us', 'kv-in'], { token: s.azureToken });
  await writeFile(path.join(tmp, 'kv-ca.pem'), kv.ca.pem);
  // The Azure CLI login as AzureCliCredential runs it: it prints the token and nothing else.
  await mkdir(path.join(tmp, 'bin'));
  const expires = Math.floor(Date.now() / 1000) + 3600;
  await writeFile(path.join(tmp, 'bin/az'), `#!/bin/sh\necho '{"accessToken":"${s.azureToken}","expiresOn":"2099-01-01 00:00:00.000000","expires_on":${expires},"tokenType":"Bearer"}'\n`);
  await chmod(path.join(tmp, 'bin/az'), 0o755);
});
afterAll(() => kv?.stop());

/**
 * The baseline estate with its keys planted: broker-us-1's certificate file carries its key, and
 * broker-in-3's certificate is a .pfx. Key Vault quotes the token back in every error it gives.
 */
async function plantedEstate(): Promise<{ e: Estate; served: Record<string, Issued> }> {
  const e = await baseline();
  for (const r of e.topology.regions) r.loadBalancers = [];
  e.topology.globalLoadBalancers = [];
  for (const c of e.topology.clients) c.connectsTo = ['broker-us-1', 'broker-us-2', 'broker-in-3'];
  const served: Record<string, Issued> = {};
  for (const id of ['broker-us-1', 'broker-us-2', 'broker-in-3']) {
    served[id] = await e.pki.server(`${id}.company.com`);
    e.files[`certs/${id}.pem`] = served[id].pem + e.pki.serverCa.pem;
  }
  e.files['certs/broker-us-1.pem'] += s.keyPem;
  e.files['certs/broker-in-3.pfx'] = s.pfx;
  broker(e, 'broker-in-3').cert.file = 'certs/broker-in-3.pfx';
  kv.put('kv-us', 'broker-us-1-cert', [{ der: served['broker-us-1']!.cert.der, created: days(-30, new Date()) }]);
  kv.fault('kv-us', 'broker-us-2-cert', { status: 403, echo: true });
  kv.fault('kv-in', 'broker-in-3-cert', { status: 403, echo: true });
  return { e, served };
}

async function writeTo(dir: string, e: Pick<Estate, 'topology' | 'files'>): Promise<void> {
  for (const [rel, content] of Object.entries(e.files)) {
    await mkdir(path.dirname(path.join(dir, rel)), { recursive: true });
    await writeFile(path.join(dir, rel), content);
  }
  await writeFile(path.join(dir, 'rc-topology.yaml'), stringify(e.topology));
}

/** Every file under `dir`, by name (report files, the Action's outputs and summary). */
async function filesIn(dir: string): Promise<Record<string, string>> {
  const out: Record<string, string> = {};
  for (const entry of await readdir(dir, { recursive: true, withFileTypes: true }).catch(() => [])) {
    if (entry.isFile()) out[path.relative(dir, path.join(entry.parentPath, entry.name))] = await readFile(path.join(entry.parentPath, entry.name), 'utf8');
  }
  return out;
}

function expectNoLeak(outputs: Record<string, string>): void {
  expect(Object.keys(outputs).length).toBeGreaterThan(0);
  for (const [where, text] of Object.entries(outputs)) expect(leaks(text), where).toEqual([]);
}

/**
 * Servers for the planted estate: broker-us-1 real (probed with the client key), broker-us-2
 * resets, broker-in-3 stalls after its ServerHello (or, where the timeout cannot be set, resets too).
 */
async function serve(e: Estate, served: Record<string, Issued>, o: { stall: boolean } = { stall: true }): Promise<Record<string, Running>> {
  return {
    'broker-us-1': await nodeTlsServer({ leaf: served['broker-us-1']!, chain: [e.pki.serverCa], clientCa: [e.pki.root, e.pki.clientCa] }),
    'broker-us-2': await resettingServer(),
    'broker-in-3': o.stall ? await stallingServer({ leaf: served['broker-in-3']!, chain: [e.pki.serverCa] }) : await resettingServer(),
  };
}

const resolveArgs = (servers: Record<string, Running>) => [
  ...Object.entries(servers).flatMap(([id, srv]) => ['--resolve', `${id}.company.com:443:127.0.0.1:${srv.port}`]),
  ...kv.vaults.flatMap((v) => ['--resolve', `${v}.vault.azure.net:443:127.0.0.1:${kv.port}`]),
];

const cliEnv = (extra: Record<string, string> = {}) => ({
  ...secretEnv(),
  PATH: `${path.join(tmp, 'bin')}:${process.env.PATH}`,
  CI: undefined,
  GITHUB_ACTIONS: undefined,
  NODE_EXTRA_CA_CERTS: path.join(tmp, 'kv-ca.pem'),
  ...extra,
});

type JsonReport = { findings: { rule: string; target: string; message: string }[]; incomplete: { target: string; reason: string }[] };

describe('secrets never leak from a live audit', () => {
  it('the CLI, every format and --debug, with failing vaults that quote the token, TLS resets and stalls, the client key from the environment', async () => {
    const { e, served } = await plantedEstate();
    const dir = await mkdtemp(path.join(tmp, 'cli-'));
    await writeTo(dir, e);
    const servers = await serve(e, served);
    const formats = Object.keys(FORMATS).flatMap((f) => ['--format', `${f}=out/report.${f}`]);
    const r = await runCliAsync(['audit', 'rc-topology.yaml', ...resolveArgs(servers), '--azure-credential', 'cli', '--timeout', '700', '--debug', '--format', 'text', ...formats], {
      cwd: dir,
      env: cliEnv({ RC_POLICY_CLIENT_CERT: client.pem + e.pki.clientCa.pem, RC_POLICY_CLIENT_KEY: s.keyPem }),
    });
    expectNoLeak({ stdout: r.stdout, stderr: r.stderr, ...(await filesIn(path.join(dir, 'out'))) });
    // It did its job: the token went to Key Vault, the errors came back, the probe used the key.
    expect(r.code, r.stderr).toBe(2);
    expect(kv.requests.some((q) => q.authorized)).toBe(true);
    const report = JSON.parse(await readFile(path.join(dir, 'out/report.json'), 'utf8')) as JsonReport;
    const gaps = report.incomplete.map((g) => `${g.target}: ${g.reason}`).sort();
    expect(gaps).toEqual([
      expect.stringMatching(/^broker-in-3: HTTP 403 Forbidden \(access denied\): /),
      expect.stringMatching(/^broker-in-3: the server sent its ServerHello/),
      expect.stringMatching(/^broker-us-2: HTTP 403 Forbidden \(access denied\): /),
      'broker-us-2: the server reset the connection during the TLS handshake, before answering the ClientHello',
    ]);
    // The vault's own words are kept, with the token taken out.
    expect(gaps[2]).toMatch(/Request rejected; it carried Authorization: Bearer \[redacted\] \(token \[redacted\]\)/);
    const rules = report.findings.map((f) => `${f.rule} ${f.target}`);
    expect(rules).toContain('cert/private-key-material broker-us-1');
    expect(rules).toContain('cert/private-key-material broker-in-3');
    expect(rules).not.toContain('live/unreachable broker-us-1'); // the probe's mTLS handshake with the key succeeded
  }, 30_000);

  it('the library: audit() hands its caller no secret either', async () => {
    const { e, served } = await plantedEstate();
    const dir = await mkdtemp(path.join(tmp, 'lib-'));
    await writeTo(dir, e);
    const servers = await serve(e, served);
    const report = await audit({
      topology: path.join(dir, 'rc-topology.yaml'),
      cwd: dir,
      at: T0,
      resolve: resolveArgs(servers).filter((a) => a !== '--resolve'),
      credential: { getToken: async () => ({ token: s.azureToken, expiresOnTimestamp: Date.now() + 3_600_000 }) },
      keyVaultCa: kv.ca.pem,
      keyVaultRetry: { attempts: 1, baseDelayMs: 10, maxDelayMs: 10 },
      timeoutMs: 700,
      clientCertificate: { cert: client.pem + e.pki.clientCa.pem, key: s.keyPem },
    });
    expect(leaks(JSON.stringify(report))).toEqual([]);
    expect(report.incomplete?.map((g) => g.target).sort()).toEqual(['broker-in-3', 'broker-in-3', 'broker-us-2', 'broker-us-2']);
  }, 30_000);

  it.each([
    ['a .pfx as --client-cert and --client-key', (dir: string) => ['--client-cert', path.join(dir, 'probe.pfx'), '--client-key', path.join(dir, 'probe.pfx')], /client certificate must be PEM/],
    ['the key as --client-cert', (dir: string) => ['--client-cert', path.join(dir, 'probe.key'), '--client-key', path.join(dir, 'probe.key')], /client certificate must be PEM/],
    ['an encrypted key', (dir: string) => ['--client-cert', path.join(dir, 'probe.pem'), '--client-key', path.join(dir, 'probe-encrypted.key')], /client key is encrypted/],
  ])('bad client credentials, --debug: %s exits 2 with one line and no secret', async (_name, args, message) => {
    const { e } = await plantedEstate();
    const dir = await mkdtemp(path.join(tmp, 'bad-'));
    await writeTo(dir, e);
    await writeFile(path.join(dir, 'probe.pfx'), s.pfx);
    await writeFile(path.join(dir, 'probe.key'), s.keyPem);
    await writeFile(path.join(dir, 'probe-encrypted.key'), s.encryptedKeyPem);
    await writeFile(path.join(dir, 'probe.pem'), client.pem);
    const r = await runCliAsync(['audit', 'rc-topology.yaml', ...args(dir), '--debug', '--format', 'text', '--format', 'json=out/report.json'], { cwd: dir, env: cliEnv() });
    expectNoLeak({ stdout: r.stdout, stderr: r.stderr, ...(await filesIn(path.join(dir, 'out'))) });
    expect(r.code).toBe(2);
    expect(r.stderr.split('\n')[0]).toMatch(message); // then, with --debug, the stack trace
    expect(r.stdout).toBe('');
  });

  it('the Action, mode: audit, runner debug logging on: outputs, GITHUB_OUTPUT, job summary, SARIF and log', async () => {
    const { e, served } = await plantedEstate();
    // The Action has no --resolve: the brokers are reached by their topology address, and the
    // vaults by a URL that cannot resolve (a vault the runner cannot reach). Nor --timeout: no stall.
    const servers = await serve(e, served, { stall: false });
    for (const id of ['broker-us-1', 'broker-us-2', 'broker-in-3']) Object.assign(broker(e, id), { address: '127.0.0.1', port: servers[id]!.port });
    for (const r of e.topology.regions) r.keyVault = { name: `kv-${r.id}`, url: `https://kv-${r.id}.vault.invalid` };
    const step = await runDist(
      { topology: 'estate/rc-topology.yaml', mode: 'audit', 'soft-fail': 'true', 'sarif-file': 'out/rc-policy.sarif', token: s.githubToken },
      (ws) => writeTo(path.join(ws, 'estate'), e),
      {
        ...secretEnv(),
        ACTIONS_STEP_DEBUG: 'true',
        RUNNER_DEBUG: '1',
        ACTIONS_ID_TOKEN_REQUEST_URL: 'http://127.0.0.1:9/token',
        AZURE_CLIENT_ID: '00000000-0000-4000-8000-000000000001',
        AZURE_TENANT_ID: '00000000-0000-4000-8000-000000000002',
        RC_POLICY_CLIENT_KEY: s.keyPem,
      },
    );
    // Everything the step wrote: under RUNNER_TEMP (report.json, summary.md, results) and the SARIF in the workspace.
    const written = Object.fromEntries(Object.entries(await filesIn(path.dirname(step.workspace))).filter(([f]) => !f.startsWith('repo/') || f.startsWith('repo/out/')));
    expect(Object.keys(written)).toEqual(expect.arrayContaining(['repo/out/rc-policy.sarif', expect.stringMatching(/report\.json$/), expect.stringMatching(/summary\.md$/)]));
    expectNoLeak({ stdout: step.stdout, stderr: step.stderr, GITHUB_OUTPUT: step.outputFile, GITHUB_STEP_SUMMARY: step.summary, ...written });
    // It did its job: an incomplete audit that found the planted keys.
    expect(step.code).toBe(1);
    expect(step.outputs.result).toBe('error');
    const report = JSON.parse(await readFile(step.outputs['report-json']!, 'utf8')) as JsonReport;
    expect(report.findings.map((f) => `${f.rule} ${f.target}`)).toEqual(expect.arrayContaining(['cert/private-key-material broker-us-1', 'cert/private-key-material broker-in-3']));
    expect(report.incomplete.map((g) => g.target).sort()).toEqual(['broker-in-3', 'broker-in-3', 'broker-us-1', 'broker-us-2', 'broker-us-2']);
  }, 30_000);
});

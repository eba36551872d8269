// `rc-policy audit` on the repository's example, the real binary pointed with --resolve at local
// brokers (mosquitto and Node TLS servers), haproxy load balancers and a local Key Vault (real Azure
// SDK; AzureCliCredential runs an `az` stand-in that prints a token). The example's private keys
// were discarded when it was generated, so:
//  1. a regenerated copy of the example (its committed rc-topology.yaml, a fresh PKI whose keys this
//     test keeps) serves the repo's own certificates — except where the test sets up drift — and
//     the audit must report exactly that drift;
//  2. the committed example itself, served with fresh certificates, drifts on every broker.
import { copyFile, mkdtemp, readFile, rm, writeFile, chmod, mkdir } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { writeRcSystem } from '../../src/init/rc-system.ts';
import { issue, type Issued } from '../../src/pki/generate.ts';
import { FakeKeyVault, FAKE_TOKEN } from '../helpers/keyvault-server.ts';
import { haproxy, mosquitto, nodeTlsServer, type Running } from '../helpers/servers.ts';
import { ROOT, runCliAsync } from '../helpers/cli.ts';

const EXAMPLE = path.join(ROOT, 'examples/rc-system/rc-topology.yaml');
const BROKERS = ['broker-us-1', 'broker-us-2', 'broker-in-3'] as const;

let tmp: string;
let kv: FakeKeyVault;
let env: Record<string, string | undefined>;

beforeAll(async () => {
  tmp = await mkdtemp(path.join(tmpdir(), 'rc-policy-audit-cli-'));
  // `az account get-access-token` as AzureCliCredential runs it: prints a token, nothing else.
  const bin = path.join(tmp, 'bin');
  await mkdir(bin);
  const az = path.join(bin, 'az');
  const expires = Math.floor(Date.now() / 1000) + 3600;
  await writeFile(az, `#!/bin/sh\necho '{"accessToken":"${FAKE_TOKEN}","expiresOn":"2099-01-01 00:00:00.000000","expires_on":${expires},"tokenType":"Bearer"}'\n`);
  await chmod(az, 0o755);
  await writeFile(path.join(tmp, 'kv-ca.pem'), '');
  env = { PATH: `${bin}:${process.env.PATH}`, CI: undefined, GITHUB_ACTIONS: undefined };
});
afterAll(async () => {
  await kv?.stop();
  await rm(tmp, { recursive: true, force: true });
});

async function startKeyVault(): Promise<void> {
  await kv?.stop();
  kv = await FakeKeyVault.start(['kv-us', 'kv-in']);
  await writeFile(path.join(tmp, 'kv-ca.pem'), kv.ca.pem);
  env.NODE_EXTRA_CA_CERTS = path.join(tmp, 'kv-ca.pem'); // how a user trusts a private endpoint's CA
}

interface Served {
  readonly brokers: Record<(typeof BROKERS)[number], Running>;
  readonly lbs: Record<'slb-us' | 'slb-in' | 'crlb', Running>;
}

/** broker-us-1 on mosquitto, the others on Node TLS servers, all requiring client certificates; haproxy pass-through in front. */
async function serve(chains: Record<(typeof BROKERS)[number], { leaf: Issued; chain: Issued[] }>, clientCa: Issued[]): Promise<Served> {
  const brokers = {
    'broker-us-1': await mosquitto({ ...chains['broker-us-1'], clientCa, requireCertificate: true }),
    'broker-us-2': await nodeTlsServer({ ...chains['broker-us-2'], clientCa }),
    'broker-in-3': await nodeTlsServer({ ...chains['broker-in-3'], clientCa, maxVersion: 'TLSv1.2' }),
  };
  const lbs = {
    'slb-us': await haproxy({ backends: [brokers['broker-us-1'].port, brokers['broker-us-2'].port] }),
    'slb-in': await haproxy({ backends: [brokers['broker-in-3'].port] }),
    crlb: await haproxy({ backends: Object.values(brokers).map((b) => b.port) }),
  };
  return { brokers, lbs };
}

function resolveArgs(s: Served): string[] {
  const entries = [
    ...BROKERS.map((id) => `${id}.company.com:443:127.0.0.1:${s.brokers[id].port}`),
    `slb-us.company.com:443:127.0.0.1:${s.lbs['slb-us'].port}`,
    `slb-in.company.com:443:127.0.0.1:${s.lbs['slb-in'].port}`,
    `rc.company.com:443:127.0.0.1:${s.lbs.crlb.port}`,
    ...kv.vaults.map((v) => `${v}.vault.azure.net:443:127.0.0.1:${kv.port}`),
  ];
  return entries.flatMap((e) => ['--resolve', e]);
}

const vaultOf = (id: string) => (id.includes('-us-') ? 'kv-us' : 'kv-in');
const DAY = 86_400_000;

type JsonFinding = { rule: string; target: string; severity: string; message: string; location: { file: string; line: number } };

describe('rc-policy audit on the example (the real binary)', () => {
  it('a regenerated copy of the example reports exactly the drift the test set up', async () => {
    await startKeyVault();
    const dir = path.join(tmp, 'regenerated');
    const issued = new Map<string, Issued>();
    // The same generator and dates as scripts/gen-example.ts; this time the keys are kept.
    await writeRcSystem(dir, { notBefore: new Date('2026-01-01T00:00:00Z'), leafDays: 6 * 365, caDays: 12 * 365, rootDays: 20 * 365, onIssued: (id, c) => issued.set(id, c) });
    await copyFile(EXAMPLE, path.join(dir, 'rc-topology.yaml')); // the repo's topology, byte for byte
    const serverCa = issued.get('server-issuing')!;
    const now = Date.now();
    // broker-in-3 was renewed by hand: Key Vault and the broker have the new certificate, the repo does not.
    const renewedIn3 = await issue({ subject: 'CN=broker-in-3.company.com, O=Company', issuer: serverCa, dns: ['broker-in-3.company.com'], eku: ['serverAuth'], key: 'rsa-2048', notBefore: new Date(now - DAY), notAfter: new Date(now + 300 * DAY) });
    // broker-us-2's renewal is uploaded to Key Vault but not rolled out: the broker still serves the repo's.
    const uploadedUs2 = await issue({ subject: 'CN=broker-us-2.company.com, O=Company', issuer: serverCa, dns: ['broker-us-2.company.com'], eku: ['serverAuth'], key: 'rsa-2048', notBefore: new Date(now - DAY), notAfter: new Date(now + 300 * DAY) });
    kv.put('kv-us', 'broker-us-1-cert', [{ der: issued.get('broker-us-1')!.cert.der, created: new Date(now - 30 * DAY) }]);
    kv.put('kv-us', 'broker-us-2-cert', [
      { der: issued.get('broker-us-2')!.cert.der, created: new Date(now - 30 * DAY) },
      { der: uploadedUs2.cert.der, created: new Date(now - DAY) },
    ]);
    kv.put('kv-in', 'broker-in-3-cert', [
      { der: issued.get('broker-in-3')!.cert.der, created: new Date(now - 30 * DAY) },
      { der: renewedIn3.cert.der, created: new Date(now - DAY) },
    ]);
    const served = await serve(
      {
        'broker-us-1': { leaf: issued.get('broker-us-1')!, chain: [serverCa] },
        'broker-us-2': { leaf: issued.get('broker-us-2')!, chain: [serverCa] },
        'broker-in-3': { leaf: renewedIn3, chain: [serverCa] },
      },
      [issued.get('root')!, issued.get('client-issuing')!],
    );
    const r = await runCliAsync(['audit', 'rc-topology.yaml', ...resolveArgs(served), '--azure-credential', 'cli', '--timeout', '3000', '--format', 'json'], { cwd: dir, env });
    expect(r.stderr).toBe('');
    expect(r.code).toBe(1);
    const report = JSON.parse(r.stdout) as { mode: string; findings: JsonFinding[] };
    expect(report.mode).toBe('audit');
    const notInfo = report.findings.filter((f) => f.severity !== 'info').map((f) => `${f.severity} ${f.rule} ${f.target}`);
    expect(notInfo).toEqual(['error live/certificate-drift broker-in-3', 'warning live/key-vault-drift broker-us-2']);
    const drift = report.findings.find((f) => f.rule === 'live/certificate-drift')!;
    expect(drift.message).toBe(
      `broker-in-3 presents ${renewedIn3.cert.subjectName} [SHA-256 ${renewedIn3.cert.fingerprint.slice(0, 16)}], but the repo file certs/broker-in-3.pem holds ${issued.get('broker-in-3')!.cert.subjectName} [SHA-256 ${issued.get('broker-in-3')!.cert.fingerprint.slice(0, 16)}]`,
    );
    expect(drift.location).toMatchObject({ file: 'rc-topology.yaml', line: 76 });
    expect(report.findings.find((f) => f.rule === 'live/key-vault-drift')!.message).toContain(`latest enabled version ${kv.versionId('kv-us', 'broker-us-2-cert', 1)}`);
    // Read-only, certificates only: no secret, no key, and the token never printed.
    expect(kv.requests.length).toBeGreaterThan(0);
    expect(kv.requests.filter((q) => !q.path.startsWith('/certificates/'))).toEqual([]);
    expect(r.stdout + r.stderr).not.toContain(FAKE_TOKEN);
  });

  it('the committed example, served with certificates whose keys exist: every broker drifts from the repo', async () => {
    await startKeyVault();
    const now = Date.now();
    const root = await issue({ subject: 'CN=RC Root CA, O=Company', notBefore: new Date(now - DAY), notAfter: new Date(now + 900 * DAY), ca: { pathLen: 1 } });
    const serverCa = await issue({ subject: 'CN=RC Server Issuing CA, O=Company', issuer: root, notBefore: new Date(now - DAY), notAfter: new Date(now + 800 * DAY), ca: { pathLen: 0 } });
    const leaves = {} as Record<(typeof BROKERS)[number], Issued>;
    for (const id of BROKERS) {
      leaves[id] = await issue({ subject: `CN=${id}.company.com, O=Company`, issuer: serverCa, dns: [`${id}.company.com`], eku: ['serverAuth'], notBefore: new Date(now - DAY), notAfter: new Date(now + 300 * DAY) });
      kv.put(vaultOf(id), `${id}-cert`, [{ der: leaves[id].cert.der, created: new Date(now - DAY) }]); // Key Vault agrees with the brokers
    }
    const served = await serve(
      Object.fromEntries(BROKERS.map((id) => [id, { leaf: leaves[id], chain: [serverCa] }])) as Record<(typeof BROKERS)[number], { leaf: Issued; chain: Issued[] }>,
      [root],
    );
    const r = await runCliAsync(['audit', EXAMPLE, ...resolveArgs(served), '--azure-credential', 'cli', '--timeout', '3000', '--format', 'json'], { env });
    expect(r.stderr).toBe('');
    expect(r.code).toBe(1);
    const findings = (JSON.parse(r.stdout) as { findings: JsonFinding[] }).findings;
    expect(findings.filter((f) => f.rule.startsWith('live/')).map((f) => `${f.rule} ${f.target}`)).toEqual(BROKERS.map((id) => `live/certificate-drift ${id}`));
    for (const id of BROKERS) {
      const f = findings.find((x) => x.rule === 'live/certificate-drift' && x.target === id)!;
      expect(f.message.startsWith(`${id} presents ${leaves[id].cert.subjectName} [SHA-256 ${leaves[id].cert.fingerprint.slice(0, 16)}], but the repo file examples/rc-system/certs/${id}.pem holds `)).toBe(true);
    }
  });
});

describe('rc-policy audit: arguments', () => {
  it.each([
    [['--resolve', 'broker-us-1.company.com:443'], /--resolve must be host:port:address/],
    [['--resolve', 'broker-us-1.company.com:99999:127.0.0.1'], /'99999' is not a port/],
    [['--region', 'mars'], /--region mars: no such region/],
    [['--concurrency', 'lots'], /--concurrency must be a whole number/],
    [['--concurrency', '0'], /--concurrency must be a whole number from 1 to 1024/],
    [['--timeout=-5'], /--timeout must be a whole number/],
    [['--timeout', '-5'], /Option '--timeout' argument is ambiguous/],
    [['--client-cert', '/nonexistent/cert.pem', '--client-key', '/nonexistent/key.pem'], /cannot read the probe's client certificate \/nonexistent\/cert\.pem: ENOENT/],
    [['--client-cert', EXAMPLE], /needs both a client certificate and its key/],
    [['--azure-credential', 'magic'], /--azure-credential must be one of auto, cli, github-oidc, default/],
  ])('%j exits 2 with one line', async (args, message) => {
    const r = await runCliAsync(['audit', EXAMPLE, ...(args as string[])], { env });
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(message as RegExp);
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
    expect(r.stdout).toBe('');
  });

  it('a client key that does not belong to the certificate exits 2 without printing the key', async () => {
    const now = Date.now();
    const a = await issue({ subject: 'CN=a', notBefore: new Date(now - DAY), notAfter: new Date(now + DAY) });
    const b = await issue({ subject: 'CN=b', notBefore: new Date(now - DAY), notAfter: new Date(now + DAY) });
    const { privateKeyPem } = await import('../../src/pki/generate.ts');
    const key = await privateKeyPem(b.keys);
    const r = await runCliAsync(['audit', EXAMPLE], { env: { ...env, RC_POLICY_CLIENT_CERT: a.pem, RC_POLICY_CLIENT_KEY: key } });
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/^rc-policy: the probe's client certificate and key cannot be used: .*key values mismatch\n$/);
    expect(r.stderr + r.stdout).not.toContain(key.split('\n')[1]!);
  });

  it('rc-policy audit --help documents the live options', async () => {
    const r = await runCliAsync(['audit', '--help']);
    expect(r.code).toBe(0);
    for (const option of ['--resolve', '--concurrency', '--timeout', '--region', '--client-cert', '--client-key', '--azure-credential']) expect(r.stdout).toContain(option);
  });
});

describe('rc-policy audit: progress and credentials', () => {
  it('shows "probed n/total endpoints" on a terminal only, at most every 100 ms, and clears it at the end', async () => {
    const { progressLine } = await import('../../src/commands/audit.ts');
    const written: string[] = [];
    const tty = { isTTY: true, write: (s: string) => written.push(s) > 0 };
    let clock = 0;
    const show = progressLine(tty as never, {}, () => clock)!;
    show(0, 4);
    clock += 50;
    show(1, 4); // within 100 ms of the last redraw: skipped
    clock += 60;
    show(2, 4);
    show(4, 4);
    expect(written).toEqual(['\rprobed 0/4 endpoints', '\rprobed 2/4 endpoints', '\r\x1b[2K']);
    expect(progressLine({ isTTY: false, write: () => true } as never, {})).toBeUndefined();
    expect(progressLine(tty as never, { CI: 'true' })).toBeUndefined();
  });

  it('without an Azure login, every Key Vault reference is an error finding, the audit still finishes, and it could not evaluate them (exit 2)', async () => {
    await startKeyVault();
    const dir = path.join(tmp, 'no-login');
    await mkdir(path.join(dir, 'bin'), { recursive: true });
    const az = path.join(dir, 'bin', 'az');
    await writeFile(az, "#!/bin/sh\necho \"ERROR: Please run 'az login' to setup account.\" >&2\nexit 1\n");
    await chmod(az, 0o755);
    const now = Date.now();
    const c = await issue({ subject: 'CN=controller-us', eku: ['clientAuth'], notBefore: new Date(now - DAY), notAfter: new Date(now + DAY) });
    kv.put('kv-us', 'controller-us-cert', [{ der: c.cert.der, created: new Date(now - DAY) }]);
    await writeFile(
      path.join(dir, 'rc-topology.yaml'),
      'apiVersion: rc-policy/v1\nkind: Topology\nmetadata: {name: kv-only}\nregions:\n  - id: us\n    keyVault: {name: kv-us}\nclients:\n  - id: controller-us\n    region: us\n    cert: {keyVault: {certificate: controller-us-cert}}\n',
    );
    const r = await runCliAsync(['audit', '--azure-credential', 'cli', '--format', 'json', ...kv.vaults.flatMap((v) => ['--resolve', `${v}.vault.azure.net:443:127.0.0.1:${kv.port}`])], {
      cwd: dir,
      env: { ...env, PATH: `${path.join(dir, 'bin')}:${process.env.PATH}` },
    });
    expect(r.stderr).toBe('rc-policy: the audit is incomplete: could not evaluate 1 object (controller-us); see "Not evaluated" in the report\n');
    expect(r.code).toBe(2); // ADR 0070: could not evaluate, not "found problems"
    const findings = (JSON.parse(r.stdout) as { findings: JsonFinding[] }).findings;
    expect(findings.map((f) => `${f.rule} ${f.target}`)).toEqual(['live/unreachable controller-us']);
    expect(findings[0]!.message).toMatch(/^cannot read controller-us's Key Vault certificate kv-us\/controller-us-cert: cannot get an Azure token \(CredentialUnavailableError\): .*az login/);
    expect(kv.requests.every((q) => !q.authorized)).toBe(true);
  });
});

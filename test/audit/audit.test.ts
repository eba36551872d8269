// rc-policy audit end to end through the library: real TLS servers (Node, mosquitto), real haproxy
// load balancers, and the real Azure SDK against a local Key Vault. Each test sets up the estate,
// breaks it in known places, and asserts exactly the live findings it created — and, for the clean
// estate, that the live sources add none.
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { audit, type AuditOptions } from '../../src/audit.ts';
import { issue, privateKeyPem, type Issued } from '../../src/pki/generate.ts';
import type { Report } from '../../src/report/types.ts';
import { baseline, broker, days, problems, region, T0, writeEstate, type Estate, type Pki } from '../helpers/estate.ts';
import { FakeKeyVault, fakeCredential } from '../helpers/keyvault-server.ts';
import { closedPort, haproxy, mosquitto, nodeTlsServer, silentServer, type Running } from '../helpers/servers.ts';

const IDS = ['broker-us-1', 'broker-us-2', 'broker-in-3'] as const;
type Id = (typeof IDS)[number];

let kv: FakeKeyVault; // a fresh, empty Key Vault for every test
beforeEach(async () => {
  kv = await FakeKeyVault.start(['kv-us', 'kv-in']);
});
afterEach(() => kv?.stop());

/** The baseline estate with broker leaves whose keys this test holds, so real servers can present them. */
async function estateWithKeys(): Promise<{ e: Estate; pki: Pki; leaves: Record<Id, Issued> }> {
  const e = await baseline();
  const pki = e.pki;
  const leaves = {} as Record<Id, Issued>;
  for (const id of IDS) {
    leaves[id] = await pki.server(`${id}.company.com`);
    e.files[`certs/${id}.pem`] = leaves[id].pem + pki.serverCa.pem;
  }
  return { e, pki, leaves };
}

const to = (host: string, server: Running) => `${host}:443:127.0.0.1:${server.port}`;

async function run(e: Estate, resolve: string[], o: Partial<AuditOptions> = {}): Promise<Report> {
  const file = await writeEstate(e);
  return audit({
    topology: file,
    cwd: path.dirname(file),
    at: T0,
    resolve: [...resolve, ...kv.resolveEntries()],
    credential: fakeCredential(),
    keyVaultCa: kv.ca.pem,
    keyVaultRetry: { attempts: 2, baseDelayMs: 10, maxDelayMs: 20 },
    timeoutMs: 1500,
    ...o,
  });
}

const live = (r: Report) =>
  r.findings
    .filter((f) => f.rule.startsWith('live/'))
    .map((f) => `${f.rule} ${f.target}`)
    .sort();

describe('rc-policy audit (library)', () => {
  it('a clean estate: pass-through load balancers, enforced mTLS, Key Vault in step — no live findings, no problems', async () => {
    const { e, pki, leaves } = await estateWithKeys();
    const clientCa = [pki.root, pki.clientCa];
    const us1 = await mosquitto({ leaf: leaves['broker-us-1'], chain: [pki.serverCa], clientCa, requireCertificate: true });
    const us2 = await nodeTlsServer({ leaf: leaves['broker-us-2'], chain: [pki.serverCa], clientCa, minVersion: 'TLSv1.3' });
    const in3 = await nodeTlsServer({ leaf: leaves['broker-in-3'], chain: [pki.serverCa], clientCa, maxVersion: 'TLSv1.2' });
    const slbUs = await haproxy({ backends: [us1.port, us2.port] });
    const slbIn = await haproxy({ backends: [in3.port] });
    const crlb = await haproxy({ backends: [us1.port, us2.port, in3.port] });
    for (const id of IDS) kv.put(id.includes('-us-') ? 'kv-us' : 'kv-in', `${id}-cert`, [{ der: leaves[id].cert.der, created: days(-30) }]);
    const progress: [number, number][] = [];
    const report = await run(
      e,
      [
        to('broker-us-1.company.com', us1),
        to('broker-us-2.company.com', us2),
        to('broker-in-3.company.com', in3),
        to('slb-us.company.com', slbUs),
        to('slb-in.company.com', slbIn),
        to('rc.company.com', crlb),
      ],
      { onProgress: (n, total) => progress.push([n, total]) },
    );
    expect(report.mode).toBe('audit');
    expect(live(report)).toEqual([]);
    expect(problems(report)).toEqual([]);
    // 3 brokers + slb-us (2 SNIs) + slb-in (1) + crlb (3): the progress ends at 9/9.
    expect(progress.at(-1)).toEqual([9, 9]);
    expect(progress.map(([n]) => n)).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
  });

  it('reports exactly the live problems it was given, and evaluates Key Vault-only certificates with the offline rules', async () => {
    const { e, pki, leaves } = await estateWithKeys();
    const clientCa = [pki.root, pki.clientCa];
    const otherRoot = await issue({ subject: 'CN=Some Other Client Root', notBefore: days(-10), notAfter: days(400), ca: true });
    const rotated = await pki.server('broker-us-1.company.com'); // uploaded to Key Vault, not rolled out
    const drifted = await pki.server('broker-in-3.company.com'); // installed by hand, not the repo's
    const lbOwn = await issue({ subject: 'CN=slb-in.company.com', dns: ['slb-in.company.com'], notBefore: days(-10), notAfter: days(300) });
    const wrongEku = await pki.server('controller-us'); // a server certificate where a client certificate belongs

    const us1 = await mosquitto({ leaf: leaves['broker-us-1'], chain: [pki.serverCa], clientCa, requireCertificate: true });
    const us2 = await nodeTlsServer({ leaf: leaves['broker-us-2'], chain: [pki.serverCa] }); // never asks for a client certificate
    const in3 = await nodeTlsServer({ leaf: drifted, chain: [pki.serverCa], clientCa: [otherRoot], maxVersion: 'TLSv1.2' });
    const slbUs = await haproxy({ backends: [us1.port, us2.port] });
    const slbIn = await haproxy({ backends: [in3.port], terminate: { leaf: lbOwn } });
    const crlb = await silentServer(); // accepts TCP, never speaks TLS

    // broker-in-4: a closed port. controller-us and target-in: certificates only in Key Vault.
    const in4 = await pki.server('broker-in-4.company.com');
    e.files['certs/broker-in-4.pem'] = in4.pem + pki.serverCa.pem;
    region(e, 'in').brokers.push({ ...broker(e, 'broker-in-3'), id: 'broker-in-4', fqdn: 'broker-in-4.company.com', address: '10.1.1.9', cert: { file: 'certs/broker-in-4.pem' } });
    const client = (id: string) => e.topology.clients.find((c: { id: string }) => c.id === id);
    client('controller-us').cert = { keyVault: { certificate: 'controller-us-cert' } };
    client('target-in').cert = { keyVault: { certificate: 'target-in-cert' } };

    kv.put('kv-us', 'broker-us-1-cert', [
      { der: leaves['broker-us-1'].cert.der, created: days(-30) },
      { der: rotated.cert.der, created: days(-2) },
    ]);
    kv.put('kv-us', 'broker-us-2-cert', [{ der: leaves['broker-us-2'].cert.der, created: days(-30) }]);
    kv.put('kv-us', 'controller-us-cert', [{ der: wrongEku.cert.der, created: days(-30) }]);
    kv.put('kv-in', 'broker-in-3-cert-renamed', [{ der: drifted.cert.der, created: days(-3) }]); // not the referenced name
    kv.put('kv-in', 'target-in-cert', [{ der: wrongEku.cert.der, created: days(-30) }]);
    kv.fault('kv-in', 'target-in-cert', { status: 403 });

    const probeClient = await pki.client('rc-policy-probe');
    const report = await run(
      e,
      [
        to('broker-us-1.company.com', us1),
        to('broker-us-2.company.com', us2),
        to('broker-in-3.company.com', in3),
        `broker-in-4.company.com:443:127.0.0.1:${await closedPort()}`,
        to('slb-us.company.com', slbUs),
        to('slb-in.company.com', slbIn),
        to('rc.company.com', crlb),
      ],
      { clientCertificate: { cert: probeClient.pem + pki.clientCa.pem, key: await privateKeyPem(probeClient.keys) }, timeoutMs: 700 },
    );
    expect(live(report)).toEqual([
      'live/certificate-drift broker-in-3',
      'live/client-auth-not-enforced broker-us-2',
      'live/client-cert-rejected broker-in-3', // refused the probe's client certificate: an answer, not a gap
      'live/key-vault-drift broker-us-1',
      'live/key-vault-missing broker-in-3',
      'live/lb-terminates-tls slb-in',
      'live/unreachable broker-in-4', // connection refused
      'live/unreachable crlb', // no TLS handshake
      'live/unreachable target-in', // Key Vault answered 403
    ]);
    const message = (rule: string, target: string) => report.findings.find((f) => f.rule === rule && f.target === target)!.message;
    expect(message('live/unreachable', 'broker-in-4')).toMatch(/^broker-in-4 is unreachable at broker-in-4\.company\.com:443 via 127\.0\.0\.1:\d+ \(--resolve\): connection refused$/);
    expect(message('live/unreachable', 'crlb')).toMatch(/SNI broker-us-1\.company\.com, broker-us-2\.company\.com, broker-in-3\.company\.com\): no TLS handshake within 700 ms/);
    expect(message('live/client-cert-rejected', 'broker-in-3')).toMatch(/^broker-in-3 refused the probe's client certificate at broker-in-3\.company\.com:443 via 127\.0\.0\.1:\d+ \(--resolve\): the server (ended the handshake with a TLS alert \(.*\)|closed the connection during the handshake, after receiving the certificate, without a TLS alert)$/);
    expect(message('live/unreachable', 'target-in')).toMatch(/kv-in\/target-in-cert: HTTP 403 Forbidden/);
    expect(message('live/certificate-drift', 'broker-in-3')).toContain(drifted.cert.fingerprint.slice(0, 16));
    expect(message('live/key-vault-drift', 'broker-us-1')).toContain(rotated.cert.fingerprint.slice(0, 16));
    expect(message('live/lb-terminates-tls', 'slb-in')).toContain('CN=slb-in.company.com');
    expect(message('live/client-auth-not-enforced', 'broker-us-2')).toMatch(/the server did not request a client certificate/);
    // The Key Vault leaf stands in for controller-us's missing file: the offline rules evaluate it.
    expect(report.findings.filter((f) => f.rule === 'client/client-auth-eku').map((f) => f.target)).toEqual(['controller-us']);
    expect(report.findings.filter((f) => f.rule === 'cert/live-only')).toEqual([]);
    // Nothing else is wrong with the estate.
    expect(problems(report).filter((f) => !f.rule.startsWith('live/')).map((f) => `${f.rule} ${f.target}`)).toEqual(['client/client-auth-eku controller-us']);
    // The Key Vault log: certificates only.
    expect(kv.requests.every((q) => q.path.startsWith('/certificates/'))).toBe(true);
  });

  it('--region audits one shard: its endpoints and Key Vault references, plus what belongs to no region', async () => {
    const { e, pki, leaves } = await estateWithKeys();
    const us1 = await nodeTlsServer({ leaf: leaves['broker-us-1'], chain: [pki.serverCa], clientCa: [pki.root] });
    const us2 = await nodeTlsServer({ leaf: leaves['broker-us-2'], chain: [pki.serverCa] }); // not enforcing
    const slbUs = await haproxy({ backends: [us1.port, us2.port] });
    kv.put('kv-us', 'broker-us-1-cert', [{ der: leaves['broker-us-1'].cert.der, created: days(-30) }]);
    kv.put('kv-us', 'broker-us-2-cert', [{ der: leaves['broker-us-2'].cert.der, created: days(-30) }]);
    // The in region's broker, load balancer and vault are not even resolved: nothing of theirs is probed.
    const report = await run(
      e,
      [to('broker-us-1.company.com', us1), to('broker-us-2.company.com', us2), to('slb-us.company.com', slbUs), `rc.company.com:443:127.0.0.1:${await closedPort()}`],
      { regions: ['us'], timeoutMs: 700 },
    );
    expect(live(report)).toEqual(['live/client-auth-not-enforced broker-us-2', 'live/unreachable crlb']);
    expect(report.findings.find((f) => f.rule === 'live/unreachable')!.message).toMatch(/SNI broker-us-1\.company\.com, broker-us-2\.company\.com\)/);
    expect(new Set(kv.requests.map((q) => q.vault))).toEqual(new Set(['kv-us']));
  });

  it("a Key Vault-only broker that cannot be reached is still evaluated: Key Vault's leaf, completed with the declared intermediates", async () => {
    const { e, pki, leaves } = await estateWithKeys();
    const us1 = await nodeTlsServer({ leaf: leaves['broker-us-1'], chain: [pki.serverCa], clientCa: [pki.root] });
    const in3 = await nodeTlsServer({ leaf: leaves['broker-in-3'], chain: [pki.serverCa], clientCa: [pki.root] });
    const misnamed = await pki.server('broker-us-2.company.com', { dns: ['broker-us-9.company.com'] });
    // No load balancers here: only the brokers are probed.
    for (const r of e.topology.regions) r.loadBalancers = [];
    e.topology.globalLoadBalancers = [];
    for (const c of e.topology.clients) c.connectsTo = [...IDS];
    broker(e, 'broker-us-2').cert = { keyVault: { certificate: 'broker-us-2-cert' } };
    delete e.files['certs/broker-us-2.pem'];
    kv.put('kv-us', 'broker-us-1-cert', [{ der: leaves['broker-us-1'].cert.der, created: days(-30) }]);
    kv.put('kv-us', 'broker-us-2-cert', [{ der: misnamed.cert.der, created: days(-30) }]);
    kv.put('kv-in', 'broker-in-3-cert', [{ der: leaves['broker-in-3'].cert.der, created: days(-30) }]);
    const report = await run(e, [to('broker-us-1.company.com', us1), `broker-us-2.company.com:443:127.0.0.1:${await closedPort()}`, to('broker-in-3.company.com', in3)]);
    expect(live(report)).toEqual(['live/unreachable broker-us-2']);
    const about = (id: string) => problems(report).filter((f) => f.target === id).map((f) => f.rule).sort();
    // No incomplete-chain finding: Key Vault's cer is only the leaf, and the declared server-issuing CA completes it.
    expect(about('broker-us-2')).toEqual(['broker/name-mismatch', 'live/unreachable']);
    // The extra SAN entry goes with the missing FQDN: one cause (ADR 0120).
    expect(report.notEvaluated).toContainEqual(expect.objectContaining({ rule: 'broker/extra-names', target: 'broker-us-2', because: [{ rule: 'broker/name-mismatch', target: 'broker-us-2' }] }));
  });

  it('an unknown --region, a bad --resolve or a client key that does not match stop the run (exit 2 material)', async () => {
    const { e, pki } = await estateWithKeys();
    await expect(run(e, [], { regions: ['mars'] })).rejects.toThrow(/--region mars: no such region .* \(regions: us, in\)/);
    await expect(run(e, ['broker-us-1.company.com:443'])).rejects.toThrow(/--resolve must be host:port:address/);
    await expect(run(e, ['broker-us-1.company.com:443:not-an-ip'])).rejects.toThrow(/'not-an-ip' is not an IPv4 or \[IPv6\] address/);
    const other = await pki.client('other');
    const wrongKey = await privateKeyPem(other.keys);
    const error = await run(e, [], { clientCertificate: { cert: pki.clientCa.pem, key: wrongKey } }).catch((err: Error) => err);
    expect(String(error)).toMatch(/the probe's client certificate and key cannot be used: .*key values mismatch/);
    expect(String(error)).not.toContain('PRIVATE KEY');
  });
});

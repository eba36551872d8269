// Live faults, end to end through the library (ADR 0070): real servers on loopback that reset,
// stall after their ServerHello, serve an expired certificate or complete a handshake and then talk
// nonsense; a broker whose name does not resolve; Key Vaults that throttle, fail, hang or answer
// garbage, read by the real Azure SDK; a credential that never answers. Each fault becomes a
// finding with a specific reason, every object the audit could not read is listed in
// report.incomplete, and the audit ends within the budget its --timeout sets.
import path from 'node:path';
import { stringify } from 'yaml';
import { afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { audit, type AuditOptions } from '../../src/audit.ts';
import type { RetryOptions } from '../../src/sources/keyvault.ts';
import { privateKeyPem, type Issued } from '../../src/pki/generate.ts';
import type { Report } from '../../src/report/types.ts';
import { baseline, broker, days, problems, region, T0, writeEstate, type Estate } from '../helpers/estate.ts';
import { FakeKeyVault, fakeCredential } from '../helpers/keyvault-server.ts';
import { haproxy, nodeTlsServer, type Running } from '../helpers/servers.ts';
import { garbageAfterHandshake, oneShotServer, resettingServer, stallingServer } from '../helpers/faults.ts';

// The audit imports the Azure SDK lazily, on its first Key Vault read. Under vitest that first import
// is transformed from source (over a second on Node 22) and would eat the probes' short timeouts;
// the shipped bundle has no such step. Load it once before anything is timed.
beforeAll(async () => {
  await import('@azure/keyvault-certificates');
}, 60_000);

const VAULTS = ['kv-us', 'kv-in', 'kv-throttled', 'kv-broken', 'kv-garbled', 'kv-silent'] as const;

let kv: FakeKeyVault;
beforeEach(async () => {
  kv = await FakeKeyVault.start(VAULTS);
});
afterEach(() => kv?.stop());

/**
 * The longest an audit may take (ADR 0070): the TLS probes — connect, handshake and two verdict
 * waits, once per endpoint here (fewer endpoints than --concurrency) — or Key Vault, whichever is
 * longer: every attempt waits at most --timeout, and the backoff between attempts is at most
 * baseDelayMs, 2 x baseDelayMs, ... capped at maxDelayMs.
 */
function budgetMs(timeoutMs: number, retry: RetryOptions): number {
  const probes = 2 * timeoutMs + 2 * Math.min(timeoutMs, 1000);
  let backoff = 0;
  for (let i = 0; i < retry.attempts - 1; i++) backoff += Math.min(retry.baseDelayMs * 2 ** i, retry.maxDelayMs);
  return Math.max(probes, retry.attempts * timeoutMs + backoff);
}

/** Room for process scheduling on a busy two-core CI machine. */
const MARGIN_MS = 2000;

/** The baseline estate without load balancers (clients connect to the brokers), each broker with a leaf whose key the test holds. */
async function estate(): Promise<{ e: Estate; leaves: Record<string, Issued> }> {
  const e = await baseline();
  for (const r of e.topology.regions) r.loadBalancers = [];
  e.topology.globalLoadBalancers = [];
  for (const c of e.topology.clients) c.connectsTo = ['broker-us-1', 'broker-us-2', 'broker-in-3'];
  const leaves: Record<string, Issued> = {};
  for (const id of ['broker-us-1', 'broker-us-2', 'broker-in-3']) {
    leaves[id] = await e.pki.server(`${id}.company.com`);
    e.files[`certs/${id}.pem`] = leaves[id].pem + e.pki.serverCa.pem;
    kv.put(id.includes('-us-') ? 'kv-us' : 'kv-in', `${id}-cert`, [{ der: leaves[id].cert.der, created: days(-30) }]);
  }
  return { e, leaves };
}

/** Adds a broker to a region, with its repo file and its Key Vault certificate in step. */
async function addBroker(e: Estate, regionId: 'us' | 'in', id: string, fqdn: string, address?: string): Promise<Issued> {
  const leaf = await e.pki.server(fqdn);
  e.files[`certs/${id}.pem`] = leaf.pem + e.pki.serverCa.pem;
  const { address: _, ...rest } = broker(e, regionId === 'us' ? 'broker-us-1' : 'broker-in-3');
  region(e, regionId).brokers.push({ ...rest, id, fqdn, ...(address && { address }), cert: { file: `certs/${id}.pem`, keyVault: { certificate: `${id}-cert` } } });
  kv.put(`kv-${regionId}`, `${id}-cert`, [{ der: leaf.cert.der, created: days(-30) }]);
  for (const c of e.topology.clients) c.connectsTo = [...e.topology.regions.flatMap((r: { brokers: { id: string }[] }) => r.brokers.map((b) => b.id))];
  return leaf;
}

const to = (host: string, server: Running) => `${host}:443:127.0.0.1:${server.port}`;

async function run(e: Estate, resolve: string[], o: Partial<AuditOptions> = {}): Promise<{ report: Report; ms: number }> {
  const file = await writeEstate(e);
  const started = Date.now();
  const report = await audit({
    topology: file,
    cwd: path.dirname(file),
    at: T0,
    resolve: [...resolve, ...kv.resolveEntries()],
    credential: fakeCredential(),
    keyVaultCa: kv.ca.pem,
    ...o,
  });
  return { report, ms: Date.now() - started };
}

const live = (r: Report) =>
  r.findings
    .filter((f) => f.rule.startsWith('live/'))
    .map((f) => `${f.rule} ${f.target}`)
    .sort();
const message = (r: Report, rule: string, target: string) => r.findings.find((f) => f.rule === rule && f.target === target)?.message;
const gaps = (r: Report) => (r.incomplete ?? []).map((g) => `${g.target} ${g.source.split(' ')[0]}: ${g.reason}`).sort();

describe('audit: every live fault is a finding, every gap is reported, and the audit ends in time', () => {
  it('TLS: a reset, a stall after ServerHello, a name that does not resolve, nonsense after the handshake, an expired certificate', async () => {
    const { e, leaves } = await estate();
    const { pki } = e;
    const clientCa = [pki.root, pki.clientCa];
    // broker-in-3 still serves its previous certificate, expired the day before: the renewal is in the repo and Key Vault, not on the broker.
    const expired = await pki.server('broker-in-3.company.com', { notBefore: days(-360), notAfter: days(-1) });
    await addBroker(e, 'in', 'broker-in-4', 'broker-in-4.rc.invalid'); // no address, no --resolve: DNS, and .invalid never resolves
    const us5 = await addBroker(e, 'us', 'broker-us-5', 'broker-us-5.company.com');
    const servers = {
      'broker-us-1': await resettingServer(),
      'broker-us-2': await stallingServer({ leaf: leaves['broker-us-2']!, chain: [pki.serverCa] }),
      'broker-in-3': await nodeTlsServer({ leaf: expired, chain: [pki.serverCa], clientCa }),
      'broker-us-5': await garbageAfterHandshake({ leaf: us5, chain: [pki.serverCa] }),
    };
    const retry = { attempts: 2, baseDelayMs: 10, maxDelayMs: 20 };
    const timeoutMs = 800;
    const { report, ms } = await run(e, Object.entries(servers).map(([id, s]) => to(`${id}.company.com`, s)), { timeoutMs, keyVaultRetry: retry });

    // Exactly these problems, nothing else: the faults, and what the expired certificate breaks.
    expect(problems(report).map((f) => `${f.rule} ${f.target}`).sort()).toEqual([
      'cert/expired broker-in-3',
      'live/certificate-drift broker-in-3',
      'live/client-auth-not-enforced broker-us-5',
      'live/key-vault-drift broker-in-3',
      'live/unreachable broker-in-4',
      'live/unreachable broker-us-1',
      'live/unreachable broker-us-2',
    ]);
    // The handshakes to broker-in-3 wait on its expired served certificate (ADR 0120), those to the
    // brokers that never answered on live/unreachable: the audit could not try them.
    expect(report.notEvaluated!.filter((d) => d.rule === 'trust/untrusted-server').map((d) => `${d.target} ${d.because.map((c) => `${c.rule} ${c.target}`)}`).sort()).toEqual(
      ['broker-in-3 cert/expired', 'broker-in-4 live/unreachable', 'broker-us-1 live/unreachable', 'broker-us-2 live/unreachable'].flatMap((s) => {
        const [server, rule] = s.split(' ');
        return ['controller-us', 'target-in', 'target-us'].map((c) => `${c}->${server} ${rule} ${server}`);
      }).sort(),
    );
    expect(live(report)).toEqual([
      'live/certificate-drift broker-in-3',
      'live/client-auth-not-enforced broker-us-5',
      'live/key-vault-drift broker-in-3',
      'live/unreachable broker-in-4',
      'live/unreachable broker-us-1',
      'live/unreachable broker-us-2',
    ]);
    expect(message(report, 'live/unreachable', 'broker-us-1')).toMatch(
      /^broker-us-1 is unreachable at broker-us-1\.company\.com:443 via 127\.0\.0\.1:\d+ \(--resolve\): the server reset the connection during the TLS handshake, before answering the ClientHello$/,
    );
    expect(message(report, 'live/unreachable', 'broker-us-2')).toMatch(/: the server sent its ServerHello \(TLSv1\.3\) but did not complete the TLS handshake within 800 ms$/);
    expect(message(report, 'live/unreachable', 'broker-in-4')).toMatch(/^broker-in-4 is unreachable at broker-in-4\.rc\.invalid:443: DNS/);
    expect(message(report, 'live/client-auth-not-enforced', 'broker-us-5')).toMatch(/cannot prove that client authentication is enforced/);
    // The expired certificate the broker really serves is what the offline rules evaluate.
    const expiredFinding = report.findings.find((f) => f.rule === 'cert/expired' && f.target === 'broker-in-3');
    expect(expiredFinding?.severity).toBe('error');
    expect(expiredFinding?.message).toContain(expired.cert.notAfter.toISOString().slice(0, 10));
    // ... and so does the handshake matrix: no client accepts broker-in-3's chain any more.
    const toIn3 = (report.matrix ?? []).filter((p) => p.server === 'broker-in-3');
    expect(toIn3.map((p) => p.client).sort()).toEqual(['controller-us', 'target-in', 'target-us']);
    expect(toIn3.every((p) => !p.serverAuth.ok && /expired/i.test(p.serverAuth.reason ?? ''))).toBe(true);
    expect(report.notEvaluated!.find((d) => d.rule === 'trust/untrusted-server' && d.target === 'target-in->broker-in-3')?.message).toMatch(
      /would reject the certificate of broker-in-3 .*expired/,
    );
    // The gaps: what the audit could not see. The expired certificate and the nonsense are not gaps: the audit saw them.
    expect(gaps(report)).toEqual([
      expect.stringMatching(/^broker-in-4 tls: DNS/),
      'broker-us-1 tls: the server reset the connection during the TLS handshake, before answering the ClientHello',
      'broker-us-2 tls: the server sent its ServerHello (TLSv1.3) but did not complete the TLS handshake within 800 ms',
    ]);
    expect(ms).toBeLessThan(budgetMs(timeoutMs, retry) + MARGIN_MS);
  });
});

describe('audit: gaps through load balancers and in the mTLS probe', () => {
  it('a frontend that resets: one gap for the load balancer, whatever the number of SNIs; a broker gone before the mTLS probe: a gap too', async () => {
    const e = await baseline();
    const { pki } = e;
    const clientCa = [pki.root, pki.clientCa];
    const brokers: Record<string, Running> = {};
    for (const id of ['broker-us-1', 'broker-us-2', 'broker-in-3']) {
      const leaf = await pki.server(`${id}.company.com`);
      e.files[`certs/${id}.pem`] = leaf.pem + pki.serverCa.pem;
      kv.put(id.includes('-us-') ? 'kv-us' : 'kv-in', `${id}-cert`, [{ der: leaf.cert.der, created: days(-30) }]);
      brokers[id] = await nodeTlsServer({ leaf, chain: [pki.serverCa], clientCa });
    }
    const probeClient = await pki.client('rc-policy-probe');
    const slbUs = await haproxy({ backends: [brokers['broker-us-1']!.port, brokers['broker-us-2']!.port] });
    const slbIn = await haproxy({ backends: [brokers['broker-in-3']!.port] });
    const { report } = await run(
      e,
      [
        to('broker-us-1.company.com', brokers['broker-us-1']!),
        to('broker-us-2.company.com', await oneShotServer(brokers['broker-us-2']!.port)), // answers the anonymous probe only
        to('broker-in-3.company.com', brokers['broker-in-3']!),
        to('slb-us.company.com', slbUs),
        to('slb-in.company.com', slbIn),
        to('rc.company.com', await resettingServer()),
      ],
      { timeoutMs: 800, clientCertificate: { cert: probeClient.pem + pki.clientCa.pem, key: await privateKeyPem(probeClient.keys) } },
    );
    expect(problems(report).map((f) => `${f.rule} ${f.target}`).sort()).toEqual(['live/unreachable broker-us-2', 'live/unreachable crlb']);
    expect(message(report, 'live/unreachable', 'crlb')).toMatch(/SNI broker-us-1\.company\.com, broker-us-2\.company\.com, broker-in-3\.company\.com\): the server reset the connection/);
    expect(message(report, 'live/unreachable', 'broker-us-2')).toMatch(/but not the one with the probe's certificate at .*: connection refused$/);
    expect(gaps(report)).toEqual([
      'broker-us-2 tls: connection refused',
      'crlb tls: the server reset the connection during the TLS handshake, before answering the ClientHello',
    ]);
  });
});

describe('audit: Key Vault faults, end to end', () => {
  /** Healthy brokers (the estate's own leaves, client auth enforced): only Key Vault fails here. */
  async function healthy(e: Estate, leaves: Record<string, Issued>): Promise<string[]> {
    const clientCa = [e.pki.root, e.pki.clientCa];
    const out: string[] = [];
    for (const id of ['broker-us-1', 'broker-us-2', 'broker-in-3']) out.push(to(`${id}.company.com`, await nodeTlsServer({ leaf: leaves[id]!, chain: [e.pki.serverCa], clientCa })));
    return out;
  }

  /** Points a client's certificate at a Key Vault certificate in `vault` (its repo file stays). */
  function clientInVault(e: Estate, id: string, vault: string): void {
    const c = e.topology.clients.find((x: { id: string }) => x.id === id);
    c.cert = { ...c.cert, keyVault: { vault, certificate: `${id}-cert` } };
  }

  it('throttled past its retries, 500, malformed JSON, a vault that never answers: one finding and one gap per reference', async () => {
    const { e, leaves } = await estate();
    const resolve = await healthy(e, leaves);
    clientInVault(e, 'controller-us', 'kv-throttled');
    clientInVault(e, 'target-us', 'kv-broken');
    clientInVault(e, 'target-in', 'kv-garbled');
    // Twelve more clients in the vault that never answers: the vault is taken as down after one retry cycle.
    for (let i = 1; i <= 12; i++) {
      e.topology.clients.push({ id: `probe-${i}`, role: 'other', region: 'us', connectsTo: ['broker-us-1'], cert: { file: 'certs/controller-us.pem' }, trustBundle: 'rc-trust' });
      clientInVault(e, `probe-${i}`, 'kv-silent');
    }
    kv.fault('kv-throttled', '*', { status: 429, retryAfter: '0' });
    kv.fault('kv-broken', '*', { status: 500 });
    kv.fault('kv-garbled', '*', { malformed: true });
    kv.fault('kv-silent', '*', { hang: true });
    const retry = { attempts: 3, baseDelayMs: 50, maxDelayMs: 100 };
    const timeoutMs = 600;
    const { report, ms } = await run(e, resolve, { timeoutMs, keyVaultRetry: retry });
    const probes = Array.from({ length: 12 }, (_, i) => `probe-${i + 1}`);
    expect(problems(report).map((f) => `${f.rule} ${f.target}`).sort()).toEqual(
      ['controller-us', 'target-in', 'target-us', ...probes].map((t) => `live/unreachable ${t}`).sort(),
    );
    expect(message(report, 'live/unreachable', 'controller-us')).toBe(
      "cannot read controller-us's Key Vault certificate kv-throttled/controller-us-cert: HTTP 429 Throttled (throttled): Injected 429. (after 3 attempts)",
    );
    expect(message(report, 'live/unreachable', 'target-us')).toBe(
      "cannot read target-us's Key Vault certificate kv-broken/target-us-cert: HTTP 500 InternalServerError: Injected 500. (after 3 attempts)",
    );
    expect(message(report, 'live/unreachable', 'target-in')).toBe(
      "cannot read target-in's Key Vault certificate kv-garbled/target-in-cert: Key Vault answered HTTP 200 with a body that is not valid JSON",
    );
    // One gap per reference, each with the reason of its own read.
    expect(report.incomplete?.map((g) => `${g.target} ${g.source}`).sort()).toEqual(
      [
        'controller-us key-vault kv-throttled/controller-us-cert',
        'target-in key-vault kv-garbled/target-in-cert',
        'target-us key-vault kv-broken/target-us-cert',
        ...probes.map((p) => `${p} key-vault kv-silent/${p}-cert`),
      ].sort(),
    );
    const silent = report.incomplete!.filter((g) => g.source.startsWith('key-vault kv-silent/')).map((g) => g.reason);
    const notTried = 'not tried: kv-silent did not answer 3 requests in a row (the last: no answer within 600 ms)';
    expect(silent.every((r) => /^no answer within 600 ms( \(after [23] attempts\))?$/.test(r) || r === notTried)).toBe(true);
    // The breaker: the vault was taken as down after one retry cycle, not waited out twelve times.
    expect(silent.filter((r) => r === notTried).length).toBeGreaterThanOrEqual(6);
    expect(kv.requests.filter((q) => q.vault === 'kv-silent' && q.authorized).length).toBeLessThanOrEqual(6);
    expect(ms).toBeLessThan(budgetMs(timeoutMs, retry) + MARGIN_MS);
  });
});

describe('audit: nothing can hang', () => {
  it('a credential that never answers: every Key Vault reference fails after the timeout, naming the credential', async () => {
    const { e, leaves } = await estate();
    const clientCa = [e.pki.root, e.pki.clientCa];
    const resolve: string[] = [];
    for (const id of ['broker-us-1', 'broker-us-2', 'broker-in-3']) resolve.push(to(`${id}.company.com`, await nodeTlsServer({ leaf: leaves[id]!, chain: [e.pki.serverCa], clientCa })));
    const retry = { attempts: 2, baseDelayMs: 10, maxDelayMs: 20 };
    const timeoutMs = 500;
    const { report, ms } = await run(e, resolve, { timeoutMs, keyVaultRetry: retry, credential: { getToken: () => new Promise(() => undefined) } });
    expect(problems(report).map((f) => `${f.rule} ${f.target}`)).toEqual(['broker-us-1', 'broker-us-2', 'broker-in-3'].map((t) => `live/unreachable ${t}`));
    for (const g of report.incomplete!) expect(g.reason).toMatch(/^no Azure token within 500 ms: the credential did not answer( \(after 2 attempts\))?$/);
    expect(report.incomplete).toHaveLength(3);
    expect(kv.requests.every((q) => !q.authorized)).toBe(true);
    expect(ms).toBeLessThan(budgetMs(timeoutMs, retry) + MARGIN_MS);
  });
});

describe('audit: what may hide a gap, and what may not', () => {
  /** broker-us-1 resets every connection; the rest of the estate is healthy. */
  async function oneGap(): Promise<{ e: Estate; resolve: string[] }> {
    const { e, leaves } = await estate();
    const clientCa = [e.pki.root, e.pki.clientCa];
    const resolve = [to('broker-us-1.company.com', await resettingServer())];
    for (const id of ['broker-us-2', 'broker-in-3']) resolve.push(to(`${id}.company.com`, await nodeTlsServer({ leaf: leaves[id]!, chain: [e.pki.serverCa], clientCa })));
    return { e, resolve };
  }

  it('a waiver of live/unreachable accepts the gap: still listed, marked waived', async () => {
    const { e, resolve } = await oneGap();
    e.files['waivers.yaml'] = stringify({
      apiVersion: 'rc-policy/v1',
      kind: 'Waivers',
      waivers: [{ rule: 'live/unreachable', target: 'broker-us-1', reason: 'decommissioned, DNS removal pending', expires: '2027-01-31' }],
    });
    e.topology.policy = { waivers: 'waivers.yaml' };
    const { report } = await run(e, resolve, { timeoutMs: 800 });
    expect(report.incomplete).toEqual([expect.objectContaining({ target: 'broker-us-1', waived: true })]);
    expect(problems(report).filter((f) => !f.waived)).toEqual([]);
  });

  it('a pack that switches live/unreachable off silences the finding, not the gap', async () => {
    const { e, resolve } = await oneGap();
    e.files['pack.yaml'] = stringify({ apiVersion: 'rc-policy/v1', kind: 'PolicyPack', metadata: { name: 'quiet' }, extends: 'rc-default', rules: { 'live/unreachable': 'off' } });
    e.topology.policy = { pack: 'pack.yaml' };
    const { report } = await run(e, resolve, { timeoutMs: 800 });
    expect(report.findings.filter((f) => f.rule === 'live/unreachable')).toEqual([]);
    expect(report.incomplete).toEqual([
      {
        target: 'broker-us-1',
        source: expect.stringMatching(/^tls broker-us-1\.company\.com:443 via 127\.0\.0\.1:\d+ \(--resolve\)$/),
        reason: 'the server reset the connection during the TLS handshake, before answering the ClientHello',
        location: expect.objectContaining({ file: 'rc-topology.yaml' }),
      },
    ]);
  });

  it('a complete audit says so: incomplete is empty', async () => {
    const { e, leaves } = await estate();
    const clientCa = [e.pki.root, e.pki.clientCa];
    const resolve: string[] = [];
    for (const id of ['broker-us-1', 'broker-us-2', 'broker-in-3']) resolve.push(to(`${id}.company.com`, await nodeTlsServer({ leaf: leaves[id]!, chain: [e.pki.serverCa], clientCa })));
    const { report } = await run(e, resolve, { timeoutMs: 800 });
    expect(report.incomplete).toEqual([]);
    expect(problems(report)).toEqual([]);
  });
});

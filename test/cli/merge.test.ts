// `rc-policy merge` on real shard reports of the bundled example: `check --region` offline, and
// `audit --region` against a regenerated copy of the example served on loopback (Node TLS brokers,
// haproxy load balancers, the local Key Vault through the real Azure SDK). The merged shards must
// give the findings, gaps and exit code of the unsharded run; shards that disagree about an object
// they both audit are an error.
import { chmod, copyFile, mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse as parseYaml } from 'yaml';
import { writeRcSystem } from '../../src/init/rc-system.ts';
import type { Issued } from '../../src/pki/generate.ts';
import { issue } from '../../src/pki/generate.ts';
import { FakeKeyVault, FAKE_TOKEN } from '../helpers/keyvault-server.ts';
import { closedPort, haproxy, nodeTlsServer, type Running } from '../helpers/servers.ts';
import { ROOT, runCli, runCliAsync } from '../helpers/cli.ts';
import { MERGED_SECTIONS as SECTIONS } from '../helpers/shards.ts';

const EXAMPLE = 'examples/rc-system/rc-topology.yaml';
// Past the end of the example's leaves (2032) and issuing CAs (2038): every shard has findings, and so do the shared CAs.
const LATE = '2039-06-01';

interface JsonReport {
  summary: Record<string, number>;
  findings: { rule: string; severity: string; target: string; message: string; location: { line: number } }[];
  matrix?: { client: string; server: string }[];
  incomplete?: { target: string; source: string }[];
  scope?: { regions: string[]; allRegions: string[]; shared: string[] };
}

let tmp: string;
beforeAll(async () => {
  tmp = await mkdtemp(path.join(tmpdir(), 'rc-policy-merge-'));
});
afterAll(async () => {
  await rm(tmp, { recursive: true, force: true });
});

const json = (text: string) => JSON.parse(text) as JsonReport;
const lines = (r: JsonReport) => r.findings.map((f) => `${f.severity} ${f.rule} ${f.target}: ${f.message}`);

describe('rc-policy merge of check shards', () => {
  function shards(at: Record<'us' | 'in', string>) {
    const files: Record<string, string> = {};
    for (const region of ['us', 'in'] as const) {
      files[region] = path.join(tmp, `check-${region}-${at[region]}.json`);
      const r = runCli(['check', EXAMPLE, '--region', region, '--at', at[region], '--format', `json=${files[region]}`, '--format', 'text']);
      expect(r.stderr).toBe('');
    }
    return files as Record<'us' | 'in', string>;
  }

  it('two --region shards merged equal the unsharded run: findings, matrix, summary and exit code', async () => {
    const whole = runCli(['check', EXAMPLE, '--at', LATE, '--format', 'json']);
    expect(whole.code).toBe(1);
    const files = shards({ us: LATE, in: LATE });
    const us = json(await readFile(files.us, 'utf8'));
    const inn = json(await readFile(files.in, 'utf8'));
    // Each shard reports its own region's objects and the region-less ones, and says so.
    // pairClients: the initiators of the shard's handshake pairs (target-in reaches the us brokers through crlb).
    expect(us.scope).toEqual({ regions: ['us'], allRegions: ['in', 'us'], shared: ['client-issuing', 'rc-trust', 'root', 'server-issuing'], pairClients: ['controller-us', 'target-in', 'target-us'] });
    expect(us.findings.some((f) => f.target === 'broker-in-3')).toBe(false);
    expect(inn.findings.some((f) => f.target === 'broker-us-1')).toBe(false);
    expect(us.findings.some((f) => f.target === 'server-issuing') && inn.findings.some((f) => f.target === 'server-issuing')).toBe(true);

    const merged = runCli(['merge', files.us, files.in, '--format', 'json']);
    expect(merged.stderr).toBe('');
    expect(merged.code).toBe(whole.code);
    const m = json(merged.stdout);
    const w = json(whole.stdout);
    expect(lines(m)).toEqual(lines(w));
    expect(m.findings.length).toBeLessThan(us.findings.length + inn.findings.length); // the shared objects' findings once
    expect(m.summary).toEqual(w.summary);
    expect(m.matrix!.map((p) => `${p.client}->${p.server}`).sort()).toEqual(w.matrix!.map((p) => `${p.client}->${p.server}`).sort());
    expect(m.scope?.regions).toEqual(['in', 'us']);
    for (const section of SECTIONS) expect((m as unknown as Record<string, unknown>)[section], section).toEqual((w as unknown as Record<string, unknown>)[section]);
    // Any format, from the same merged report: one SARIF, one job summary.
    const sarif = path.join(tmp, 'merged.sarif');
    const md = runCli(['merge', files.in, files.us, '--format', 'markdown', '--format', `sarif=${sarif}`]);
    expect(md.code).toBe(1);
    expect(md.stdout).toContain('broker-in-3');
    expect(md.stdout).toContain('broker-us-1');
    const results = (JSON.parse(await readFile(sarif, 'utf8')) as { runs: { results: unknown[] }[] }).runs[0]!.results;
    // The merged SARIF describes the rules as one run's does (code scanning shows their help from it).
    const wholeSarif = path.join(tmp, 'whole.sarif');
    runCli(['check', EXAMPLE, '--at', LATE, '--format', `sarif=${wholeSarif}`]);
    type Sarif = { runs: { tool: { driver: { rules: unknown[] } }; results: unknown[] }[] };
    const [ws, ms] = [JSON.parse(await readFile(wholeSarif, 'utf8')) as Sarif, JSON.parse(await readFile(sarif, 'utf8')) as Sarif];
    expect(ms.runs[0]!.tool.driver.rules.length).toBeGreaterThan(40);
    expect(ms.runs[0]!.tool.driver.rules).toEqual(ws.runs[0]!.tool.driver.rules);
    expect(ms.runs[0]!.results).toEqual(ws.runs[0]!.results);
    expect(results).toHaveLength(w.findings.filter((f) => f.severity !== 'info').length + w.findings.filter((f) => f.severity === 'info').length);
    // --fail-on applies to the merged findings as to one run.
    expect(runCli(['merge', files.us, files.in, '--fail-on', 'never', '--format', 'json']).code).toBe(0);
  });

  it('shards that disagree about an object both audit are an error (exit 2), as are missing and repeated regions', () => {
    const late = shards({ us: LATE, in: LATE });
    const early = shards({ us: '2033-06-01', in: '2033-06-01' });
    // The in shard evaluated the estate as of 2033, the us shard as of 2039: the issuing CAs have expired in one and not the other.
    const r = runCli(['merge', late.us, early.in]);
    expect(r.code).toBe(2);
    expect(r.stdout).toBe('');
    expect(r.stderr).toMatch(/^rc-policy: conflicting results for (server-issuing|client-issuing) \(audited by every shard\): .*check-us-2039-06-01\.json reports cert\/expired \(error\) ".*", .*check-in-2033-06-01\.json does not; re-run the shards against the same estate\n$/);
    expect(r.stderr.split('\n')).toHaveLength(2);

    const missing = runCli(['merge', late.us]);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toBe('rc-policy: no shard report covers region in: the merged report would leave it out\n');
    const twice = runCli(['merge', late.us, early.us, late.in]);
    expect(twice.code).toBe(2);
    expect(twice.stderr).toMatch(/^rc-policy: region us is in both .*check-us-2039-06-01\.json and .*check-us-2033-06-01\.json: give each region's shard once\n$/);
  });

  it('refuses what is not a shard report, with one line naming the file', async () => {
    const whole = path.join(tmp, 'whole.json');
    runCli(['check', EXAMPLE, '--format', `json=${whole}`]);
    const files = shards({ us: LATE, in: LATE });
    const notJson = path.join(tmp, 'not.json');
    await writeFile(notJson, '{"tool": ');
    const other = path.join(tmp, 'other.json');
    await writeFile(other, JSON.stringify({ tool: { name: 'conftest' }, findings: [] }));
    const cases: [string[], RegExp][] = [
      [[], /^rc-policy: rc-policy merge needs the JSON reports of the shards/],
      [[notJson], /^rc-policy: .*not\.json: not JSON \(/],
      [[other], /^rc-policy: .*other\.json: not an rc-policy JSON report .*tool\.name is not 'rc-policy'/],
      [[path.join(tmp, 'absent.json')], /^rc-policy: cannot read .*absent\.json: no such file/],
      [[whole, files.in], /^rc-policy: .*whole\.json covers the whole estate \(it was not run with --region\)/],
    ];
    for (const [args, expected] of cases) {
      const r = runCli(['merge', ...args]);
      expect(r.code, args.join(' ')).toBe(2);
      expect(r.stderr).toMatch(expected);
      expect(r.stderr.split('\n')).toHaveLength(2);
    }
    // One whole report alone is a report: merge then only re-renders it.
    expect(runCli(['merge', whole]).code).toBe(0);
  });
});

describe('rc-policy merge of audit shards (live estate on loopback)', () => {
  let kv: FakeKeyVault;
  let env: Record<string, string | undefined>;
  let dir: string;
  const issued = new Map<string, Issued>();
  const running: Running[] = [];
  let resolve: Record<string, string>;

  beforeAll(async () => {
    const bin = path.join(tmp, 'bin');
    await mkdir(bin, { recursive: true });
    const expires = Math.floor(Date.now() / 1000) + 3600;
    await writeFile(path.join(bin, 'az'), `#!/bin/sh\necho '{"accessToken":"${FAKE_TOKEN}","expiresOn":"2099-01-01 00:00:00.000000","expires_on":${expires},"tokenType":"Bearer"}'\n`);
    await chmod(path.join(bin, 'az'), 0o755);
    kv = await FakeKeyVault.start(['kv-us', 'kv-in']);
    await writeFile(path.join(tmp, 'kv-ca.pem'), kv.ca.pem);
    env = { PATH: `${bin}:${process.env.PATH}`, CI: undefined, GITHUB_ACTIONS: undefined, NODE_EXTRA_CA_CERTS: path.join(tmp, 'kv-ca.pem') };
    // The example's own topology over a fresh PKI whose keys the test keeps: the brokers serve the repo's certificates.
    dir = path.join(tmp, 'rc-system');
    await writeRcSystem(dir, { notBefore: new Date('2026-01-01T00:00:00Z'), leafDays: 6 * 365, caDays: 12 * 365, rootDays: 20 * 365, onIssued: (id, c) => issued.set(id, c) });
    await copyFile(path.join(ROOT, EXAMPLE), path.join(dir, 'rc-topology.yaml'));
    const serverCa = issued.get('server-issuing')!;
    const clientCa = [issued.get('root')!, issued.get('client-issuing')!];
    const day = 86_400_000;
    // broker-us-2's renewal is in Key Vault but not rolled out (a warning in the us shard);
    // broker-in-3 does not enforce client authentication (an error in the in shard).
    const uploaded = await issue({ subject: 'CN=broker-us-2.company.com, O=Company', issuer: serverCa, dns: ['broker-us-2.company.com'], eku: ['serverAuth'], notBefore: new Date(Date.now() - day), notAfter: new Date(Date.now() + 300 * day) });
    kv.put('kv-us', 'broker-us-1-cert', [{ der: issued.get('broker-us-1')!.cert.der, created: new Date(Date.now() - 30 * day) }]);
    kv.put('kv-us', 'broker-us-2-cert', [
      { der: issued.get('broker-us-2')!.cert.der, created: new Date(Date.now() - 30 * day) },
      { der: uploaded.cert.der, created: new Date(Date.now() - day) },
    ]);
    kv.put('kv-in', 'broker-in-3-cert', [{ der: issued.get('broker-in-3')!.cert.der, created: new Date(Date.now() - 30 * day) }]);
    const us1 = await nodeTlsServer({ leaf: issued.get('broker-us-1')!, chain: [serverCa], clientCa });
    const us2 = await nodeTlsServer({ leaf: issued.get('broker-us-2')!, chain: [serverCa], clientCa });
    const in3 = await nodeTlsServer({ leaf: issued.get('broker-in-3')!, chain: [serverCa], clientAuth: 'none' });
    // Source balancing: every probe from 127.0.0.1 reaches the same backend, in the sharded and the whole run alike.
    const slbUs = await haproxy({ backends: [us1.port, us2.port], balance: 'source' });
    const slbIn = await haproxy({ backends: [in3.port] });
    // One backend for every connection, whatever the SNI (a layer-4 balancer): the same evidence run after run,
    // and the in shard's probes through crlb come back from a us broker it did not probe itself.
    const crlb = await haproxy({ backends: [us1.port, us2.port, in3.port], balance: 'source' });
    running.push(us1, us2, in3, slbUs, slbIn, crlb);
    resolve = {
      'broker-us-1.company.com': String(us1.port),
      'broker-us-2.company.com': String(us2.port),
      'broker-in-3.company.com': String(in3.port),
      'slb-us.company.com': String(slbUs.port),
      'slb-in.company.com': String(slbIn.port),
      'rc.company.com': String(crlb.port),
      'kv-us.vault.azure.net': String(kv.port),
      'kv-in.vault.azure.net': String(kv.port),
    };
  });
  afterAll(async () => {
    for (const r of running) await r.stop();
    await kv?.stop();
  });

  const audit = (args: string[], ports: Record<string, string> = resolve) =>
    runCliAsync(['audit', 'rc-topology.yaml', ...Object.entries(ports).flatMap(([host, port]) => ['--resolve', `${host}:443:127.0.0.1:${port}`]), '--azure-credential', 'cli', '--timeout', '3000', '--format', 'json', ...args], { cwd: dir, env });

  it('the us and in shards merged give the unsharded audit: same findings, same exit code', async () => {
    const whole = await audit([]);
    expect(whole.stderr).toBe('');
    expect(whole.code).toBe(1);
    const w = json(whole.stdout);
    expect(w.findings.filter((f) => f.severity !== 'info').map((f) => `${f.severity} ${f.rule} ${f.target}`)).toEqual([
      'error live/client-auth-not-enforced broker-in-3',
      'warning live/key-vault-drift broker-us-2',
    ]);
    for (const region of ['us', 'in']) {
      const r = await audit(['--region', region]);
      expect(r.stderr).toBe('');
      await writeFile(path.join(tmp, `audit-${region}.json`), r.stdout);
    }
    const merged = runCli(['merge', path.join(tmp, 'audit-us.json'), path.join(tmp, 'audit-in.json'), '--format', 'json']);
    expect(merged.stderr).toBe('');
    expect(merged.code).toBe(whole.code);
    expect(lines(json(merged.stdout))).toEqual(lines(w));
    expect(json(merged.stdout).incomplete).toEqual([]);
    // Every section, the audit evidence and the served certificates' inventory included.
    const m = JSON.parse(merged.stdout) as Record<string, unknown>;
    const whole_ = JSON.parse(whole.stdout) as Record<string, unknown>;
    expect((whole_.observations as { endpoints: unknown[] }).endpoints.length).toBeGreaterThan(3);
    for (const section of SECTIONS) expect(m[section], section).toEqual(whole_[section]);
    // crlb hands every probe to one broker: the other region's shard saw its certificate but could not name it; the merge does.
    type Endpoint = { target: string; sniFor?: string; backend?: string };
    const crlbProbes = async (region: string) => (JSON.parse(await readFile(path.join(tmp, `audit-${region}.json`), 'utf8')) as { observations: { endpoints: Endpoint[] } }).observations.endpoints.filter((e) => e.target === 'crlb');
    const unnamed = [...(await crlbProbes('us')), ...(await crlbProbes('in'))].filter((e) => e.backend === undefined);
    expect(unnamed.length).toBeGreaterThan(0);
    expect((m.observations as { endpoints: Endpoint[] }).endpoints.filter((e) => e.target === 'crlb' && e.backend === undefined)).toEqual([]);
  });

  it('a shard that could not evaluate part of the estate: the merge keeps the gap and exits 2', async () => {
    const us = await audit(['--region', 'us']);
    const inn = await audit(['--region', 'in'], { ...resolve, 'broker-in-3.company.com': String(await closedPort()) });
    expect(inn.code).toBe(2);
    await writeFile(path.join(tmp, 'audit-us.json'), us.stdout);
    await writeFile(path.join(tmp, 'audit-in-dead.json'), inn.stdout);
    const merged = runCli(['merge', path.join(tmp, 'audit-us.json'), path.join(tmp, 'audit-in-dead.json'), '--format', 'json', '--fail-on', 'never']);
    expect(merged.code).toBe(2);
    expect(merged.stderr).toBe('rc-policy: the audit is incomplete: could not evaluate 1 object (broker-in-3); see "Not evaluated" in the report\n');
    const m = json(merged.stdout);
    expect(m.incomplete).toEqual([expect.objectContaining({ target: 'broker-in-3', source: expect.stringMatching(/^tls broker-in-3\.company\.com:443/) })]);
    expect(m.findings.filter((f) => f.rule === 'live/unreachable').map((f) => f.target)).toEqual(['broker-in-3']);
    expect(m.findings.some((f) => f.rule === 'live/key-vault-drift' && f.target === 'broker-us-2')).toBe(true);
  });

  it('a dead cross-region load balancer: one finding naming every SNI, as one run gives, though each shard probed its own', async () => {
    const dead = { ...resolve, 'rc.company.com': String(await closedPort()) };
    const whole = await audit([], dead);
    expect(whole.code).toBe(2);
    const w = JSON.parse(whole.stdout) as Record<string, unknown> & JsonReport;
    const crlb = (r: JsonReport) => r.findings.filter((f) => f.target === 'crlb').map((f) => f.message);
    expect(crlb(w)).toEqual([expect.stringMatching(/^load balancer crlb is unreachable at rc\.company\.com:443 .*\(SNI broker-us-1\.company\.com, broker-us-2\.company\.com, broker-in-3\.company\.com\): /)]);
    for (const region of ['us', 'in']) {
      const r = await audit(['--region', region], dead);
      expect(r.code).toBe(2);
      expect(crlb(json(r.stdout))).toHaveLength(1);
      await writeFile(path.join(tmp, `dead-crlb-${region}.json`), r.stdout);
    }
    // The in shard's own finding names broker-in-3 only.
    expect(crlb(json(await readFile(path.join(tmp, 'dead-crlb-in.json'), 'utf8')))[0]).toMatch(/\(SNI broker-in-3\.company\.com\)/);
    const merged = runCli(['merge', path.join(tmp, 'dead-crlb-in.json'), path.join(tmp, 'dead-crlb-us.json'), '--format', 'json']);
    expect(merged.code).toBe(whole.code);
    const m = JSON.parse(merged.stdout) as Record<string, unknown>;
    for (const section of SECTIONS) expect(m[section], section).toEqual(w[section]);
  });
});

describe('the documented sharded-audit workflow (examples/workflows/rc-policy-sharded-audit.yml)', () => {
  type Step = { uses?: string; run?: string; with?: Record<string, unknown>; if?: string };
  type Job = { needs?: string; if?: string; permissions?: Record<string, string>; strategy?: { matrix?: { region?: string[] } }; steps: Step[] };
  const workflow = async () => parseYaml(await readFile(path.join(ROOT, 'examples/workflows/rc-policy-sharded-audit.yml'), 'utf8')) as { jobs: Record<string, Job> };

  it('audits one region per matrix job, then merges every shard into one SARIF upload and one job summary', async () => {
    const { jobs } = await workflow();
    expect(jobs.shard!.strategy!.matrix!.region!.length).toBeGreaterThan(1);
    const audit = jobs.shard!.steps.map((s) => s.run ?? '').join('\n');
    expect(audit).toContain('audit "$TOPOLOGY" --region "$REGION"');
    expect(audit).toContain('--format "json=rc-policy-shard-$REGION.json"');
    expect(jobs.shard!.permissions).toEqual({ contents: 'read', 'id-token': 'write' });
    expect(jobs.merge!.needs).toBe('shard');
    expect(jobs.merge!.if).toContain('!cancelled()'); // a failed shard still reaches the merge, which then refuses the missing region
    const merge = jobs.merge!.steps.map((s) => s.run ?? '').join('\n');
    expect(merge).toContain('merge shards/rc-policy-shard-*.json');
    expect(merge).toContain('--format sarif=rc-policy.sarif');
    expect(merge).toContain('>> "$GITHUB_STEP_SUMMARY"');
    const uploads = jobs.merge!.steps.filter((s) => s.uses?.startsWith('github/codeql-action/upload-sarif@'));
    expect(uploads).toHaveLength(1);
    expect(uploads[0]!.with).toMatchObject({ sarif_file: 'rc-policy.sarif' });
    expect(jobs.merge!.permissions).toMatchObject({ 'security-events': 'write' });
  });
});

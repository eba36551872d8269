// Sharding and merging keep every section of the report (ADR 0115, 0123): on a generated estate of
// more than 1,000 handshake pairs (so the matrix lists only the pairs that are not ok), with errors,
// checks waiting on a cause in another region, a load balancer that terminates TLS, a waiver and a
// baseline, the `check --region` shards merged give the unsharded run's report section by section,
// and its exit code.
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { stringify } from 'yaml';
import { baseline, broker, days, region, writeEstate, type Estate, type Json } from '../helpers/estate.ts';
import { runCli } from '../helpers/cli.ts';
import { MERGED_SECTIONS as SECTIONS } from '../helpers/shards.ts';


const EXTRA_BROKERS = 14; // per region
const FLEET = 36; // clients on the cross-region load balancer

/** The test estate grown past MATRIX_AUTO_FULL_PAIRS, with one fault of each kind the shards split. */
async function estate(): Promise<Estate> {
  const e = await baseline();
  for (const r of ['us', 'in']) {
    const reg = region(e, r);
    for (let i = 0; i < EXTRA_BROKERS; i++) {
      const id = `broker-${r}-x${i}`;
      // broker-us-x0's leaf expires within the warning window: a finding the waiver accepts.
      const leaf = await e.pki.server(`${id}.company.com`, id === 'broker-us-x0' ? { notAfter: days(10) } : {});
      e.files[`certs/${id}.pem`] = leaf.pem + e.pki.serverCa.pem;
      reg.brokers.push({ ...broker(e, `broker-${r === 'us' ? 'us-1' : 'in-3'}`), id, fqdn: `${id}.company.com`, cert: { file: `certs/${id}.pem` } });
      reg.loadBalancers[0].backends.push(id);
    }
  }
  for (let i = 0; i < FLEET; i++) {
    const id = `fleet-${i}`;
    e.files[`certs/${id}.pem`] = (await e.pki.client(id)).pem + e.pki.clientCa.pem;
    e.topology.clients.push({ id, role: 'target', region: i % 2 ? 'us' : 'in', cert: { file: `certs/${id}.pem` }, trustBundle: 'rc-trust', connectsTo: ['crlb'] });
  }
  // broker-in-3 serves broker-us-1's certificate: name mismatch in the in shard, its handshakes wait on it.
  e.files['certs/broker-in-3.pem'] = e.files['certs/broker-us-1.pem']!;
  // target-in (region in) has an expired certificate: its pairs with the us brokers wait on a finding of the in shard.
  e.files['certs/target-in.pem'] = (await e.pki.client('target-in', { notBefore: days(-400), notAfter: days(-2) })).pem + e.pki.clientCa.pem;
  // slb-in terminates TLS: every pair through it is broken on the path.
  region(e, 'in').loadBalancers[0].listeners = [{ port: 443, protocol: 'tls', backendPort: 443 }];
  e.files['waivers.yaml'] = stringify({
    apiVersion: 'rc-policy/v1',
    kind: 'Waivers',
    waivers: [
      { rule: 'cert/expiring', target: 'broker-us-x0', reason: 'renewal scheduled', expires: '2099-01-31' },
      { rule: 'cert/expiring', target: 'broker-in-x5', reason: 'not expiring: unused', expires: '2099-01-31' },
      { rule: 'cert/expiring', target: '*', reason: 'every renewal is scheduled', expires: '2099-01-31' },
    ],
  });
  e.topology.policy = { waivers: 'waivers.yaml' };
  return e;
}

const AT = '2026-12-01';
type Report = Record<string, Json>;
const read = async (file: string): Promise<Report> => JSON.parse(await readFile(file, 'utf8')) as Report;

describe('merged check shards equal the unsharded run, section by section', () => {
  it('on a generated estate with failures, waiting checks, a broken path, a waiver and a baseline', async () => {
    const topology = await writeEstate(await estate());
    const dir = path.dirname(topology);
    const out = (name: string) => path.join(dir, name);
    // A baseline from an older estate: a finding since fixed, and findings still open.
    const old = runCli(['check', topology, '--at', AT, '--format', `json=${out('base.json')}`, '--fail-on', 'never']);
    expect(old.code).toBe(0);
    const base = await read(out('base.json'));
    for (const target of ['root', 'broker-us-x3', 'broker-in-x3']) base.findings.push({ ...base.findings[0], rule: 'cert/weak-key', target, message: 'fixed since' });
    await import('node:fs/promises').then((fs) => fs.writeFile(out('base.json'), JSON.stringify(base)));

    const args = ['--at', AT, '--baseline', out('base.json')];
    const whole = runCli(['check', topology, ...args, '--format', `json=${out('whole.json')}`]);
    expect(whole.stderr).toBe('');
    const w = await read(out('whole.json'));
    // The estate has what the test is about.
    expect(w.matrixSummary.listed).toBe('problems');
    expect(w.matrixSummary.pairs).toBeGreaterThan(1000);
    expect(w.matrixSummary.brokenOnPath).toBeGreaterThan(0);
    expect(w.matrixSummary.ok).toBeGreaterThan(0);
    expect(w.summary.notEvaluated).toBeGreaterThan(0);
    expect(w.notEvaluated.some((d: Json) => d.target.startsWith('target-in->broker-us-'))).toBe(true);
    expect(w.summary.waived).toBe(1);
    expect(w.baseline.fixed).toBe(3);

    const shards: Record<string, Report> = {};
    for (const r of ['us', 'in']) {
      const run = runCli(['check', topology, ...args, '--region', r, '--format', `json=${out(`${r}.json`)}`]);
      expect(run.stderr).toBe('');
      shards[r] = await read(out(`${r}.json`));
    }
    const { us, in: inn } = shards as Record<'us' | 'in', Report>;
    // Each shard counts and lists its own pairs (a pair belongs to its server's region), and its waiting checks.
    for (const s of [us, inn]) {
      expect(s.matrix.every((p: Json) => p.server.startsWith(`broker-${s.scope.regions[0]}-`))).toBe(true);
      expect(s.summary.notEvaluated).toBe(s.notEvaluated.length);
      expect(s.matrixSummary.listed).toBe('problems');
    }
    expect(us.matrixSummary.pairs + inn.matrixSummary.pairs).toBe(w.matrixSummary.pairs);
    expect(us.matrixSummary.ok).toBeGreaterThan(0);
    expect(inn.matrixSummary.brokenOnPath).toBe(w.matrixSummary.brokenOnPath);
    expect(us.notEvaluated.every((d: Json) => d.target.split('->')[1].startsWith('broker-us-'))).toBe(true);
    // Each shard counts the fixed findings of its scope; the shared root's in both, once in the merge.
    expect([us.baseline.fixed, inn.baseline.fixed, us.scope.sharedFixed, inn.scope.sharedFixed]).toEqual([2, 2, 1, 1]);
    // A waiver is in the shard of what it names ('*' in every shard), counting what it waives there.
    const waivers = (r: Report) => r.waivers.map((o: Json) => `${o.waiver.target} ${o.status} ${o.matched}`);
    expect(waivers(w)).toEqual(['broker-us-x0 active 1', 'broker-in-x5 unused 0', '* active 1']);
    expect(waivers(us)).toEqual(['broker-us-x0 active 1', '* active 1']);
    expect(waivers(inn)).toEqual(['broker-in-x5 unused 0', '* unused 0']);
    // A check the us shard lists can wait on a finding of the in shard (target-in's certificate).
    expect(us.notEvaluated.some((d: Json) => d.because.some((c: Json) => c.target === 'target-in'))).toBe(true);

    const merged = runCli(['merge', out('us.json'), out('in.json'), '--format', `json=${out('merged.json')}`]);
    expect(merged.stderr).toBe('');
    expect(merged.code).toBe(whole.code);
    const m = await read(out('merged.json'));
    for (const section of SECTIONS) expect(m[section], section).toEqual(w[section]);
    // In the other order too.
    const reversed = runCli(['merge', out('in.json'), out('us.json'), '--format', `json=${out('reversed.json')}`]);
    expect(reversed.code).toBe(whole.code);
    const rm = await read(out('reversed.json'));
    for (const section of SECTIONS) expect(rm[section], section).toEqual(w[section]);

    // A reviewer reading a shard learns it is one, and where the causes it does not list are.
    const shardText = runCli(['check', topology, ...args, '--region', 'us']).stdout;
    expect(shardText).toContain("One shard: region us and the objects of no region; in is in its own shard's report (rc-policy merge combines them)\n✔ ");
    expect(shardText).toMatch(/trust\/untrusted-client on target-in->broker-us-1: because of cert\/expired on target-in \(in another region's shard report\)/);
    // Its topology picture leaves the other region's objects uncoloured instead of showing them clean.
    const shardMd = runCli(['check', topology, ...args, '--region', 'us', '--format', 'markdown']).stdout;
    expect(shardMd).toContain("🟩 no findings · uncoloured: another region's shard reports it");
    const classed = [...shardMd.matchAll(/^ {2}class (\S+) \w+$/gm)].flatMap((m) => m[1]!.split(','));
    const inNodes = [...shardMd.matchAll(/^\s+(n\d+)\S*\["(broker-in-[^<"]+)/gm)].map((m) => m[1]!);
    expect(inNodes.length).toBeGreaterThan(0);
    expect(classed.filter((n) => inNodes.includes(n))).toEqual([]);
    // The merged report says what it combines, in text and Markdown, and has no cause elsewhere.
    const mergedText = runCli(['merge', out('us.json'), out('in.json')]).stdout;
    expect(mergedText).toContain("Merged from 2 shard reports covering regions in, us; its time is the oldest shard's\n✖ ");
    expect(mergedText).not.toContain('another region');
    expect(runCli(['merge', out('us.json'), out('in.json'), '--format', 'markdown']).stdout).toContain("*Merged from 2 shard reports covering regions in, us; its time is the oldest shard's.*");

    // A check waiting on a finding no shard raised (the shards saw its object differently) cannot be merged.
    const inWithoutCause = { ...inn, findings: inn.findings.filter((f: Json) => !(f.rule === 'cert/expired' && f.target === 'target-in')) };
    await import('node:fs/promises').then((fs) => fs.writeFile(out('in-edited.json'), JSON.stringify(inWithoutCause)));
    const orphaned = runCli(['merge', out('us.json'), out('in-edited.json')]);
    expect(orphaned.code).toBe(2);
    expect(orphaned.stderr).toMatch(/^rc-policy: .*us\.json lists trust\/untrusted-\w+ on target-in->broker-us-\S+ as not evaluated because of cert\/expired on target-in, which no shard reports: the shards saw target-in differently; re-run the shards against the same estate\n$/);

    // Shards that list their pairs differently cannot be counted together.
    runCli(['check', topology, ...args, '--region', 'in', '--matrix', 'full', '--format', `json=${out('in-full.json')}`]);
    const mixed = runCli(['merge', out('us.json'), out('in-full.json')]);
    expect(mixed.code).toBe(2);
    expect(mixed.stderr).toMatch(/^rc-policy: .*in-full\.json lists every handshake pair, .*us\.json only the failing ones: run every shard with the same --matrix\n$/);
  });
});

// A sharded audit of the lab's live estate (real TLS servers on loopback, ADR 0126), split into two
// regions: the `audit --region` shards merged give the unsharded audit's report section by section —
// the evidence of every probe, the gap of the dead broker, the checks waiting on a finding, the
// handshake counts — and its exit code.
import { copyFile, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LAB_PORT, startLab, type Lab } from '../../src/lab/lab.ts';
import { runCli, runCliAsync } from '../helpers/cli.ts';
import { MERGED_SECTIONS } from '../helpers/shards.ts';

const tmp = await mkdtemp(path.join(tmpdir(), 'rc-policy-lab-shards-'));
let lab: Lab;

const broker = (id: string) => `      - id: ${id}
        fqdn: ${id}.rc-lab.test
        port: ${LAB_PORT}
        issuer: lab-issuing
        cert: { file: certs/${id}.pem }
        clientAuth: { required: true, trustBundle: lab-trust }`;

/** The lab's brokers in two regions, and a client of no region (shared by both shards) that reaches brokers in each. */
const TOPOLOGY = `apiVersion: rc-policy/v1
kind: Topology
metadata:
  name: rc-lab-sharded
cas:
  - id: lab-root
    cert: { file: pki/lab-root.pem }
  - id: lab-issuing
    issuer: lab-root
    cert: { file: pki/lab-issuing.pem }
trustBundles:
  - id: lab-trust
    cas: [lab-root]
regions:
  - id: east
    loadBalancers:
      - id: slb-lab
        type: tcp-relay
        frontend: { fqdn: slb.rc-lab.test }
        listeners:
          - { port: ${LAB_PORT}, protocol: tcp }
        backends: [broker-healthy, broker-drifted]
    brokers:
${broker('broker-healthy')}
${broker('broker-drifted')}
  - id: west
    brokers:
${broker('broker-no-mtls')}
${broker('broker-dead')}
clients:
  - id: lab-client
    role: controller
    region: east
    cert: { file: certs/lab-client.pem }
    trustBundle: lab-trust
    connectsTo: [slb-lab]
  - id: lab-ops
    role: controller
    cert: { file: certs/lab-ops.pem }
    trustBundle: lab-trust
    connectsTo: [broker-healthy, broker-no-mtls, broker-dead]
`;

beforeAll(async () => {
  lab = await startLab(tmp);
  await writeFile(lab.topology, TOPOLOGY);
  await copyFile(path.join(tmp, 'certs/lab-client.pem'), path.join(tmp, 'certs/lab-ops.pem'));
  // The dead broker's repo file holds another broker's certificate: with no live evidence, its
  // name mismatch is a finding, and the handshakes with it wait on that finding.
  await copyFile(path.join(tmp, 'certs/broker-healthy.pem'), path.join(tmp, 'certs/broker-dead.pem'));
});
afterAll(async () => {
  await lab?.stop();
  await rm(tmp, { recursive: true, force: true });
});

const audit = (out: string, extra: string[] = [], resolve: readonly string[] = lab.resolve) =>
  runCliAsync(['audit', lab.topology, ...resolve.flatMap((r) => ['--resolve', r]), '--client-cert', lab.clientCert, '--client-key', lab.clientKey, '--timeout', '3000', '--format', `json=${out}`, ...extra], { cwd: tmp });
type Report = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any
const read = async (file: string): Promise<Report> => JSON.parse(await readFile(file, 'utf8')) as Report;

describe('a sharded audit of the lab', () => {
  it('east and west merged equal the unsharded audit: evidence, gaps, waiting checks, counts and exit code', async () => {
    const file = (name: string) => path.join(tmp, name);
    const whole = await audit(file('whole.json'));
    const w = await read(file('whole.json'));
    expect(whole.code).toBe(2); // the dead broker
    expect(w.incomplete.map((g: Report) => g.target)).toEqual(['broker-dead']);
    expect(w.findings.some((f: Report) => f.rule === 'live/certificate-drift' && f.target === 'broker-drifted')).toBe(true);
    expect(w.notEvaluated.some((d: Report) => d.target === 'lab-ops->broker-dead')).toBe(true);
    expect(w.observations.endpoints.length).toBeGreaterThanOrEqual(6);

    const east = await audit(file('east.json'), ['--region', 'east']);
    const west = await audit(file('west.json'), ['--region', 'west']);
    // Each shard's exit code is about its own region: drift in the east, the dead broker in the west.
    expect([east.code, west.code]).toEqual([1, 2]);
    const [e, wst] = [await read(file('east.json')), await read(file('west.json'))];
    expect(e.observations.endpoints.map((o: Report) => o.target)).toEqual(['broker-healthy', 'broker-drifted', 'slb-lab', 'slb-lab']);
    expect(wst.observations.endpoints.map((o: Report) => o.target)).toEqual(['broker-no-mtls', 'broker-dead']);
    expect(e.incomplete).toEqual([]);
    expect(wst.notEvaluated.map((d: Report) => `${d.rule} ${d.target}`)).toEqual(['broker/cn-mismatch broker-dead', 'broker/extra-names broker-dead', 'trust/untrusted-server lab-ops->broker-dead']);
    expect(e.notEvaluated).toBeUndefined();
    // lab-ops (no region) has pairs in both shards; the merge counts it once.
    expect(e.scope.pairClients).toEqual(['lab-client', 'lab-ops']);
    expect(wst.scope.pairClients).toEqual(['lab-ops']);

    const merged = runCli(['merge', file('east.json'), file('west.json'), '--format', `json=${file('merged.json')}`]);
    expect(merged.code).toBe(whole.code);
    expect(merged.stderr).toBe('rc-policy: the audit is incomplete: could not evaluate 1 object (broker-dead); see "Not evaluated" in the report\n');
    const m = await read(file('merged.json'));
    for (const section of MERGED_SECTIONS) expect(m[section], section).toEqual(w[section]);
    expect(m.matrixSummary.clients).toBe(2);

    // Against a baseline of the whole audit nothing is fixed: the west shard, which did not probe
    // broker-drifted, does not count its drift as fixed.
    const again = await audit(file('whole-2.json'), ['--baseline', file('whole.json')]);
    const eastB = await audit(file('east-b.json'), ['--region', 'east', '--baseline', file('whole.json')]);
    const westB = await audit(file('west-b.json'), ['--region', 'west', '--baseline', file('whole.json')]);
    expect([again.code, eastB.code, westB.code]).toEqual([2, 0, 2]);
    expect((await read(file('west-b.json'))).baseline).toMatchObject({ fixed: 0, new: 0 });
    const mergedB = runCli(['merge', file('east-b.json'), file('west-b.json'), '--format', `json=${file('merged-b.json')}`]);
    expect(mergedB.code).toBe(again.code);
    const [w2, m2] = [await read(file('whole-2.json')), await read(file('merged-b.json'))];
    expect(w2.baseline).toMatchObject({ fixed: 0, new: 0 });
    for (const section of MERGED_SECTIONS) expect(m2[section], section).toEqual(w2[section]);
  });

  it('gaps in both shards: the merge lists them in the order of one run, whichever shard comes first, and exits 2', async () => {
    const file = (name: string) => path.join(tmp, `gaps-${name}`);
    // broker-healthy (east) dialled at the dead broker's port: a gap in each region.
    const deadPort = lab.resolve.find((r) => r.startsWith('broker-dead.'))!.split(':').at(-1)!;
    const resolve = lab.resolve.map((r) => (r.startsWith('broker-healthy.') ? r.replace(/\d+$/, deadPort) : r));
    const whole = await audit(file('whole.json'), [], resolve);
    const east = await audit(file('east.json'), ['--region', 'east'], resolve);
    const west = await audit(file('west.json'), ['--region', 'west'], resolve);
    expect([whole.code, east.code, west.code]).toEqual([2, 2, 2]);
    const w = await read(file('whole.json'));
    expect(w.incomplete.map((g: Report) => g.target)).toEqual(['broker-healthy', 'broker-dead']);
    const merged = runCli(['merge', file('west.json'), file('east.json'), '--format', `json=${file('merged.json')}`]);
    expect(merged.code).toBe(2);
    const m = await read(file('merged.json'));
    for (const section of MERGED_SECTIONS) expect(m[section], section).toEqual(w[section]);
  });
});

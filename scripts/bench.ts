// npm run bench -- --brokers N [--runs R]
// Generates (once, cached in .bench/) a valid estate of N brokers — regions of 500, a standard LB per
// region, a cross-region LB, one intermediate per region, one root, 50 clients each connecting to its
// own region's LB, every leaf file = leaf + intermediate — then runs `rc-policy check --format json`
// and `openssl verify` on the same leaves, alternating, and prints medians, peak RSS and the ratio.
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { issue, type Issued } from '../src/pki/generate.ts';

const { values } = parseArgs({ options: { brokers: { type: 'string', default: '10000' }, runs: { type: 'string', default: '5' } } });
const N = Number(values.brokers);
const RUNS = Number(values.runs);
if (!Number.isInteger(N) || N < 1 || !Number.isInteger(RUNS) || RUNS < 1) throw new Error('usage: npm run bench -- --brokers N [--runs R]');

const ROOT = path.resolve(import.meta.dirname, '..');
const REGION_SIZE = 500;
const CLIENTS = 50;
const LAYOUT_VERSION = 2;
const dir = path.join(ROOT, '.bench', `estate-${N}`);
const at = new Date('2026-12-01T00:00:00Z');
const day = 86_400_000;

async function generate(): Promise<void> {
  const regions = Math.ceil(N / REGION_SIZE);
  const t0 = performance.now();
  const root = await issue({ subject: 'CN=Bench Root, O=Bench', notBefore: new Date(at.getTime() - 400 * day), notAfter: new Date(at.getTime() + 3000 * day), ca: { pathLen: 1 } });
  const ints: Issued[] = [];
  for (let r = 0; r < regions; r++) {
    ints.push(await issue({ subject: `CN=Bench Issuing r${r}, O=Bench`, issuer: root, notBefore: new Date(at.getTime() - 300 * day), notAfter: new Date(at.getTime() + 1500 * day), ca: { pathLen: 0 } }));
  }
  const leafValidity = { notBefore: new Date(at.getTime() - 30 * day), notAfter: new Date(at.getTime() + 300 * day) };
  await mkdir(path.join(dir, 'leaves'), { recursive: true });
  await mkdir(path.join(dir, 'pki'), { recursive: true });
  await writeFile(path.join(dir, 'pki/root.pem'), root.pem);
  await writeFile(path.join(dir, 'roots.pem'), root.pem);
  await writeFile(path.join(dir, 'intermediates.pem'), ints.map((i) => i.pem).join(''));
  const y: string[] = [
    'apiVersion: rc-policy/v1',
    'kind: Topology',
    `metadata: {name: bench-${N}}`,
    'cas:',
    '  - {id: root, cert: {file: pki/root.pem}}',
  ];
  for (let r = 0; r < regions; r++) {
    await writeFile(path.join(dir, `pki/int-r${r}.pem`), ints[r]!.pem);
    y.push(`  - {id: int-r${r}, issuer: root, cert: {file: pki/int-r${r}.pem}}`);
  }
  y.push('trustBundles:', '  - {id: bench-trust, cas: [root]}', 'regions:');
  for (let r = 0; r < regions; r++) {
    const ids: string[] = [];
    const brokers: string[] = [];
    for (let i = r * REGION_SIZE; i < Math.min(N, (r + 1) * REGION_SIZE); i++) {
      const id = `broker-${i}`;
      const fqdn = `${id}.r${r}.bench.example`;
      const leaf = await issue({ ...leafValidity, subject: `CN=${fqdn}, O=Bench`, issuer: ints[r]!, dns: [fqdn], eku: ['serverAuth'] });
      await writeFile(path.join(dir, `leaves/${id}.pem`), leaf.pem + ints[r]!.pem);
      ids.push(id);
      brokers.push(
        `      - {id: ${id}, fqdn: ${fqdn}, port: 443, issuer: int-r${r}, cert: {file: leaves/${id}.pem, keyVault: {certificate: ${id}}}, clientAuth: {required: true, trustBundle: bench-trust}}`,
      );
      if (i % 1000 === 999) process.stderr.write(`  generated ${i + 1}/${N} leaves\n`);
    }
    y.push(
      `  - id: r${r}`,
      `    keyVault: {name: kv-bench-r${r}}`,
      '    loadBalancers:',
      `      - {id: slb-r${r}, type: azure-standard-lb, listeners: [{port: 443, protocol: tcp}], backends: [${ids.join(', ')}]}`,
      '    brokers:',
      ...brokers,
    );
  }
  y.push('globalLoadBalancers:', `  - {id: crlb, listeners: [{port: 443, protocol: tcp}], backends: [${Array.from({ length: regions }, (_, r) => `slb-r${r}`).join(', ')}]}`);
  y.push('clients:');
  await mkdir(path.join(dir, 'clients'), { recursive: true });
  for (let c = 0; c < CLIENTS; c++) {
    const r = c % regions;
    const cert = await issue({ ...leafValidity, subject: `CN=client-${c}, O=Bench`, issuer: ints[r]!, eku: ['clientAuth'] });
    await writeFile(path.join(dir, `clients/client-${c}.pem`), cert.pem + ints[r]!.pem);
    y.push(`  - {id: client-${c}, role: controller, region: r${r}, cert: {file: clients/client-${c}.pem}, trustBundle: bench-trust, connectsTo: [slb-r${r}]}`);
  }
  await writeFile(path.join(dir, 'rc-topology.yaml'), `${y.join('\n')}\n`);
  await writeFile(path.join(dir, '.complete'), String(LAYOUT_VERSION));
  process.stderr.write(`generated the ${N}-broker estate in ${((performance.now() - t0) / 1000).toFixed(1)} s\n`);
}

interface Run {
  readonly ms: number;
  readonly maxRssKb: number;
  readonly code: number;
  readonly stdout: string;
}

/** Runs a command under GNU time when present (peak RSS of the child), otherwise times it alone. */
function timed(cmd: string, args: string[], cwd: string): Promise<Run> {
  const gnuTime = existsSync('/usr/bin/time');
  const [bin, argv] = gnuTime ? ['/usr/bin/time', ['-f', '%M', cmd, ...args]] : [cmd, args];
  return new Promise((resolve, reject) => {
    const t0 = performance.now();
    const child = spawn(bin, argv as string[], { cwd, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => (stderr += d));
    child.on('error', reject);
    child.on('close', (code) => {
      const ms = performance.now() - t0;
      const rss = gnuTime ? Number(stderr.trim().split('\n').pop()) : Number.NaN;
      resolve({ ms, maxRssKb: rss, code: code ?? -1, stdout });
    });
  });
}

const median = (xs: number[]): number => {
  const s = [...xs].sort((a, b) => a - b);
  const m = Math.floor(s.length / 2);
  return s.length % 2 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
};

if (!existsSync(path.join(dir, '.complete')) || (await readFile(path.join(dir, '.complete'), 'utf8')) !== String(LAYOUT_VERSION)) await generate();

const leaves = Array.from({ length: N }, (_, i) => `leaves/broker-${i}.pem`);
const rc: Run[] = [];
const ossl: Run[] = [];
for (let i = 0; i < RUNS; i++) {
  rc.push(await timed(process.execPath, [path.join(ROOT, 'bin/rc-policy.js'), 'check', 'rc-topology.yaml', '--format', 'json', '--at', at.toISOString()], dir));
  ossl.push(await timed('openssl', ['verify', '-CAfile', 'roots.pem', '-untrusted', 'intermediates.pem', '-purpose', 'sslserver', '-attime', String(at.getTime() / 1000), ...leaves], dir));
}

const report = JSON.parse(rc[0]!.stdout) as { summary: Record<string, number>; findings: { rule: string; severity: string; message: string }[]; matrix?: unknown[] };
const problems = report.findings.filter((f) => f.severity !== 'info');
const rcMs = median(rc.map((r) => r.ms));
const osslMs = median(ossl.map((r) => r.ms));
const lines = [
  `machine: ${os.cpus().length} × ${os.cpus()[0]?.model ?? 'cpu'}, ${Math.round(os.totalmem() / 2 ** 30)} GiB, Node ${process.version}`,
  `estate: ${N} brokers, ${Math.ceil(N / REGION_SIZE)} regions, ${CLIENTS} clients; ${RUNS} alternating runs`,
  `rc-policy check --format json: median ${(rcMs / 1000).toFixed(2)} s, peak RSS ${Math.round(Math.max(...rc.map((r) => r.maxRssKb)) / 1024)} MB, exit ${rc.map((r) => r.code).join('/')}`,
  `openssl verify:                median ${(osslMs / 1000).toFixed(2)} s, exit ${ossl.map((r) => r.code).join('/')}`,
  `ratio rc-policy / openssl:     ${(rcMs / osslMs).toFixed(2)}`,
  `findings: ${JSON.stringify(report.summary)}; handshake pairs: ${report.matrix?.length ?? 'n/a'}`,
];
console.log(lines.join('\n'));
if (problems.length > 0) {
  console.error(`the bench estate must be clean, but: ${problems.slice(0, 5).map((f) => `${f.rule}: ${f.message}`).join('; ')}`);
  process.exitCode = 1;
}
if (rc.some((r) => r.code !== 0) || ossl.some((r) => r.code !== 0)) process.exitCode = 1;

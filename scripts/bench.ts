// npm run bench -- --brokers N [--brokers M ...] [--runs R]
//
// Generates (once, cached in .bench/estate-N) a valid estate of N brokers — regions of 500, a
// standard LB per region, a cross-region LB, one intermediate per region, one root, 50 clients each
// connecting to its own region's LB, every leaf file = leaf + intermediate — then, R times and
// alternating, runs `rc-policy check --format json` and `openssl verify` on the same leaves, and the
// bundled example check. Prints medians, rc-policy's peak RSS and the ratios (BENCHMARKS.md).
//
// A script, not a timed test: it asserts no timing. It fails (exit 1) when rc-policy crashes, exits
// non-zero or reports an error or warning on the valid estate, so CI runs it as a smoke test.
import { execFileSync, spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { issue, type Issued } from '../src/pki/generate.ts';

const { values } = parseArgs({ options: { brokers: { type: 'string', multiple: true }, runs: { type: 'string', default: '5' } } });
const SIZES = (values.brokers ?? ['10000']).map(Number);
const RUNS = Number(values.runs);
if (SIZES.some((n) => !Number.isInteger(n) || n < 1) || !Number.isInteger(RUNS) || RUNS < 1) {
  throw new Error('usage: npm run bench -- --brokers N [--brokers M ...] [--runs R]');
}

const ROOT = path.resolve(import.meta.dirname, '..');
const CLI = path.join(ROOT, 'bin/rc-policy.js');
const EXAMPLE = 'examples/rc-system/rc-topology.yaml';
const REGION_SIZE = 500;
const CLIENTS = 50;
const LAYOUT_VERSION = 2;
const at = new Date('2026-12-01T00:00:00Z');
const day = 86_400_000;

const estateDir = (n: number): string => path.join(ROOT, '.bench', `estate-${n}`);

/** Issues in parallel chunks: key generation and signing run on libuv's thread pool. */
async function issueAll<T>(count: number, make: (i: number) => Promise<T>): Promise<T[]> {
  const out: T[] = [];
  for (let i = 0; i < count; i += 64) out.push(...(await Promise.all(Array.from({ length: Math.min(64, count - i) }, (_, k) => make(i + k)))));
  return out;
}

async function generate(n: number): Promise<void> {
  const dir = estateDir(n);
  await rm(dir, { recursive: true, force: true });
  const regions = Math.ceil(n / REGION_SIZE);
  const t0 = performance.now();
  const root = await issue({ subject: 'CN=Bench Root, O=Bench', notBefore: new Date(at.getTime() - 400 * day), notAfter: new Date(at.getTime() + 3000 * day), ca: { pathLen: 1 } });
  const ints: Issued[] = await issueAll(regions, (r) =>
    issue({ subject: `CN=Bench Issuing r${r}, O=Bench`, issuer: root, notBefore: new Date(at.getTime() - 300 * day), notAfter: new Date(at.getTime() + 1500 * day), ca: { pathLen: 0 } }),
  );
  const leafValidity = { notBefore: new Date(at.getTime() - 30 * day), notAfter: new Date(at.getTime() + 300 * day) };
  for (const sub of ['leaves', 'pki', 'clients']) await mkdir(path.join(dir, sub), { recursive: true });
  await writeFile(path.join(dir, 'pki/root.pem'), root.pem);
  await writeFile(path.join(dir, 'roots.pem'), root.pem);
  await writeFile(path.join(dir, 'intermediates.pem'), ints.map((i) => i.pem).join(''));
  const y: string[] = ['apiVersion: rc-policy/v1', 'kind: Topology', `metadata: {name: bench-${n}}`, 'cas:', '  - {id: root, cert: {file: pki/root.pem}}'];
  for (let r = 0; r < regions; r++) {
    await writeFile(path.join(dir, `pki/int-r${r}.pem`), ints[r]!.pem);
    y.push(`  - {id: int-r${r}, issuer: root, cert: {file: pki/int-r${r}.pem}}`);
  }
  y.push('trustBundles:', '  - {id: bench-trust, cas: [root]}', 'regions:');
  await issueAll(n, async (i) => {
    const r = Math.floor(i / REGION_SIZE);
    const fqdn = `broker-${i}.r${r}.bench.example`;
    const leaf = await issue({ ...leafValidity, subject: `CN=${fqdn}, O=Bench`, issuer: ints[r]!, dns: [fqdn], eku: ['serverAuth'] });
    await writeFile(path.join(dir, `leaves/broker-${i}.pem`), leaf.pem + ints[r]!.pem);
    if (i % 1000 === 999) process.stderr.write(`  generated ${i + 1}/${n} leaves\n`);
  });
  for (let r = 0; r < regions; r++) {
    const ids: string[] = [];
    const brokers: string[] = [];
    for (let i = r * REGION_SIZE; i < Math.min(n, (r + 1) * REGION_SIZE); i++) {
      const id = `broker-${i}`;
      ids.push(id);
      brokers.push(
        `      - {id: ${id}, fqdn: ${id}.r${r}.bench.example, port: 443, issuer: int-r${r}, cert: {file: leaves/${id}.pem, keyVault: {certificate: ${id}}}, clientAuth: {required: true, trustBundle: bench-trust}}`,
      );
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
  await issueAll(CLIENTS, async (c) => {
    const cert = await issue({ ...leafValidity, subject: `CN=client-${c}, O=Bench`, issuer: ints[c % regions]!, eku: ['clientAuth'] });
    await writeFile(path.join(dir, `clients/client-${c}.pem`), cert.pem + ints[c % regions]!.pem);
  });
  for (let c = 0; c < CLIENTS; c++) {
    const r = c % regions;
    y.push(`  - {id: client-${c}, role: controller, region: r${r}, cert: {file: clients/client-${c}.pem}, trustBundle: bench-trust, connectsTo: [slb-r${r}]}`);
  }
  await writeFile(path.join(dir, 'rc-topology.yaml'), `${y.join('\n')}\n`);
  await writeFile(path.join(dir, '.complete'), String(LAYOUT_VERSION));
  process.stderr.write(`generated the ${n}-broker estate in ${((performance.now() - t0) / 1000).toFixed(1)} s\n`);
}

interface Run {
  readonly ms: number;
  /** Peak RSS of the child in KiB (rc-policy only: reported by the child itself at exit). */
  readonly maxRssKb?: number;
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

// Peak RSS without GNU time (absent on a clean CI image): the child reports getrusage's ru_maxrss,
// which is what `/usr/bin/time -f %M` prints, from its exit handler. Worker threads share the process.
const RSS_MARK = 'rc-bench-maxrss ';
const RSS_PRELOAD = `data:text/javascript,import{writeSync}from'node:fs';process.on('exit',()=>writeSync(2,'\\n${RSS_MARK}'+process.resourceUsage().maxRSS+'\\n'))`;

function timed(cmd: string, args: string[], cwd: string): Promise<Run> {
  return new Promise((resolve, reject) => {
    const t0 = performance.now();
    const child = spawn(cmd, args, { cwd, stdio: ['ignore', 'pipe', 'pipe'] });
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    child.stdout.on('data', (d: Buffer) => out.push(d));
    child.stderr.on('data', (d: Buffer) => err.push(d));
    child.on('error', reject);
    child.on('close', (code) => {
      const ms = performance.now() - t0;
      let stderr = Buffer.concat(err).toString();
      const mark = stderr.lastIndexOf(RSS_MARK);
      const maxRssKb = mark >= 0 ? Number(stderr.slice(mark + RSS_MARK.length).trim()) : undefined;
      if (mark >= 0) stderr = stderr.slice(0, mark).trimEnd();
      resolve({ ms, code: code ?? -1, stdout: Buffer.concat(out).toString(), stderr, ...(maxRssKb !== undefined && { maxRssKb }) });
    });
  });
}

const rcPolicy = (args: string[], cwd: string): Promise<Run> => timed(process.execPath, ['--import', RSS_PRELOAD, CLI, ...args], cwd);

const median = (xs: number[]): number => {
  const s = [...xs].sort((a, b) => a - b);
  const m = Math.floor(s.length / 2);
  return s.length % 2 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
};
const secs = (ms: number): string => `${(ms / 1000).toFixed(2)} s`;
const load = (): string => os.loadavg().map((l) => l.toFixed(2)).join(' ');

function opensslVersion(): string | undefined {
  try {
    return execFileSync('openssl', ['version'], { encoding: 'utf8' }).trim();
  } catch {
    return undefined;
  }
}

for (const n of SIZES) {
  const marker = path.join(estateDir(n), '.complete');
  if (!existsSync(marker) || (await readFile(marker, 'utf8')) !== String(LAYOUT_VERSION)) await generate(n);
}

const openssl = opensslVersion();
const failures: string[] = [];
const loadBefore = load();
const rc = new Map<number, Run[]>(SIZES.map((n) => [n, []]));
const ossl = new Map<number, Run[]>(SIZES.map((n) => [n, []]));
const example: Run[] = [];
for (let i = 0; i < RUNS; i++) {
  for (const n of SIZES) {
    const dir = estateDir(n);
    rc.get(n)!.push(await rcPolicy(['check', 'rc-topology.yaml', '--format', 'json', '--at', at.toISOString()], dir));
    if (openssl) {
      const leaves = Array.from({ length: n }, (_, k) => `leaves/broker-${k}.pem`);
      ossl.get(n)!.push(await timed('openssl', ['verify', '-CAfile', 'roots.pem', '-untrusted', 'intermediates.pem', '-purpose', 'sslserver', '-attime', String(at.getTime() / 1000), ...leaves], dir));
    }
  }
  example.push(await rcPolicy(['check', EXAMPLE], ROOT));
}
const loadAfter = load();

const cpu = os.cpus();
const lines = [
  `machine: ${cpu.length} × ${cpu[0]?.model.trim() ?? 'cpu'}, ${Math.round(os.totalmem() / 2 ** 30)} GiB, ${os.type()} ${os.release()}`,
  `node ${process.version}; ${openssl ?? 'openssl: not found (comparison skipped)'}`,
  `load average (1, 5, 15 min): before ${loadBefore}, after ${loadAfter}`,
  `${RUNS} alternating runs; medians`,
];
const medians = new Map<number, number>();
for (const n of SIZES) {
  const runs = rc.get(n)!;
  const rcMs = median(runs.map((r) => r.ms));
  medians.set(n, rcMs);
  const rss = Math.max(...runs.map((r) => r.maxRssKb ?? Number.NaN));
  lines.push('', `N = ${n} brokers (${Math.ceil(n / REGION_SIZE)} regions, ${CLIENTS} clients)`);
  lines.push(`  rc-policy check --format json  ${secs(rcMs)}  (runs: ${runs.map((r) => secs(r.ms)).join(', ')})  peak RSS ${Math.round(rss / 1024)} MB`);
  let report: { summary: Record<string, number>; findings: { rule: string; severity: string; message: string }[]; matrix?: unknown[]; matrixSummary?: { pairs: number; ok: number }; rules?: { id: string; status: string }[] } | undefined;
  try {
    report = JSON.parse(runs[0]!.stdout);
  } catch {
    failures.push(`N = ${n}: rc-policy printed no JSON report (exit ${runs[0]!.code}): ${runs[0]!.stderr.split('\n')[0] ?? ''}`);
  }
  if (openssl) {
    const osslMs = median(ossl.get(n)!.map((r) => r.ms));
    lines.push(`  openssl verify                 ${secs(osslMs)}  (runs: ${ossl.get(n)!.map((r) => secs(r.ms)).join(', ')})`);
    lines.push(`  ratio rc-policy / openssl      ${(rcMs / osslMs).toFixed(2)}`);
    if (ossl.get(n)!.some((r) => r.code !== 0)) failures.push(`N = ${n}: openssl verify failed: ${ossl.get(n)!.find((r) => r.code !== 0)!.stderr.split('\n')[0]}`);
  }
  if (report) {
    const statuses = new Map<string, number>();
    for (const r of report.rules ?? []) statuses.set(r.status, (statuses.get(r.status) ?? 0) + 1);
    lines.push(`  findings ${JSON.stringify(report.summary)}; handshake pairs ${report.matrixSummary?.pairs ?? report.matrix?.length ?? 'none'} (${report.matrix?.length ?? 0} listed); rules ${[...statuses].map(([s, c]) => `${c} ${s}`).join(', ')}`);
    const idle = (report.rules ?? []).filter((r) => r.status === 'not-applicable').map((r) => r.id);
    if (idle.length > 0) lines.push(`  not applicable to this estate (nothing they check is declared): ${idle.join(', ')}`);
    if ((report.rules ?? []).some((r) => r.status === 'off')) failures.push(`N = ${n}: a rule is off: every offline rule must run`);
    const problems = report.findings.filter((f) => f.severity !== 'info');
    if (problems.length > 0) failures.push(`N = ${n}: the bench estate must be clean, but: ${problems.slice(0, 3).map((f) => `${f.rule}: ${f.message}`).join('; ')}`);
    if (!report.matrixSummary?.pairs || report.matrixSummary.ok !== report.matrixSummary.pairs) failures.push(`N = ${n}: the report's handshake matrix is missing or not clean`);
  }
  const bad = runs.find((r) => r.code !== 0);
  if (bad) failures.push(`N = ${n}: rc-policy exited ${bad.code}: ${bad.stderr.split('\n')[0] ?? ''}`);
}
if (medians.has(1000) && medians.has(10000)) lines.push('', `scaling: time(10,000) / time(1,000) = ${(medians.get(10000)! / medians.get(1000)!).toFixed(1)}`);
lines.push('', `bundled example: rc-policy check ${EXAMPLE}  ${secs(median(example.map((r) => r.ms)))}  (runs: ${example.map((r) => secs(r.ms)).join(', ')})`);
if (example.some((r) => r.code !== 0)) failures.push(`the bundled example exited ${example.find((r) => r.code !== 0)!.code}`);
console.log(lines.join('\n'));
for (const f of failures) console.error(`bench: ${f}`);
if (failures.length > 0) process.exitCode = 1;

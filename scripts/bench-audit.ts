// npm run bench:audit -- --brokers N [--brokers M ...] [--runs R] [--cli path/to/bin/rc-policy.js ...]
//
// The live audit at scale (issue 14): a lab of N brokers served by one real haproxy on loopback (a
// crt-list of N certificates selected by SNI), the repo's local Key Vault server holding the same
// certificates (three versions each) through the real Azure SDK, and `rc-policy audit` on the
// matching topology with --resolve to loopback. Planted faults: 1% of brokers drifted (renewed by
// hand: broker and Key Vault hold a certificate the repo does not), 1% not enforcing client
// authentication, 0.5% dead (a closed port), 1% Key Vault drift (a renewal uploaded but not rolled
// out). The script checks that the audit found every planted fault and nothing else, that haproxy
// saw one connection per live broker, and that Key Vault was asked for every certificate: it exits
// 1 when any of that fails. Then it prints wall time and peak RSS (BENCHMARKS.md).
//
// A script, not a timed test: the timing targets are printed, not asserted (the machine is shared).
// Private keys exist only in a 0700 temporary folder, deleted when the run ends.
import { spawn } from 'node:child_process';
import { chmod, mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { issue, privateKeyPem, type Issued } from '../src/pki/generate.ts';
import { FakeKeyVault, FAKE_TOKEN } from '../test/helpers/keyvault-server.ts';

// --profile <dir>: also write the audit's CPU profiles (.cpuprofile, one per thread) there.
// --runs R: audit the same lab R times. --cli <bin/rc-policy.js> (repeatable): audit with these
// builds, alternating (A B, then B A, ...), so a before/after pair sees the same lab and load.
// --with-check: also time `rc-policy check` on the same topology (the audit's offline share).
const USAGE = 'usage: npm run bench:audit -- --brokers N [--brokers M ...] [--runs R] [--cli path/to/bin/rc-policy.js ...] [--concurrency C] [--profile dir] [--with-check] (N >= 200)';
const { values } = parseArgs({
  options: {
    brokers: { type: 'string', multiple: true },
    concurrency: { type: 'string' },
    profile: { type: 'string' },
    runs: { type: 'string' },
    cli: { type: 'string', multiple: true },
    'with-check': { type: 'boolean' },
    help: { type: 'boolean', short: 'h' },
  },
});
if (values.help) {
  console.log(USAGE);
  process.exit(0);
}
const SIZES = (values.brokers ?? ['1000']).map(Number);
const RUNS = Number(values.runs ?? '1');
if (SIZES.some((n) => !Number.isInteger(n) || n < 200) || !Number.isInteger(RUNS) || RUNS < 1) throw new Error(USAGE);

const ROOT = path.resolve(import.meta.dirname, '..');
const CLIS = (values.cli ?? [path.join(ROOT, 'bin/rc-policy.js')]).map((c) => path.resolve(c));
const REGION_SIZE = 500;
const CLIENTS = 20;
const DAY = 86_400_000;
const now = Date.now();

/** Which brokers carry which planted fault: spread evenly, disjoint. */
function plant(n: number) {
  const every = (k: number, offset: number) => new Set(Array.from({ length: Math.floor(n / k) }, (_, j) => j * k + offset).filter((i) => i < n));
  return { drifted: every(100, 7), noClientAuth: every(100, 31), dead: every(200, 53), keyVaultDrift: every(100, 79) };
}

async function issueAll<T>(count: number, make: (i: number) => Promise<T>): Promise<T[]> {
  const out: T[] = [];
  for (let i = 0; i < count; i += 64) out.push(...(await Promise.all(Array.from({ length: Math.min(64, count - i) }, (_, k) => make(i + k)))));
  return out;
}

const fqdnOf = (i: number) => `broker-${i}.r${Math.floor(i / REGION_SIZE)}.bench.example`;
const vaultOf = (r: number) => `kv-bench-r${r}`;

interface Lab {
  readonly dir: string;
  readonly kv: FakeKeyVault;
  readonly haproxy: { port: number; stop(): Promise<void>; connections(): Promise<number>; cpuMs(): Promise<number> };
  readonly deadPort: number;
}

async function closedPort(): Promise<number> {
  const s = net.createServer();
  await new Promise<void>((resolve) => s.listen(0, '127.0.0.1', resolve));
  const { port } = s.address() as net.AddressInfo;
  await new Promise<void>((resolve) => s.close(() => resolve()));
  return port;
}

/** Writes the topology, the repo's certificate files, haproxy's crt-list and keys, and fills Key Vault. */
async function buildLab(n: number, dir: string, kv: FakeKeyVault, faults: ReturnType<typeof plant>): Promise<{ crtList: string; clientCa: string }> {
  const regions = Math.ceil(n / REGION_SIZE);
  const root = await issue({ subject: 'CN=Audit Bench Root, O=Bench', notBefore: new Date(now - 400 * DAY), notAfter: new Date(now + 3000 * DAY), ca: { pathLen: 1 } });
  const ints: Issued[] = await issueAll(regions, (r) =>
    issue({ subject: `CN=Audit Bench Issuing r${r}, O=Bench`, issuer: root, notBefore: new Date(now - 300 * DAY), notAfter: new Date(now + 1500 * DAY), ca: { pathLen: 0 } }),
  );
  const validity = { notBefore: new Date(now - 30 * DAY), notAfter: new Date(now + 300 * DAY) };
  // Older versions in Key Vault: one pair per region, listed under every certificate of the region.
  const older = await issueAll(regions * 2, (k) =>
    issue({ subject: `CN=previous-${k}.bench.example, O=Bench`, issuer: ints[Math.floor(k / 2)]!, dns: [`previous-${k}.bench.example`], eku: ['serverAuth'], notBefore: new Date(now - 400 * DAY), notAfter: new Date(now - 20 * DAY) }),
  );
  for (const sub of ['repo/leaves', 'repo/pki', 'repo/clients', 'keys']) await mkdir(path.join(dir, sub), { recursive: true });
  const repo = path.join(dir, 'repo');
  await writeFile(path.join(repo, 'pki/root.pem'), root.pem);
  const clientCa = path.join(dir, 'keys/client-ca.pem');
  await writeFile(clientCa, root.pem + ints.map((i) => i.pem).join(''));
  const crtLines: string[] = [];
  await issueAll(n, async (i) => {
    const r = Math.floor(i / REGION_SIZE);
    const fqdn = fqdnOf(i);
    const subject = `CN=${fqdn}, O=Bench`;
    const leaf = await issue({ ...validity, subject, issuer: ints[r]!, dns: [fqdn], eku: ['serverAuth'] });
    const renewed = faults.drifted.has(i) || faults.keyVaultDrift.has(i) ? await issue({ ...validity, notBefore: new Date(now - DAY), subject, issuer: ints[r]!, dns: [fqdn], eku: ['serverAuth'] }) : undefined;
    await writeFile(path.join(repo, `leaves/broker-${i}.pem`), leaf.pem + ints[r]!.pem);
    // Drifted: renewed by hand, broker and Key Vault agree, the repo does not. Key Vault drift: the
    // renewal is uploaded to Key Vault but the broker still serves the repo's certificate.
    const served = faults.drifted.has(i) ? renewed! : leaf;
    const pem = path.join(dir, `keys/broker-${i}.pem`);
    await writeFile(pem, served.pem + ints[r]!.pem + (await privateKeyPem(served.keys)), { mode: 0o600 });
    const verify = faults.noClientAuth.has(i) ? '[verify none]' : `[verify required ca-file ${clientCa}]`;
    crtLines[i] = `${pem} ${verify} ${fqdn}`;
    const versions = [
      { der: older[2 * r]!.cert.der, created: new Date(now - 400 * DAY), enabled: false },
      { der: older[2 * r + 1]!.cert.der, created: new Date(now - 200 * DAY) },
      { der: leaf.cert.der, created: new Date(now - 30 * DAY) },
    ];
    if (renewed) versions.push({ der: renewed.cert.der, created: new Date(now - DAY) });
    kv.put(vaultOf(r), `broker-${i}`, versions);
    if (i % 2000 === 1999) process.stderr.write(`  generated ${i + 1}/${n} brokers\n`);
  });
  const crtList = path.join(dir, 'keys/crt-list.txt');
  await writeFile(crtList, `${crtLines.join('\n')}\n`, { mode: 0o600 });

  const y: string[] = ['apiVersion: rc-policy/v1', 'kind: Topology', `metadata: {name: audit-bench-${n}}`, 'cas:', '  - {id: root, cert: {file: pki/root.pem}}'];
  for (let r = 0; r < regions; r++) {
    await writeFile(path.join(repo, `pki/int-r${r}.pem`), ints[r]!.pem);
    y.push(`  - {id: int-r${r}, issuer: root, cert: {file: pki/int-r${r}.pem}}`);
  }
  y.push('trustBundles:', '  - {id: bench-trust, cas: [root]}', 'regions:');
  for (let r = 0; r < regions; r++) {
    const ids: string[] = [];
    const brokers: string[] = [];
    for (let i = r * REGION_SIZE; i < Math.min(n, (r + 1) * REGION_SIZE); i++) {
      ids.push(`broker-${i}`);
      brokers.push(
        `      - {id: broker-${i}, fqdn: ${fqdnOf(i)}, port: 443, issuer: int-r${r}, cert: {file: leaves/broker-${i}.pem, keyVault: {certificate: broker-${i}}}, clientAuth: {required: true, trustBundle: bench-trust}}`,
      );
    }
    // The load balancers declare no frontend: the audit probes the brokers, one endpoint each.
    y.push(`  - id: r${r}`, `    keyVault: {name: ${vaultOf(r)}}`, '    loadBalancers:');
    y.push(`      - {id: slb-r${r}, type: azure-standard-lb, listeners: [{port: 443, protocol: tcp}], backends: [${ids.join(', ')}]}`, '    brokers:', ...brokers);
  }
  y.push('clients:');
  await issueAll(CLIENTS, async (c) => {
    const cert = await issue({ ...validity, subject: `CN=client-${c}, O=Bench`, issuer: ints[c % regions]!, eku: ['clientAuth'] });
    await writeFile(path.join(repo, `clients/client-${c}.pem`), cert.pem + ints[c % regions]!.pem);
  });
  for (let c = 0; c < CLIENTS; c++) {
    y.push(`  - {id: client-${c}, role: controller, region: r${c % regions}, cert: {file: clients/client-${c}.pem}, trustBundle: bench-trust, connectsTo: [slb-r${c % regions}]}`);
  }
  await writeFile(path.join(repo, 'rc-topology.yaml'), `${y.join('\n')}\n`);
  return { crtList, clientCa };
}

/** haproxy terminating TLS for every broker name (crt-list, SNI), with a stats socket to count connections. */
async function startHaproxy(dir: string, crtList: string): Promise<Lab['haproxy']> {
  const port = await closedPort();
  const socket = path.join(dir, 'keys/haproxy.sock');
  const cfg = path.join(dir, 'keys/haproxy.cfg');
  await writeFile(
    cfg,
    [
      'global',
      '  maxconn 4000',
      `  stats socket ${socket} mode 600 level user`,
      'defaults',
      '  mode tcp',
      '  timeout connect 2s',
      '  timeout client 30s',
      '  timeout server 30s',
      'frontend brokers',
      `  bind 127.0.0.1:${port} ssl crt-list ${crtList}`,
      // No backend answers: a probe learns all it needs from the handshake and the server's verdict.
      '  tcp-request content reject',
      '',
    ].join('\n'),
  );
  const child = spawn('haproxy', ['-db', '-f', cfg], { stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  child.stdout.on('data', (d) => (output += d));
  child.stderr.on('data', (d) => (output += d));
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const ask = (command: string) =>
    new Promise<string>((resolve, reject) => {
      const s = net.connect(socket);
      let answer = '';
      s.on('data', (d) => (answer += d));
      s.on('end', () => resolve(answer));
      s.on('error', reject);
      s.write(`${command}\n`);
    });
  const deadline = Date.now() + 120_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`haproxy exited: ${output.trim().split('\n').slice(-3).join(' | ')}`);
    if (await ask('show info').then(() => true, () => false)) break;
    if (Date.now() > deadline) throw new Error('haproxy did not start within 120 s');
    await new Promise((r) => setTimeout(r, 200));
  }
  return {
    port,
    connections: async () => Number(/^CumConns: (\d+)$/m.exec(await ask('show info'))?.[1] ?? NaN),
    cpuMs: () => processCpuMs(child.pid!),
    stop: async () => {
      if (child.exitCode === null) child.kill('SIGTERM');
      await exited;
    },
  };
}

/** CPU time (user + system) of another process so far, from /proc (Linux; NaN elsewhere). */
async function processCpuMs(pid: number): Promise<number> {
  try {
    const stat = await readFile(`/proc/${pid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return ((Number(fields[11]) + Number(fields[12])) * 1000) / 100; // utime, stime in clock ticks (USER_HZ = 100)
  } catch {
    return Number.NaN;
  }
}

interface Run {
  readonly ms: number;
  readonly maxRssKb: number;
  /** CPU time of the audit (user + system, its threads included). */
  readonly cpuMs: number;
  /** The V8 heap and external memory at the sampled RSS peak. */
  readonly memory: string;
  readonly code: number;
  readonly stderr: string;
}

const RSS_MARK = 'rc-bench-maxrss ';
// Peak RSS and CPU time (user + system, µs), reported by the audit process itself at exit.
const MEM_MARK = 'rc-bench-mem ';
// And what the memory was at the sampled peak (every 250 ms): RSS, V8 heap used and total, external
// (Buffers and other native memory V8 knows of), in bytes; when, in ms since the process started.
// RssFile: pages mapped from files (the node binary and libraries), the rest is anonymous memory.
const RSS_PRELOAD = `data:text/javascript,import{writeSync,readFileSync}from'node:fs';const file=()=>{try{return Number(/RssFile:\\s+(\\d+)/.exec(readFileSync('/proc/self/status','utf8'))[1])*1024}catch{return 0}};let p={rss:0,at:0,file:0};setInterval(()=>{const m=process.memoryUsage();if(m.rss>p.rss)p={...m,at:performance.now(),file:file()}},250).unref();process.on('exit',()=>{const u=process.resourceUsage();writeSync(2,'\\n${RSS_MARK}'+u.maxRSS+' '+(u.userCPUTime+u.systemCPUTime)+'\\n${MEM_MARK}'+[p.rss,p.heapUsed,p.heapTotal,p.external,Math.round(p.at),Math.round(performance.now()),p.file].join(' ')+'\\n')})`;

function runAudit(cli: string, args: string[], cwd: string, env: NodeJS.ProcessEnv): Promise<Run> {
  return new Promise((resolve, reject) => {
    const t0 = performance.now();
    const profile = values.profile ? ['--cpu-prof', '--cpu-prof-dir', path.resolve(values.profile)] : [];
    const child = spawn(process.execPath, ['--import', RSS_PRELOAD, ...profile, cli, ...args], { cwd, env, stdio: ['ignore', 'ignore', 'pipe'] });
    let stderr = '';
    child.stderr.on('data', (d) => (stderr += d));
    child.on('error', reject);
    child.on('close', (code) => {
      const ms = performance.now() - t0;
      // `audit` restarts itself once (bin/rc-policy.js): both processes report; the audit is the larger.
      const marks = [...stderr.matchAll(new RegExp(`\\n?${RSS_MARK}(\\d+) (\\d+)\\n`, 'g'))];
      const maxRssKb = marks.length > 0 ? Math.max(...marks.map((m) => Number(m[1]))) : Number.NaN;
      const cpuMs = marks.reduce((sum, m) => sum + Number(m[2]) / 1000, 0);
      // The audit's own sample (the launcher's peak is smaller): "RSS MB (heap used/total, external)".
      const mem = [...stderr.matchAll(new RegExp(`${MEM_MARK}(\\d+) (\\d+) (\\d+) (\\d+) (\\d+) (\\d+) (\\d+)\\n`, 'g'))].map((m) => m.slice(1).map(Number));
      const top = mem.sort((a, b) => b[0]! - a[0]!)[0];
      const mb = (v: number) => Math.round(v / 2 ** 20);
      const memory = top ? `${mb(top[0]!)} MB sampled at ${secs(top[4]!)} of ${secs(top[5]!)} (heap ${mb(top[1]!)}/${mb(top[2]!)} MB, external ${mb(top[3]!)} MB, file-backed ${mb(top[6]!)} MB)` : '';
      const clean = stderr.replace(new RegExp(`\\n?${RSS_MARK}\\d+ \\d+\\n`, 'g'), '').replace(new RegExp(`${MEM_MARK}[\\d ]+\\n`, 'g'), '');
      resolve({ ms, maxRssKb, cpuMs, memory, code: code ?? -1, stderr: clean.trim() });
    });
  });
}

interface JsonReport {
  findings: { rule: string; severity: string; target: string; message: string }[];
  incomplete?: { target: string }[];
}

/** What the audit must report, exactly: one finding per planted fault, and the dead brokers as not evaluated. */
function verify(n: number, faults: ReturnType<typeof plant>, report: JsonReport, run: Run, connections: number, kv: FakeKeyVault): string[] {
  const failures: string[] = [];
  const expected = new Set<string>();
  for (const i of faults.drifted) expected.add(`error live/certificate-drift broker-${i}`);
  for (const i of faults.noClientAuth) expected.add(`error live/client-auth-not-enforced broker-${i}`);
  for (const i of faults.dead) expected.add(`error live/unreachable broker-${i}`);
  for (const i of faults.keyVaultDrift) expected.add(`warning live/key-vault-drift broker-${i}`);
  const problems = new Map(report.findings.filter((f) => f.severity !== 'info').map((f) => [`${f.severity} ${f.rule} ${f.target}`, f.message]));
  const found = new Set(problems.keys());
  const missed = [...expected].filter((e) => !found.has(e));
  const extra = [...found].filter((f) => !expected.has(f)).map((f) => `${f}: ${problems.get(f)}`);
  if (missed.length) failures.push(`${missed.length} planted faults not found, e.g. ${missed.slice(0, 3).join('; ')}`);
  if (extra.length) failures.push(`${extra.length} findings on what is not broken, e.g. ${extra.slice(0, 3).join('; ')}`);
  const gaps = new Set((report.incomplete ?? []).map((g) => g.target));
  const dead = new Set([...faults.dead].map((i) => `broker-${i}`));
  if (gaps.size !== dead.size || [...dead].some((d) => !gaps.has(d))) failures.push(`incomplete lists ${gaps.size} objects, expected exactly the ${dead.size} dead brokers`);
  if (run.code !== 2) failures.push(`exit ${run.code}, expected 2 (dead brokers make the audit incomplete): ${run.stderr.split('\n')[0]}`);
  // One connection per live broker, none more: every endpoint was probed, once.
  if (connections !== n - faults.dead.size) failures.push(`haproxy accepted ${connections} connections, expected ${n - faults.dead.size} (one per live broker)`);
  const asked = new Set(kv.requests.filter((q) => /^\/certificates\/[^/]+$/.test(q.path)).map((q) => q.path));
  if (asked.size !== n) failures.push(`Key Vault was asked for ${asked.size} certificates, expected ${n}`);
  if (kv.requests.some((q) => !q.path.startsWith('/certificates/'))) failures.push('a Key Vault request outside /certificates/');
  return failures;
}

const load = (): string => os.loadavg().map((l) => l.toFixed(2)).join(' ');
const secs = (ms: number): string => `${(ms / 1000).toFixed(1)} s`;

const results: { n: number; cli: string; run: Run; haproxyMs: number; kvServerMs: number; loadBefore: string; loadAfter: string; generateMs: number; findings: number }[] = [];
/** A build's name in the output: its folder relative to this repo (the repo itself: "this build"). */
const cliLabel = (cli: string): string => (CLIS.length === 1 ? 'this build' : path.relative(ROOT, path.dirname(path.dirname(cli))) || 'this build');
const failures: string[] = [];
for (const n of SIZES) {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'rc-bench-audit-'));
  await chmod(dir, 0o700);
  const regions = Math.ceil(n / REGION_SIZE);
  const kv = await FakeKeyVault.start(Array.from({ length: regions }, (_, r) => vaultOf(r)), { pageSize: 25 });
  let haproxy: Lab['haproxy'] | undefined;
  const cleanup = async () => {
    await haproxy?.stop();
    await kv.stop();
    await rm(dir, { recursive: true, force: true });
  };
  const onSignal = () => void cleanup().finally(() => process.exit(130));
  process.once('SIGINT', onSignal);
  try {
    const faults = plant(n);
    const t0 = performance.now();
    const { crtList } = await buildLab(n, dir, kv, faults);
    haproxy = await startHaproxy(dir, crtList);
    const generateMs = performance.now() - t0;
    process.stderr.write(`N = ${n}: lab ready in ${secs(generateMs)} (haproxy on 127.0.0.1:${haproxy.port}, ${n} certificates)\n`);
    // A fake `az` that prints a token, as AzureCliCredential runs it; the vaults' CA, as a user trusts a private endpoint's.
    const bin = path.join(dir, 'bin');
    await mkdir(bin);
    await writeFile(path.join(bin, 'az'), `#!/bin/sh\necho '{"accessToken":"${FAKE_TOKEN}","expiresOn":"2099-01-01 00:00:00.000000","expires_on":${Math.floor(now / 1000) + 3600},"tokenType":"Bearer"}'\n`, { mode: 0o755 });
    await writeFile(path.join(dir, 'kv-ca.pem'), kv.ca.pem);
    const deadPort = await closedPort();
    const resolve: string[] = [];
    for (let i = 0; i < n; i++) resolve.push('--resolve', `${fqdnOf(i)}:443:127.0.0.1:${faults.dead.has(i) ? deadPort : haproxy.port}`);
    for (const v of kv.vaults) resolve.push('--resolve', `${v}.vault.azure.net:443:127.0.0.1:${kv.port}`);
    const reportFile = path.join(dir, 'report.json');
    const env = { ...process.env, PATH: `${bin}:${process.env.PATH}`, NODE_EXTRA_CA_CERTS: path.join(dir, 'kv-ca.pem'), NO_COLOR: '1', CI: undefined, GITHUB_ACTIONS: undefined };
    const args = ['audit', 'rc-topology.yaml', ...resolve, '--azure-credential', 'cli', '--timeout', '5000', '--format', `json=${reportFile}`];
    if (values.concurrency) args.push('--concurrency', values.concurrency);
    if (values['with-check']) {
      for (const cli of CLIS) {
        const run = await runAudit(cli, ['check', 'rc-topology.yaml', '--format', `json=${path.join(dir, 'check.json')}`], path.join(dir, 'repo'), env);
        process.stderr.write(`N = ${n}, ${cliLabel(cli)}: check (no live sources) ${secs(run.ms)} (CPU ${secs(run.cpuMs)}), peak RSS ${Math.round(run.maxRssKb / 1024)} MB, exit ${run.code}\n`);
      }
    }
    for (let r = 0; r < RUNS; r++) {
      // Alternate which build goes first, so neither always runs into the other's leftovers.
      const order = r % 2 === 0 ? CLIS : [...CLIS].reverse();
      for (const cli of order) {
        kv.requests.length = 0;
        await rm(reportFile, { force: true });
        const loadBefore = load();
        const before = await haproxy.connections();
        const haproxyBefore = await haproxy.cpuMs();
        const benchBefore = process.cpuUsage();
        const run = await runAudit(cli, args, path.join(dir, 'repo'), env);
        const bench = process.cpuUsage(benchBefore);
        const haproxyMs = (await haproxy.cpuMs()) - haproxyBefore;
        const loadAfter = load();
        // The stats socket's own connection counts too: one per question.
        const connections = (await haproxy.connections()) - before - 1;
        let report: JsonReport | undefined;
        try {
          report = JSON.parse(await readFile(reportFile, 'utf8')) as JsonReport;
        } catch {
          failures.push(`N = ${n}: no JSON report (exit ${run.code}): ${run.stderr.split('\n')[0]}`);
        }
        if (report) for (const f of verify(n, faults, report, run, connections, kv)) failures.push(`N = ${n}, ${cliLabel(cli)}: ${f}`);
        const kvServerMs = (bench.user + bench.system) / 1000;
        results.push({ n, cli, run, haproxyMs, kvServerMs, loadBefore, loadAfter, generateMs, findings: report?.findings.length ?? 0 });
        process.stderr.write(
          `N = ${n}, ${cliLabel(cli)}: audit ${secs(run.ms)} (CPU ${secs(run.cpuMs)}; haproxy ${secs(haproxyMs)}, Key Vault server ${secs(kvServerMs)}), peak RSS ${Math.round(run.maxRssKb / 1024)} MB (${run.memory}), load ${loadBefore} -> ${loadAfter}\n`,
        );
      }
    }
  } finally {
    process.off('SIGINT', onSignal);
    await cleanup();
  }
}

const cpu = os.cpus();
const lines = [
  `machine: ${cpu.length} × ${cpu[0]?.model.trim() ?? 'cpu'}, ${Math.round(os.totalmem() / 2 ** 30)} GiB, ${os.type()} ${os.release()}; node ${process.version}`,
  'planted: 1% drifted, 1% without client auth, 0.5% dead, 1% Key Vault drift; Key Vault: 3-4 versions per certificate',
  '',
  'audit CPU: user + system of the audit process (and its launcher); haproxy and the Key Vault server (this process) are measured apart',
  '',
  'brokers  build          audit wall  audit CPU  peak RSS  RSS/1k brokers  haproxy CPU  KV server CPU  load before -> after (1, 5, 15 min)',
];
for (const r of results) {
  const mb = r.run.maxRssKb / 1024;
  lines.push(
    `${String(r.n).padStart(7)}  ${cliLabel(r.cli).padEnd(13)}  ${secs(r.run.ms).padStart(10)}  ${secs(r.run.cpuMs).padStart(9)}  ${`${Math.round(mb)} MB`.padStart(8)}  ${`${((mb / r.n) * 1000).toFixed(0)} MB`.padStart(14)}  ${secs(r.haproxyMs).padStart(11)}  ${secs(r.kvServerMs).padStart(13)}  ${r.loadBefore} -> ${r.loadAfter}`,
  );
}
for (const at10k of results.filter((r) => r.n === 10_000)) {
  lines.push(`targets at 10,000 (${cliLabel(at10k.cli)}): wall ${secs(at10k.run.ms)} (≤ 30 s: ${at10k.run.ms <= 30_000 ? 'met' : 'NOT met'}), peak RSS ${Math.round(at10k.run.maxRssKb / 1024)} MB (≤ 512 MB: ${at10k.run.maxRssKb <= 512 * 1024 ? 'met' : 'NOT met'})`);
}
console.log(lines.join('\n'));
for (const f of failures) console.error(`bench:audit: ${f}`);
if (failures.length > 0) process.exitCode = 1;

// npm run fuzz: every fuzz target of test/fuzz/targets.ts at full size (100,000+ inputs in all),
// each in its own worker thread with a capped heap and a watchdog, so a crash, a hang or runaway
// memory in one input is counted and reported instead of taking the run down.
//
//   npm run fuzz                          # every target, full counts, a fresh seed
//   npm run fuzz -- --seed 42             # replay a run
//   npm run fuzz -- --target pkcs12 --runs 50000
//   npm run fuzz -- --scale 0.1 --jobs 1  # a tenth of the inputs, one worker at a time
//   npm run fuzz -- --replay fuzz-failures/cli-42-0.txt   # run one saved failing input again
//
// The seed fixes every mutation; the seed certificates are generated afresh each run, so a failing
// input is saved whole to fuzz-failures/ for an exact replay.
// Prints the count per target and in total, writes failing inputs to fuzz-failures/, and exits 1
// if anything failed.
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { Worker, isMainThread, parentPort, workerData } from 'node:worker_threads';

const HEARTBEAT_MS = 1000;
const HANG_MS = 120_000;
const HEAP_MB = 1536;

interface Job {
  readonly target: string;
  readonly seed: number;
  readonly numRuns: number;
}

type Message =
  | { readonly kind: 'progress'; readonly ran: number; readonly failed: number }
  | { readonly kind: 'done'; readonly result: import('../test/fuzz/harness.ts').TargetResult };

if (!isMainThread) {
  const job = workerData as Job;
  const { TARGETS, fuzzContext } = await import('../test/fuzz/targets.ts');
  const { fuzzTarget } = await import('../test/fuzz/harness.ts');
  const target = TARGETS.find((t) => t.name === job.target)!;
  const ctx = await fuzzContext();
  let last = 0;
  const result = await fuzzTarget(target, ctx, {
    seed: job.seed,
    numRuns: job.numRuns,
    onProgress: (ran, failed) => {
      const now = Date.now();
      if (now - last >= HEARTBEAT_MS) {
        last = now;
        parentPort!.postMessage({ kind: 'progress', ran, failed } satisfies Message);
      }
    },
  });
  parentPort!.postMessage({ kind: 'done', result } satisfies Message);
} else {
  await main();
}

interface Summary {
  readonly target: string;
  readonly ran: number;
  readonly failed: number;
  readonly ms: number;
  readonly failures: readonly { reason: string; input: string }[];
  readonly summary?: Record<string, number>;
}

function runJob(job: Job, onProgress: (ran: number) => void): Promise<Summary> {
  return new Promise((resolve) => {
    const worker = new Worker(new URL(import.meta.url), { workerData: job, resourceLimits: { maxOldGenerationSizeMb: HEAP_MB } });
    const started = Date.now();
    let ran = 0;
    let failed = 0;
    let settled = false;
    const finish = (s: Summary) => {
      if (settled) return;
      settled = true;
      clearInterval(watch);
      void worker.terminate();
      resolve(s);
    };
    let lastBeat = Date.now();
    const watch = setInterval(() => {
      if (Date.now() - lastBeat > HANG_MS) {
        finish({ target: job.target, ran, failed: failed + 1, ms: Date.now() - started, failures: [{ reason: `hang: no progress for ${HANG_MS / 1000} s after input ${ran + 1} (replay with --seed ${job.seed} --target ${job.target})`, input: '' }] });
      }
    }, 1000);
    worker.on('message', (m: Message) => {
      lastBeat = Date.now();
      if (m.kind === 'progress') {
        ran = m.ran;
        failed = m.failed;
        onProgress(ran);
      } else finish({ target: m.result.target, ran: m.result.ran, failed: m.result.failed, ms: m.result.ms, failures: m.result.failures, ...(m.result.summary && { summary: m.result.summary }) });
    });
    worker.on('error', (err: Error & { code?: string }) => {
      const reason = err.code === 'ERR_WORKER_OUT_OF_MEMORY' ? `runaway memory: the worker passed ${HEAP_MB} MiB` : `worker crashed: ${err.message}`;
      finish({ target: job.target, ran, failed: failed + 1, ms: Date.now() - started, failures: [{ reason: `${reason} after input ${ran + 1} (replay with --seed ${job.seed} --target ${job.target})`, input: '' }] });
    });
    worker.on('exit', (code) => {
      if (!settled) finish({ target: job.target, ran, failed: failed + 1, ms: Date.now() - started, failures: [{ reason: `worker exited with ${code}`, input: '' }] });
    });
  });
}

/** Runs one saved input (fuzz-failures/<target>-<seed>-<n>.txt: reason, then the input) again. */
async function replay(file: string): Promise<void> {
  const { readFileSync } = await import('node:fs');
  const { TARGETS, fuzzContext } = await import('../test/fuzz/targets.ts');
  const { judge, readInput } = await import('../test/fuzz/harness.ts');
  const name = path.basename(file).replace(/-\d+-\d+\.txt$/, '');
  const target = TARGETS.find((t) => t.name === name);
  if (!target) {
    console.error(`cannot tell the target from ${file} (expected <target>-<seed>-<n>.txt)`);
    process.exit(2);
  }
  const [, input = ''] = readFileSync(file, 'utf8').split('\n');
  const ctx = await fuzzContext();
  const reason = await judge(() => target.run(readInput(input) as never, ctx), target.timeLimitMs);
  console.log(reason ? `FAIL ${target.name}: ${reason}` : `${target.name}: the input holds now`);
  process.exit(reason ? 1 : 0);
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      seed: { type: 'string' },
      target: { type: 'string', multiple: true },
      runs: { type: 'string' },
      scale: { type: 'string' },
      jobs: { type: 'string' },
      replay: { type: 'string' },
    },
  });
  if (values.replay) return replay(values.replay);
  const { TARGETS } = await import('../test/fuzz/targets.ts');
  const seed = values.seed !== undefined ? Number(values.seed) : Date.now() % 2 ** 31;
  const scale = values.scale !== undefined ? Number(values.scale) : 1;
  const selected = TARGETS.filter((t) => !values.target || values.target.includes(t.name));
  if (selected.length === 0) {
    console.error(`unknown target (targets: ${TARGETS.map((t) => t.name).join(', ')})`);
    process.exit(2);
  }
  const jobs: Job[] = selected.map((t) => ({ target: t.name, seed, numRuns: values.runs !== undefined ? Number(values.runs) : Math.max(1, Math.round(t.runs.full * scale)) }));
  const planned = jobs.reduce((n, j) => n + j.numRuns, 0);
  console.log(`rc-policy fuzz: ${jobs.length} targets, ${planned} inputs, seed ${seed}`);
  for (const t of selected) console.log(`  ${t.name.padEnd(18)} ${t.description}`);

  const parallel = Math.max(1, Number(values.jobs ?? 2));
  const progress = new Map<string, number>();
  const tick = setInterval(() => {
    const done = [...progress.values()].reduce((a, b) => a + b, 0);
    process.stderr.write(`\r  ${done}/${planned} inputs…`);
  }, 5000);
  const results: Summary[] = [];
  const queue = [...jobs];
  await Promise.all(
    Array.from({ length: Math.min(parallel, queue.length) }, async () => {
      for (let job = queue.shift(); job; job = queue.shift()) {
        const j = job;
        const r = await runJob(j, (ran) => progress.set(j.target, ran));
        progress.set(j.target, r.ran);
        results.push(r);
      }
    }),
  );
  clearInterval(tick);
  process.stderr.write('\n');

  const order = new Map(jobs.map((j, i) => [j.target, i]));
  results.sort((a, b) => order.get(a.target)! - order.get(b.target)!);
  const dir = path.resolve('fuzz-failures');
  console.log(`\n${'target'.padEnd(18)} ${'inputs'.padStart(8)} ${'failed'.padStart(7)} ${'seconds'.padStart(8)}`);
  for (const r of results) console.log(`${r.target.padEnd(18)} ${String(r.ran).padStart(8)} ${String(r.failed).padStart(7)} ${(r.ms / 1000).toFixed(1).padStart(8)}`);
  for (const r of results) {
    if (!r.summary) continue;
    console.log(`\n${r.target}: what the inputs did`);
    for (const [what, n] of Object.entries(r.summary)) console.log(`  ${String(n).padStart(8)}  ${what}`);
  }
  const ran = results.reduce((n, r) => n + r.ran, 0);
  const failed = results.reduce((n, r) => n + r.failed, 0);
  for (const r of results) {
    r.failures.forEach((f, i) => {
      let saved = '';
      if (f.input) {
        mkdirSync(dir, { recursive: true });
        const file = path.join(dir, `${r.target}-${seed}-${i}.txt`);
        writeFileSync(file, `${f.reason.replace(/\n/g, " ")}\n${f.input}\n`);
        saved = ` (input: ${path.relative(process.cwd(), file)})`;
      }
      console.log(`FAIL ${r.target}: ${f.reason}${saved}`);
      if (saved) console.log(`     replay: npm run fuzz -- --replay ${path.relative(process.cwd(), path.join(dir, `${r.target}-${seed}-${i}.txt`))}`);
    });
  }
  console.log(`\nfuzz: ${ran} inputs ran, ${failed} failed (seed ${seed})`);
  process.exit(failed > 0 || ran < planned ? 1 : 0);
}

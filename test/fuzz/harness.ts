// Runs one fuzz target and judges every input. A failure is anything a user must never see:
// - an exception other than InputError escaping a loader (a crash: "unexpected error", exit 2);
// - an InputError, finding or rendered line that is not one printable line (log/terminal injection);
// - an input that takes longer than the target's time bound (a hang in the making);
// - a heap that keeps more than 256 MiB after an input (runaway memory; scripts/fuzz.ts also caps
//   each worker's heap, so a runaway input kills its worker and is reported).
import fc from 'fast-check';
import { InputError } from '../../src/errors.ts';
import { isPrintable } from '../../src/printable.ts';
import type { Corpus } from './corpus.ts';

/** What one input produced that a person would read: each entry must print as one clean line. */
export interface Outcome {
  readonly lines?: readonly string[];
  /** Target-specific property violations ("a .p12 file was not flagged"). */
  readonly violations?: readonly string[];
}

export interface FuzzTarget<T = unknown, C = Corpus> {
  readonly name: string;
  /** What it feeds to which loader (printed by npm run fuzz). */
  readonly description: string;
  /** Inputs in the CI slice and in the full run (npm run fuzz). */
  readonly runs: { readonly ci: number; readonly full: number };
  /** Per-input time bound (ms). */
  readonly timeLimitMs: number;
  arbitrary(c: C): fc.Arbitrary<T>;
  run(input: T, c: C): Outcome | Promise<Outcome>;
  /** Counts by category of what the inputs did (the differential target: who accepted what), for the report. */
  summary?(): Record<string, number>;
}

export interface Failure {
  readonly reason: string;
  /** The input, for replay (describeInput). */
  readonly input: string;
}

export interface TargetResult {
  readonly target: string;
  readonly ran: number;
  readonly failed: number;
  readonly failures: readonly Failure[];
  readonly ms: number;
  readonly seed: number;
  readonly summary?: Record<string, number>;
}

const MAX_RETAINED_HEAP = 256 * 1024 * 1024;

export interface FuzzOptions {
  readonly seed: number;
  readonly numRuns: number;
  /** Called after every input (progress for npm run fuzz; a heartbeat for its hang watchdog). */
  readonly onProgress?: (ran: number, failed: number) => void;
  /** Scales the per-input time bound (a loaded CI machine). */
  readonly timeScale?: number;
}

export async function fuzzTarget<T, C>(target: FuzzTarget<T, C>, corpus: C, o: FuzzOptions): Promise<TargetResult> {
  let ran = 0;
  let failed = 0;
  const failures: Failure[] = [];
  const started = performance.now();
  const heapAtStart = process.memoryUsage().heapUsed;
  const limit = target.timeLimitMs * (o.timeScale ?? 1);
  const details = await fc.check(
    fc.asyncProperty(target.arbitrary(corpus), async (input) => {
      ran++;
      const reason = await judge(() => target.run(input, corpus), limit, heapAtStart);
      if (reason) {
        failed++;
        if (failures.length < 20) failures.push({ reason, input: describeInput(input) });
      }
      o.onProgress?.(ran, failed);
      return true; // every input is judged and counted; fast-check must not stop at the first
    }),
    { seed: o.seed, numRuns: o.numRuns },
  );
  // The property never fails; a failed run means the generator itself threw (a harness bug).
  if (details.failed) {
    failed++;
    failures.push({ reason: `the generator failed after ${ran} inputs: ${String((details.errorInstance as Error | undefined)?.message ?? "interrupted")}`, input: '' });
  }
  const summary = target.summary?.();
  return { target: target.name, ran, failed, failures, ms: performance.now() - started, seed: o.seed, ...(summary && { summary }) };
}

/** Judges one run; undefined = it held. */
export async function judge(run: () => Outcome | Promise<Outcome>, timeLimitMs: number, heapAtStart = process.memoryUsage().heapUsed): Promise<string | undefined> {
  const t0 = performance.now();
  let outcome: Outcome;
  try {
    outcome = await run();
  } catch (err) {
    if (!(err instanceof InputError)) {
      const e = err as Error;
      const frame = e?.stack?.split('\n').find((l) => /^\s+at /.test(l))?.trim() ?? '';
      return `uncaught ${e?.name ?? typeof err}: ${String(e?.message ?? err).split('\n')[0]} ${frame}`;
    }
    if (!isPrintable(err.message)) return `InputError message is not one printable line: ${JSON.stringify(err.message.slice(0, 300))}`;
    outcome = {};
  }
  const ms = performance.now() - t0;
  if (ms > timeLimitMs) return `took ${Math.round(ms)} ms (bound ${Math.round(timeLimitMs)} ms)`;
  for (const line of outcome.lines ?? []) {
    if (!isPrintable(line)) return `output line is not printable: ${JSON.stringify(line.slice(0, 300))}`;
  }
  if (outcome.violations?.length) return outcome.violations.join('; ');
  if (process.memoryUsage().heapUsed - heapAtStart > MAX_RETAINED_HEAP) {
    (globalThis as { gc?: () => void }).gc?.();
    const kept = process.memoryUsage().heapUsed - heapAtStart;
    if (kept > MAX_RETAINED_HEAP) return `heap grew by ${Math.round(kept / 1048576)} MiB`;
  }
  return undefined;
}

/** An input as one line of text (bytes as "base64:..."), complete, so `--replay` can rebuild it. */
export function describeInput(input: unknown): string {
  return input instanceof Uint8Array
    ? `base64:${Buffer.from(input).toString('base64')}`
    : JSON.stringify(input, (_k, v: unknown) => (v instanceof Uint8Array ? `base64:${Buffer.from(v).toString('base64')}` : v));
}

/** The inverse of describeInput. */
export function readInput(text: string): unknown {
  const bytes = (v: unknown) => (typeof v === 'string' && v.startsWith('base64:') ? new Uint8Array(Buffer.from(v.slice(7), 'base64')) : v);
  return text.startsWith('base64:') ? bytes(text) : JSON.parse(text, (_k, v: unknown) => bytes(v));
}

/** Every line of rendered output (a report, a message list), for the printable check. */
export const linesOf = (...texts: readonly string[]): string[] => texts.flatMap((t) => t.split('\n'));

// Certificate files read ahead on a worker thread while the main thread parses the ones already read.
// At 10,000 chain files the open/fstat/read/close calls are ~12% of the main thread's time in a check
// (docs/decisions/0112). The worker only ever reads a regular file of at most `limit` bytes, through
// O_NOFOLLOW, in folders the main thread has already allowed; anything else it leaves unread, and the
// main thread reads that file itself (readBoundedSync), with its refusals and messages. So the worker
// changes when bytes are read, never which files are read or what is said about them.
import { Worker } from 'node:worker_threads';

/** Files per message; the worker starts only for an estate with more than one batch of files. */
const BATCH = 256;
/** Batches asked for ahead of the one the main thread is parsing (bounds the bytes held in flight). */
const WINDOW = 16;

// Plain CommonJS with node:fs only, so it runs the same from src/, lib/ and the Action's dist/.
// Per path: [offset, length] into the batch's buffer, or [-1, 0] = not read here (the caller reads it).
const WORKER = `
const { parentPort, workerData } = require('node:worker_threads');
const { openSync, fstatSync, readSync, closeSync, constants } = require('node:fs');
const { limit, paths: all } = workerData;
const FLAGS = constants.O_RDONLY | constants.O_NONBLOCK | constants.O_NOFOLLOW;
function readOne(path) {
  let fd;
  try { fd = openSync(path, FLAGS); } catch { return undefined; }
  try {
    const st = fstatSync(fd);
    if (!st.isFile() || st.size > limit) return undefined;
    const buf = Buffer.allocUnsafeSlow(st.size + 1);
    const n = readSync(fd, buf, 0, buf.length, null);
    return n <= st.size && n <= limit ? buf.subarray(0, n) : undefined; // grew while read: the caller decides
  } catch {
    return undefined;
  } finally {
    try { closeSync(fd); } catch {}
  }
}
parentPort.on('message', ({ id, start, end }) => {
  const paths = all.slice(start, end);
  const parts = paths.map(readOne);
  let size = 0;
  for (const p of parts) if (p) size += p.length;
  const data = new Uint8Array(size);
  const index = new Int32Array(paths.length * 2);
  let at = 0;
  parts.forEach((p, j) => {
    if (!p) { index[2 * j] = -1; return; }
    data.set(p, at);
    index[2 * j] = at;
    index[2 * j + 1] = p.length;
    at += p.length;
  });
  parentPort.postMessage({ id, data: data.buffer, index: index.buffer }, [data.buffer, index.buffer]);
});
`;

interface Batch {
  readonly promise: Promise<void>;
  resolve: () => void;
  data?: ArrayBuffer;
  index?: Int32Array;
}

/**
 * Reads `paths` ahead, in order, on one worker thread. take(i) gives the bytes of paths[i], or
 * undefined when the caller must read the file itself (the worker did not read it, is gone, or the
 * estate is too small to start one). Paths must be taken in increasing order; each at most once.
 */
export class FilePrefetch {
  readonly #paths: readonly string[];
  readonly #batchSize: number;
  readonly #batches = new Map<number, Batch>();
  #worker?: Worker;
  #gone = false;
  #asked = 0;

  constructor(paths: readonly string[], options: { limit: number; batch?: number }) {
    this.#paths = paths;
    const batch = options.batch ?? BATCH;
    this.#batchSize = batch;
    if (paths.length <= batch) return; // a small estate does not pay for a thread
    try {
      this.#worker = new Worker(WORKER, { eval: true, workerData: { limit: options.limit, paths } });
    } catch {
      this.#gone = true;
      return;
    }
    this.#worker.on('message', ({ id, data, index }: { id: number; data: ArrayBuffer; index: ArrayBuffer }) => {
      const b = this.#batches.get(id);
      if (!b) return;
      b.data = data;
      b.index = new Int32Array(index);
      b.resolve();
    });
    const abandon = () => {
      this.#gone = true;
      for (const b of this.#batches.values()) b.resolve();
    };
    this.#worker.on('error', abandon);
    this.#worker.on('exit', abandon);
    for (let k = 0; k < WINDOW; k++) this.#ask();
  }

  /** Whether a worker thread was started. */
  get threaded(): boolean {
    return this.#worker !== undefined;
  }

  /** The bytes of paths[i] as the worker read them, or undefined: read it yourself. */
  async take(i: number): Promise<Buffer | undefined> {
    const id = Math.floor(i / this.#batchSize);
    const b = this.#batches.get(id);
    if (!b) return undefined; // no worker, or it was gone before this batch was asked for
    if (!b.index) await b.promise; // a worker that dies resolves it without data
    const j = i - id * this.#batchSize;
    const at = b.index?.[2 * j];
    const bytes = b.data && at !== undefined && at >= 0 ? Buffer.from(b.data, at, b.index![2 * j + 1]!) : undefined;
    if (j === this.#batchSize - 1 || i === this.#paths.length - 1) {
      this.#batches.delete(id); // done with it: its buffer goes once the files' views are dropped
      this.#ask();
    }
    return bytes;
  }

  /** Stops the worker (reading ended, or failed half-way). */
  close(): void {
    if (this.#worker && !this.#gone) void this.#worker.terminate();
    this.#gone = true;
  }

  #ask(): void {
    const start = this.#asked * this.#batchSize;
    if (this.#gone || !this.#worker || start >= this.#paths.length) return;
    const id = this.#asked++;
    let resolve!: () => void;
    const promise = new Promise<void>((r) => (resolve = r));
    this.#batches.set(id, { promise, resolve });
    this.#worker.postMessage({ id, start, end: start + this.#batchSize });
  }
}

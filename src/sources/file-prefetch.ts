// Certificate files read ahead on a worker thread while the main thread parses the ones already read.
// At 10,000 chain files the open/fstat/read/close calls are ~12% of the main thread's time in a check
// (docs/decisions/0112). The worker only ever reads a regular file of at most `limit` bytes, through
// O_NOFOLLOW, in folders the main thread has already allowed; anything else it leaves unread, and the
// main thread reads that file itself (readBoundedSync), with its refusals and messages. So the worker
// changes when bytes are read, never which files are read or what is said about them.
import { Worker } from 'node:worker_threads';
import { wellFormedBlocks, type ScannedBlock } from '../pki/pem.ts';

/** Files per message; the worker starts only for an estate with more than one batch of files. */
const BATCH = 256;
/** Batches asked for ahead of the one the main thread is parsing (bounds the bytes held in flight). */
const WINDOW = 16;

// Plain CommonJS with node:fs only, so it runs the same from src/, lib/ and the Action's dist/; the PEM
// scanner is src/pki/pem.ts's own wellFormedBlocks, from its source text (it is self-contained).
// Per path, in `index`: [-1] not read here (the caller reads it); [0, offset, length] its bytes;
// [1, count, (line, id, offset, length) x count] its CERTIFICATE blocks, base64-decoded, where
// offset -1 = the same text as an earlier block with that id (sent once).
const WORKER = `
const { parentPort, workerData } = require('node:worker_threads');
const { openSync, fstatSync, readSync, closeSync, constants } = require('node:fs');
const { limit, paths: all, maxBlocks, scan } = workerData;
const wellFormedBlocks = ${wellFormedBlocks.toString()};
const FLAGS = constants.O_RDONLY | constants.O_NONBLOCK | constants.O_NOFOLLOW;
const MAX_IDS = 4096;
const ids = new Map();
let nextId = 0;
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
  const parts = [];
  const index = [];
  let size = 0;
  const add = (bytes) => { parts.push(bytes); index.push(size, bytes.length); size += bytes.length; };
  for (const path of all.slice(start, end)) {
    const bytes = readOne(path);
    if (!bytes) { index.push(-1); continue; }
    const blocks = scan && !/\\.(pfx|p12)$/i.test(path) ? wellFormedBlocks(bytes, maxBlocks) : undefined;
    if (!blocks) { index.push(0); add(bytes); continue; }
    index.push(1, blocks.length);
    for (const b of blocks) {
      const text = bytes.latin1Slice(b.start, b.end);
      let blockId = ids.get(text);
      index.push(b.line, blockId ?? nextId);
      if (blockId !== undefined) { index.push(-1, 0); continue; }
      if (ids.size < MAX_IDS) ids.set(text, nextId);
      nextId++;
      add(Buffer.from(text, 'base64'));
    }
  }
  const data = new Uint8Array(size);
  let at = 0;
  for (const p of parts) { data.set(p, at); at += p.length; }
  const ix = Int32Array.from(index);
  parentPort.postMessage({ id, data: data.buffer, index: ix.buffer }, [data.buffer, ix.buffer]);
});
`;

/** What the worker made of one file: its bytes, or its certificate blocks already decoded. */
export type Prefetched = { readonly bytes: Buffer; readonly blocks?: undefined } | { readonly blocks: ScannedBlock[]; readonly bytes?: undefined };

interface Batch {
  readonly promise: Promise<void>;
  resolve: () => void;
  data?: ArrayBuffer;
  index?: Int32Array;
  /** Where each file's entry starts in `index` (filled on first use). */
  starts?: number[];
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

  /**
   * `scan`: also find and decode the CERTIFICATE blocks of a well-formed PEM file (wellFormedBlocks,
   * at most `maxBlocks`); anything else comes back as bytes.
   */
  constructor(paths: readonly string[], options: { limit: number; batch?: number; scan?: boolean; maxBlocks?: number }) {
    this.#paths = paths;
    const batch = options.batch ?? BATCH;
    this.#batchSize = batch;
    if (paths.length <= batch) return; // a small estate does not pay for a thread
    try {
      this.#worker = new Worker(WORKER, { eval: true, workerData: { limit: options.limit, paths, scan: options.scan ?? false, maxBlocks: options.maxBlocks ?? 500 } });
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

  /** What the worker made of paths[i], or undefined: read it yourself. */
  async take(i: number): Promise<Prefetched | undefined> {
    const id = Math.floor(i / this.#batchSize);
    const b = this.#batches.get(id);
    if (!b) return undefined; // no worker, or it was gone before this batch was asked for
    if (!b.index) await b.promise; // a worker that dies resolves it without data
    const got = b.data && b.index ? entry(b.data, b.index, (b.starts ??= starts(b.index)), i - id * this.#batchSize) : undefined;
    if (i - id * this.#batchSize === this.#batchSize - 1 || i === this.#paths.length - 1) {
      this.#batches.delete(id); // done with it: its buffer goes once the certificates' views are dropped
      this.#ask();
    }
    return got;
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

/** Where each file's entry starts in a batch's index. */
function starts(index: Int32Array): number[] {
  const out: number[] = [];
  for (let k = 0; k < index.length; ) {
    out.push(k);
    const kind = index[k]!;
    k += kind === -1 ? 1 : kind === 0 ? 3 : 2 + 4 * index[k + 1]!;
  }
  return out;
}

function entry(data: ArrayBuffer, index: Int32Array, at: readonly number[], j: number): Prefetched | undefined {
  let k = at[j];
  if (k === undefined) return undefined;
  const kind = index[k]!;
  if (kind === 0) return { bytes: Buffer.from(data, index[k + 1]!, index[k + 2]!) };
  if (kind !== 1) return undefined;
  const count = index[k + 1]!;
  const blocks: ScannedBlock[] = [];
  for (k += 2; blocks.length < count; k += 4) {
    const offset = index[k + 2]!;
    blocks.push({ line: index[k]!, id: index[k + 1]!, ...(offset >= 0 && { der: new Uint8Array(data, offset, index[k + 3]!) }) });
  }
  return { blocks };
}

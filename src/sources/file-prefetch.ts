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
/**
 * Batches asked for ahead of the furthest one the main thread has taken from (bounds the bytes held
 * in flight). Before the first take -- while the topology is still being parsed (./preload.ts) -- the
 * worker reads this many batches: ~6,000 files, about what it reads in that time.
 */
const WINDOW = 24;

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
// One buffer to read into, grown as needed: a file's bytes are only kept when they are sent as they are.
let scratch = Buffer.allocUnsafeSlow(64 * 1024);
function readOne(path) {
  let fd;
  try { fd = openSync(path, FLAGS); } catch { return undefined; }
  try {
    const st = fstatSync(fd);
    if (!st.isFile() || st.size > limit) return undefined;
    if (scratch.length < st.size + 1) scratch = Buffer.allocUnsafeSlow(st.size + 1);
    const n = readSync(fd, scratch, 0, st.size + 1, null);
    return n <= st.size && n <= limit ? scratch.subarray(0, n) : undefined; // grew while read: the caller decides
  } catch {
    return undefined;
  } finally {
    try { closeSync(fd); } catch {}
  }
}
parentPort.on('message', ({ id, start, end }) => {
  // Decoded blocks and raw files go straight into one batch buffer (base64 shrinks, so the text's
  // length bounds the bytes), copied once to an exact-size buffer at the end.
  let out = Buffer.allocUnsafe(256 * 1024);
  let size = 0;
  const room = (n) => {
    if (size + n <= out.length) return;
    const bigger = Buffer.allocUnsafe(Math.max(2 * out.length, size + n));
    out.copy(bigger, 0, 0, size);
    out = bigger;
  };
  const index = [];
  for (const path of all.slice(start, end)) {
    const bytes = readOne(path);
    if (!bytes) { index.push(-1); continue; }
    const blocks = scan && !/\\.(pfx|p12)$/i.test(path) ? wellFormedBlocks(bytes, maxBlocks) : undefined;
    if (!blocks) {
      room(bytes.length);
      bytes.copy(out, size);
      index.push(0, size, bytes.length);
      size += bytes.length;
      continue;
    }
    index.push(1, blocks.length);
    for (const b of blocks) {
      const text = bytes.latin1Slice(b.start, b.end);
      let blockId = ids.get(text);
      index.push(b.line, blockId ?? nextId);
      if (blockId !== undefined) { index.push(-1, 0); continue; }
      if (ids.size < MAX_IDS) ids.set(text, nextId);
      nextId++;
      room(text.length);
      const n = out.write(text, size, 'base64');
      index.push(size, n);
      size += n;
    }
  }
  const data = new Uint8Array(size);
  data.set(out.subarray(0, size));
  const ix = Int32Array.from(index);
  parentPort.postMessage({ id, data: data.buffer, index: ix.buffer }, [data.buffer, ix.buffer]);
});
`;

/** What the worker made of one file: its bytes, or its certificate blocks already decoded. */
export type Prefetched = { readonly bytes: Buffer; readonly blocks?: undefined } | { readonly blocks: ScannedBlock[]; readonly bytes?: undefined };

interface Batch {
  readonly promise: Promise<void>;
  resolve: () => void;
  /** Files in the batch, and how many were taken: a batch is let go once every file was. */
  readonly size: number;
  taken: number;
  data?: ArrayBuffer;
  index?: Int32Array;
  /** Where each file's entry starts in `index` (filled on first use). */
  starts?: number[];
}

/**
 * Reads `paths` ahead, in order, on one worker thread. take(i) gives the bytes of paths[i], or
 * undefined when the caller must read the file itself (the worker did not read it, is gone, or the
 * estate is too small to start one). Each path is taken at most once, best in about increasing
 * order: the worker reads WINDOW batches past the furthest one taken from.
 */
export class FilePrefetch {
  readonly #paths: readonly string[];
  readonly #batchSize: number;
  readonly #batches = new Map<number, Batch>();
  #worker?: Worker;
  #gone = false;
  #asked = 0;
  #furthest = -1;

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
    for (let k = 0; k < WINDOW && this.#ask(); k++);
  }

  /** Whether a worker thread was started. */
  get threaded(): boolean {
    return this.#worker !== undefined;
  }

  /** What the worker made of paths[i], or undefined: read it yourself. */
  async take(i: number): Promise<Prefetched | undefined> {
    const id = Math.floor(i / this.#batchSize);
    if (id > this.#furthest) {
      this.#furthest = id;
      while (this.#asked <= id + WINDOW && this.#ask());
    }
    const b = this.#batches.get(id);
    if (!b) return undefined; // no worker, it was gone before this batch was asked for, or a path taken twice
    if (!b.index) await b.promise; // a worker that dies resolves it without data
    const got = b.data && b.index ? entry(b.data, b.index, (b.starts ??= starts(b.index)), i - id * this.#batchSize) : undefined;
    if (++b.taken === b.size) this.#batches.delete(id); // its buffer goes once the certificates' views are dropped
    return got;
  }

  /** Stops the worker (reading ended, or failed half-way). */
  close(): void {
    if (this.#worker && !this.#gone) void this.#worker.terminate();
    this.#gone = true;
  }

  /** Asks for the next batch; false when there is none (or no worker). */
  #ask(): boolean {
    const start = this.#asked * this.#batchSize;
    if (this.#gone || !this.#worker || start >= this.#paths.length) return false;
    const id = this.#asked++;
    let resolve!: () => void;
    const promise = new Promise<void>((r) => (resolve = r));
    const end = Math.min(start + this.#batchSize, this.#paths.length);
    this.#batches.set(id, { promise, resolve, size: end - start, taken: 0 });
    this.#worker.postMessage({ id, start, end });
    return true;
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

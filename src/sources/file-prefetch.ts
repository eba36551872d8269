// Certificate files read ahead on a worker thread while the main thread parses the ones already read.
// At 10,000 chain files the open/fstat/read/close calls are ~12% of the main thread's time in a check
// (docs/decisions/0112). The worker only ever reads a regular file of at most `limit` bytes, through
// O_NOFOLLOW, in folders the main thread has already allowed; anything else it leaves unread, and the
// main thread reads that file itself (readBoundedSync), with its refusals and messages. So the worker
// changes when bytes are read, never which files are read or what is said about them.
import type { ScannedBlock } from '../pki/pem.ts';
import { Background, type Reply } from './background.ts';

/** Files per message; the worker starts only for an estate with more than one batch of files. */
const BATCH = 256;
/**
 * Batches asked for ahead of the furthest one the main thread has taken from (bounds the bytes held
 * in flight: ~10,000 files, ~20 MB of certificates, which the model keeps anyway). Before the first
 * take -- while the topology is still being parsed (./preload.ts) -- the thread reads this many.
 */
const WINDOW = 40;

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
  #thread?: Background;
  #ownThread = false;
  #to = '';
  #gone = false;
  #asked = 0;
  #furthest = -1;

  /**
   * `scan`: also find and decode the CERTIFICATE blocks of a well-formed PEM file (wellFormedBlocks,
   * at most `maxBlocks`); anything else comes back as bytes.
   */
  constructor(paths: readonly string[], options: { limit: number; batch?: number; scan?: boolean; maxBlocks?: number; thread?: Background }) {
    this.#paths = paths;
    const batch = options.batch ?? BATCH;
    this.#batchSize = batch;
    if (paths.length <= batch) return; // a small estate does not pay for a thread
    const thread = options.thread ?? new Background();
    this.#to = thread.name('read');
    const started = thread.post({ kind: 'paths', list: this.#to, paths, limit: options.limit, scan: options.scan ?? false, maxBlocks: options.maxBlocks ?? 500 });
    if (!started) {
      this.#gone = true;
      return;
    }
    this.#thread = thread;
    this.#ownThread = options.thread === undefined;
    thread.on(this.#to, ({ id, data, index }: Reply) => {
      const b = this.#batches.get(id);
      if (!b) return;
      b.data = data as ArrayBuffer;
      b.index = new Int32Array(index as ArrayBuffer);
      b.resolve();
    });
    thread.onGone(() => {
      this.#gone = true;
      for (const b of this.#batches.values()) b.resolve();
    });
    for (let k = 0; k < WINDOW && this.#ask(); k++);
  }

  /** Whether a worker thread was started. */
  get threaded(): boolean {
    return this.#thread !== undefined;
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

  /** Stops reading (reading ended, or failed half-way); a thread of its own is stopped. */
  close(): void {
    if (this.#ownThread) this.#thread?.close();
    this.#gone = true;
  }

  /** Asks for the next batch; false when there is none (or no worker). */
  #ask(): boolean {
    const start = this.#asked * this.#batchSize;
    if (this.#gone || !this.#thread || start >= this.#paths.length) return false;
    const id = this.#asked++;
    let resolve!: () => void;
    const promise = new Promise<void>((r) => (resolve = r));
    const end = Math.min(start + this.#batchSize, this.#paths.length);
    this.#batches.set(id, { promise, resolve, size: end - start, taken: 0 });
    if (this.#thread.post({ kind: 'read', to: this.#to, list: this.#to, id, start, end })) return true;
    resolve(); // the thread is gone: the caller reads these files itself
    return false;
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

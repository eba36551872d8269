// One worker thread beside the main thread for a run's reading ahead of certificate files
// (./file-prefetch.ts) and its signature checks (./signatures.ts). One thread for both, not one each:
// a Node worker costs ~120 ms of CPU to start (its own Node environment, its own JIT), and on a
// 2-core runner two workers would only take turns on the second core (docs/decisions/0131).
import { Worker } from 'node:worker_threads';
import { wellFormedBlocks } from '../pki/pem.ts';

// Plain CommonJS with node:fs and node:crypto only, so it runs the same from src/, lib/ and the
// Action's dist/; the PEM scanner is src/pki/pem.ts's own wellFormedBlocks, from its source text.
//
// read:   per path, in `index`: [-1] not read here (the caller reads it); [0, offset, length] its bytes;
//         [1, count, (line, id, offset, length) x count] its CERTIFICATE blocks, base64-decoded, where
//         offset -1 = the same text as an earlier block with that id (sent once).
// verify: exactly as Certificate.isSignedBy does, crypto.verify(hash, tbs, publicKey, signature);
//         per check 1 valid, 0 invalid, 2 an error (left to isSignedBy).
const WORKER = `
const { parentPort } = require('node:worker_threads');
const { openSync, fstatSync, readSync, closeSync, constants } = require('node:fs');
const wellFormedBlocks = ${wellFormedBlocks.toString()};
const FLAGS = constants.O_RDONLY | constants.O_NONBLOCK | constants.O_NOFOLLOW;
const MAX_IDS = 4096;
const lists = new Map();
// Blocks sent before, by a hash of their last 64 bytes (the signature's base64: as good as random)
// and length; a hit is confirmed byte for byte. No string per block to find a repeated one.
const known = new Map();
let knownCount = 0;
let nextId = 0;
function knownId(bytes, start, end) {
  let h = 0x811c9dc5 ^ (end - start);
  for (let i = Math.max(start, end - 64); i < end; i++) h = Math.imul(h ^ bytes[i], 0x01000193);
  const list = known.get(h);
  if (list) for (const k of list) if (k.text.length === end - start && bytes.compare(k.text, 0, k.text.length, start, end) === 0) return { h, id: k.id };
  return { h, id: undefined };
}
function remember(h, bytes, start, end, id) {
  if (knownCount >= MAX_IDS) return;
  knownCount++;
  const entry = { text: Buffer.from(bytes.subarray(start, end)), id };
  const list = known.get(h);
  if (list) list.push(entry);
  else known.set(h, [entry]);
}
// One buffer to read into, grown as needed: a file's bytes are only kept when they are sent as they are.
let scratch = Buffer.allocUnsafeSlow(64 * 1024);
function readOne(path, limit) {
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
function read({ to, list, id, start, end }) {
  const { paths, limit, scan, maxBlocks } = lists.get(list);
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
  for (const path of paths.slice(start, end)) {
    const bytes = readOne(path, limit);
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
      const { h, id: blockId } = knownId(bytes, b.start, b.end);
      index.push(b.line, blockId ?? nextId);
      if (blockId !== undefined) { index.push(-1, 0); continue; }
      remember(h, bytes, b.start, b.end, nextId);
      nextId++;
      const text = bytes.latin1Slice(b.start, b.end);
      room(text.length);
      const n = out.write(text, size, 'base64');
      index.push(size, n);
      size += n;
    }
  }
  const data = new Uint8Array(size);
  data.set(out.subarray(0, size));
  const ix = Int32Array.from(index);
  parentPort.postMessage({ to, id, data: data.buffer, index: ix.buffer }, [data.buffer, ix.buffer]);
}
let crypto;
const keys = new Map();
function verify({ to, id, keys: newKeys, hashes, data, index }) {
  crypto ??= require('node:crypto');
  for (const [keyId, spki] of newKeys) {
    try {
      keys.set(keyId, crypto.createPublicKey({ key: Buffer.from(spki), format: 'der', type: 'spki' }));
    } catch {
      // a key OpenSSL cannot read: its checks report an error and are left to isSignedBy
    }
  }
  const bytes = Buffer.from(data);
  const ix = new Int32Array(index);
  const results = new Uint8Array(ix.length / 6);
  for (let j = 0; j < results.length; j++) {
    const [tbs, tbsLen, sig, sigLen, key, hash] = ix.subarray(6 * j, 6 * j + 6);
    const k = keys.get(key);
    if (!k) {
      results[j] = 2;
      continue;
    }
    try {
      results[j] = crypto.verify(hash < 0 ? null : hashes[hash], bytes.subarray(tbs, tbs + tbsLen), k, bytes.subarray(sig, sig + sigLen)) ? 1 : 0;
    } catch {
      results[j] = 2;
    }
  }
  parentPort.postMessage({ to, id, results }, [results.buffer]);
}
parentPort.on('message', (m) => {
  if (m.kind === 'paths') lists.set(m.list, m);
  else if (m.kind === 'read') read(m);
  else if (m.kind === 'verify') verify(m);
});
`;

/** A reply from the thread, routed to the handler registered under its `to`. */
export interface Reply {
  readonly to: string;
  readonly id: number;
  readonly [field: string]: unknown;
}

/**
 * The worker thread, started on first use. Users register a handler under a name of their own, send
 * messages carrying `to: name`, and learn through onGone that the thread died or was closed (their
 * unanswered work is then done on the main thread).
 */
export class Background {
  #worker?: Worker;
  #gone = false;
  #warmOnly = false;
  #names = 0;
  readonly #handlers = new Map<string, (reply: Reply) => void>();
  readonly #goneHandlers: (() => void)[] = [];

  /** A fresh name to register a handler under. */
  name(prefix: string): string {
    return `${prefix}:${this.#names++}`;
  }

  on(to: string, handler: (reply: Reply) => void): void {
    this.#handlers.set(to, handler);
  }

  onGone(handler: () => void): void {
    if (this.#gone) handler();
    else this.#goneHandlers.push(handler);
  }

  /** Sends a message, starting the thread if need be; false when there is no thread (it could not start, died or was closed). */
  post(message: { kind: string; to?: string; [field: string]: unknown }, transfer: ArrayBuffer[] = []): boolean {
    const worker = this.#start();
    if (!worker) return false;
    worker.postMessage(message, transfer);
    return true;
  }

  /** Whether the thread is running (or can still start). */
  get alive(): boolean {
    return !this.#gone;
  }

  /**
   * Starts the thread now rather than on first use, not keeping the process alive until someone
   * takes it (takeBackground).
   */
  warm(): void {
    const worker = this.#start();
    if (!worker) return;
    worker.unref();
    this.#warmOnly = true;
  }

  /** Stops the thread whatever it is doing (it keeps the process alive while it runs). */
  close(): void {
    if (this.#worker && !this.#gone) void this.#worker.terminate();
    this.#abandon();
  }

  #start(): Worker | undefined {
    if (this.#gone) return undefined;
    if (this.#worker) {
      if (this.#warmOnly) {
        this.#warmOnly = false;
        this.#worker.ref(); // taken: it keeps the process alive while it works
      }
      return this.#worker;
    }
    try {
      this.#worker = new Worker(WORKER, { eval: true });
    } catch {
      this.#abandon(); // no threads here: the main thread does the work
      return undefined;
    }
    this.#warmOnly = false;
    this.#worker.on('message', (reply: Reply) => this.#handlers.get(reply.to)?.(reply));
    this.#worker.on('error', () => this.#abandon());
    this.#worker.on('exit', () => this.#abandon());
    return this.#worker;
  }

  #abandon(): void {
    if (this.#gone) return;
    this.#gone = true;
    for (const handler of this.#goneHandlers.splice(0)) handler();
  }
}

let warmed: Background | undefined;

/**
 * Starts the thread at once, for a run that will surely use it: `check` of a large estate
 * (bin/rc-policy.js), whose thread then boots while the main thread loads its modules and reads the
 * topology (~0.15 s of a 10,000-broker check, docs/decisions/0131). Unused, it does not keep the
 * process alive.
 */
export function warmBackground(): void {
  if (warmed?.alive) return;
  warmed = new Background();
  warmed.warm();
}

/** The warmed thread if there is one (once), else a new one, started on first use. */
export function takeBackground(): Background {
  const thread = warmed?.alive ? warmed : new Background();
  warmed = undefined;
  return thread;
}

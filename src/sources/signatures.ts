// Signature checks started while the certificate files are still being read. The rules and the
// handshake matrix are synchronous and ask Certificate.isSignedBy; at 10,000 brokers verifying the
// leaf signatures is ~1 s of one core, the largest single cost of a check. Here each certificate is
// paired, as it is read, with the certificates that could have issued it, and the pairs are verified
// in batches by one worker thread while the main thread reads and parses the next files; isSignedBy
// then answers from its cache (docs/decisions/0060).
import { Worker } from 'node:worker_threads';
import type { Certificate, SignatureCheck } from '../pki/cert.ts';
import { couldIssue } from '../pki/issuers.ts';
import { hashBytes } from '../pki/hash.ts';

/** Candidate issuers checked ahead per certificate; any further one is verified when a rule asks. */
const MAX_CANDIDATES = 4;
/**
 * Checks per message to the worker. The worker starts with the first full batch: a small estate
 * (the bundled example) never pays for a thread and verifies inline when the rules ask.
 */
const BATCH = 256;

// The worker verifies exactly as isSignedBy does: crypto.verify(hash, tbs, publicKey, signature).
// Plain CommonJS with node:crypto only, so it runs the same from src/, lib/ and the Action's dist/.
const WORKER = `
const { parentPort } = require('node:worker_threads');
const { createPublicKey, verify } = require('node:crypto');
const keys = new Map();
parentPort.on('message', ({ id, keys: newKeys, hashes, data, index }) => {
  for (const [keyId, spki] of newKeys) {
    try {
      keys.set(keyId, createPublicKey({ key: Buffer.from(spki), format: 'der', type: 'spki' }));
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
      results[j] = verify(hash < 0 ? null : hashes[hash], bytes.subarray(tbs, tbs + tbsLen), k, bytes.subarray(sig, sig + sigLen)) ? 1 : 0;
    } catch {
      results[j] = 2;
    }
  }
  parentPort.postMessage({ id, results }, [results.buffer]);
});
`;

/** Names are indexed by a hash of their DER; couldIssue compares the bytes of every candidate. */
const nameKey = (der: Uint8Array): number => hashBytes(der);

interface Job {
  readonly cert: Certificate;
  readonly issuer: Certificate;
  readonly check: SignatureCheck;
}

/**
 * Pairs each certificate it is given with every certificate given before or after it that could have
 * issued it (by name and key identifiers: the candidates the path builder and the rules consider)
 * and has the pairs verified in the background. It only fills a cache: a pair it did not verify
 * (a failed worker, a small estate, a fifth candidate) is verified when a rule asks, so it changes
 * when the work happens, never what is decided.
 */
export class SignaturePrefetch {
  readonly #seen = new Set<Certificate>();
  /** Certificates by subject name. */
  readonly #bySubject = new Map<number, Certificate[]>();
  /** Certificates by issuer name: the ones a newly seen CA may have issued. */
  readonly #byIssuer = new Map<number, Certificate[]>();
  readonly #started = new Map<Certificate, number>();
  readonly #batch: number;
  #queue: Job[] = [];
  #verifier?: Verifier;

  /** `batch`: checks per message to the worker (tests use small ones). */
  constructor(options: { batch?: number } = {}) {
    this.#batch = options.batch ?? BATCH;
  }

  add(certs: Iterable<Certificate>): void {
    for (const cert of certs) {
      if (this.#seen.has(cert)) continue;
      this.#seen.add(cert);
      const subject = nameKey(cert.subject.der);
      const issuer = nameKey(cert.issuer.der);
      push(this.#bySubject, subject, cert);
      push(this.#byIssuer, issuer, cert);
      for (const candidate of this.#bySubject.get(issuer) ?? []) this.#pair(cert, candidate);
      // Certificates seen earlier that this one may have issued (its own self-signature is paired above).
      for (const issued of this.#byIssuer.get(subject) ?? []) if (issued !== cert) this.#pair(issued, cert);
    }
  }

  /** Resolves when every check handed to the worker has been answered (or the worker is gone), and stops it. */
  async settled(): Promise<void> {
    if (!this.#verifier) return; // fewer checks than one batch: the rules verify them inline
    if (this.#queue.length > 0) this.#flush();
    await this.#verifier.done();
    this.close();
  }

  /** Stops the worker whatever it is doing (reading failed half-way); unanswered pairs are verified on demand. */
  close(): void {
    this.#verifier?.close();
  }

  /** Whether a worker thread was started: false for estates smaller than one batch. */
  get threaded(): boolean {
    return this.#verifier !== undefined;
  }

  #pair(cert: Certificate, candidate: Certificate): void {
    const started = this.#started.get(cert) ?? 0;
    if (started >= MAX_CANDIDATES || !couldIssue(candidate, cert)) return;
    this.#started.set(cert, started + 1);
    const check = cert.signatureCheck(candidate);
    if (!check) return;
    this.#queue.push({ cert, issuer: candidate, check });
    if (this.#queue.length >= this.#batch) this.#flush();
  }

  #flush(): void {
    this.#verifier ??= new Verifier();
    this.#verifier.send(this.#queue);
    this.#queue = [];
  }
}

/** One worker thread and the batches it has not answered yet. */
class Verifier {
  readonly #worker?: Worker;
  readonly #pending = new Map<number, { jobs: Job[]; resolve: () => void }>();
  readonly #batches: Promise<void>[] = [];
  /** Keys already sent, by the certificate that holds them. */
  readonly #keyIds = new Map<Certificate, number>();
  readonly #hashes: string[] = [];
  #next = 0;
  #gone = false;

  constructor() {
    try {
      this.#worker = new Worker(WORKER, { eval: true });
    } catch {
      this.#gone = true; // no threads here: the rules verify every pair themselves
      return;
    }
    this.#worker.on('message', ({ id, results }: { id: number; results: Uint8Array }) => {
      const batch = this.#pending.get(id);
      if (!batch) return;
      this.#pending.delete(id);
      batch.jobs.forEach((job, j) => {
        if (results[j] !== 2) job.cert.recordSignedBy(job.issuer, results[j] === 1); // 2: an error, left to isSignedBy
      });
      batch.resolve();
    });
    // A worker that cannot start or dies answers nothing: the rules verify those pairs themselves.
    const abandon = () => {
      this.#gone = true;
      for (const batch of this.#pending.values()) batch.resolve();
      this.#pending.clear();
    };
    this.#worker.on('error', abandon);
    this.#worker.on('exit', abandon);
  }

  send(jobs: Job[]): void {
    if (this.#gone || !this.#worker) return;
    const newKeys: [number, ArrayBuffer][] = [];
    let size = 0;
    for (const { check } of jobs) size += check.tbs.byteLength + check.signature.byteLength;
    const data = new Uint8Array(size);
    const index = new Int32Array(jobs.length * 6);
    let at = 0;
    jobs.forEach(({ issuer, check }, j) => {
      let keyId = this.#keyIds.get(issuer);
      if (keyId === undefined) {
        this.#keyIds.set(issuer, (keyId = this.#keyIds.size));
        newKeys.push([keyId, new Uint8Array(check.spki).buffer]); // a copy: the view's buffer holds more
      }
      let hash = check.hash === null ? -1 : this.#hashes.indexOf(check.hash);
      if (hash === -1 && check.hash !== null) hash = this.#hashes.push(check.hash) - 1;
      data.set(check.tbs, at);
      data.set(check.signature, at + check.tbs.byteLength);
      index.set([at, check.tbs.byteLength, at + check.tbs.byteLength, check.signature.byteLength, keyId, hash], 6 * j);
      at += check.tbs.byteLength + check.signature.byteLength;
    });
    const id = this.#next++;
    const done = new Promise<void>((resolve) => this.#pending.set(id, { jobs, resolve }));
    this.#batches.push(done);
    this.#worker.postMessage({ id, keys: newKeys, hashes: this.#hashes, data: data.buffer, index: index.buffer }, [data.buffer, index.buffer]);
  }

  /** Waits for every batch sent so far. */
  async done(): Promise<void> {
    await Promise.all(this.#batches);
  }

  /** Stops the thread (it keeps the process alive while it runs) without waiting for it to wind down. */
  close(): void {
    if (this.#worker && !this.#gone) void this.#worker.terminate();
    this.#gone = true;
  }
}

function push<K, V>(map: Map<K, V[]>, key: K, value: V): void {
  const list = map.get(key);
  if (list) list.push(value);
  else map.set(key, [value]);
}

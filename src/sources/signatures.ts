// Signature checks started while the certificate files are still being read. The rules and the
// handshake matrix are synchronous and ask Certificate.isSignedBy; at 10,000 brokers verifying the
// leaf signatures is ~1 s of one core, the largest single cost of a check. Here each certificate is
// paired, as it is read, with the certificates that could have issued it, and the pairs are verified
// in batches by the background thread (./background.ts) while the main thread reads and parses the
// next files; isSignedBy then answers from its cache (docs/decisions/0060). Once every file is read,
// the main thread verifies the batches the thread has not started yet itself, instead of waiting.
import { Background, type Reply } from './background.ts';
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
/**
 * Batches handed to the thread at a time (~90 ms of work, more than the main thread's longest stretch
 * between two looks at the thread's answers, ~20 ms: the thread never waits for work); the rest wait
 * on the main thread, which verifies what is still waiting once every file is read.
 */
const IN_FLIGHT = 4;

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

  readonly #thread?: Background;

  /** `batch`: checks per message to the worker (tests use small ones); `thread`: shared with file reading. */
  constructor(options: { batch?: number; thread?: Background } = {}) {
    this.#batch = options.batch ?? BATCH;
    if (options.thread) this.#thread = options.thread;
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
    this.#verifier ??= new Verifier(this.#thread);
    this.#verifier.send(this.#queue);
    this.#queue = [];
  }
}

/** The batches sent to the background thread and not answered yet, and those still waiting to be sent. */
class Verifier {
  readonly #thread: Background;
  readonly #ownThread: boolean;
  readonly #to: string;
  readonly #inFlight = new Map<number, { jobs: Job[]; resolve: () => void; done: Promise<void> }>();
  readonly #waiting: Job[][] = [];
  /** Keys already sent, by the certificate that holds them. */
  readonly #keyIds = new Map<Certificate, number>();
  readonly #hashes: string[] = [];
  #next = 0;

  constructor(thread?: Background) {
    this.#ownThread = thread === undefined;
    this.#thread = thread ?? new Background();
    this.#to = this.#thread.name('verify');
    this.#thread.on(this.#to, ({ id, results }: Reply) => {
      const batch = this.#inFlight.get(id);
      if (!batch) return;
      this.#inFlight.delete(id);
      batch.jobs.forEach((job, j) => {
        const r = (results as Uint8Array)[j];
        if (r !== 2) job.cert.recordSignedBy(job.issuer, r === 1); // 2: an error, left to isSignedBy
      });
      batch.resolve();
      this.#pump();
    });
    // A thread that cannot start or dies answers nothing: the rules verify those pairs themselves.
    this.#thread.onGone(() => {
      for (const batch of this.#inFlight.values()) batch.resolve();
      this.#inFlight.clear();
    });
  }

  send(jobs: Job[]): void {
    this.#waiting.push(jobs);
    this.#pump();
  }

  /** Verifies on this thread the batches not sent yet, then waits for the ones sent. */
  async done(): Promise<void> {
    for (let jobs = this.#waiting.pop(); jobs; jobs = this.#waiting.pop()) {
      for (const { cert, issuer } of jobs) cert.isSignedBy(issuer);
      await new Promise((resolve) => setImmediate(resolve)); // answers arrive, the thread gets the next batch
    }
    await Promise.all([...this.#inFlight.values()].map((b) => b.done));
  }

  /** Stops a thread of its own (one shared with file reading is stopped by its owner). */
  close(): void {
    if (this.#ownThread) this.#thread.close();
  }

  #pump(): void {
    while (this.#inFlight.size < IN_FLIGHT && this.#waiting.length > 0 && this.#thread.alive) this.#post(this.#waiting.shift()!);
  }

  #post(jobs: Job[]): void {
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
    let resolve!: () => void;
    const done = new Promise<void>((r) => (resolve = r));
    this.#inFlight.set(id, { jobs, resolve, done });
    if (!this.#thread.post({ kind: 'verify', to: this.#to, id, keys: newKeys, hashes: this.#hashes, data: data.buffer, index: index.buffer }, [data.buffer, index.buffer])) {
      this.#inFlight.delete(id);
      resolve();
    }
  }
}

function push<K, V>(map: Map<K, V[]>, key: K, value: V): void {
  const list = map.get(key);
  if (list) list.push(value);
  else map.set(key, [value]);
}

// Certificate files read while the topology is still being parsed. At 10,000 brokers parsing and
// resolving the topology keeps the main thread busy for ~0.5 s, and the file read-ahead worker
// (./file-prefetch.ts) could only start after it. Like a browser's preload scanner, which fetches
// the resources an HTML page names before the parser reaches them, this finds the `file:` values in
// the topology's raw text and starts the worker on them at once (docs/decisions/0131).
//
// It is a guess, and only a guess: the files the run uses are still the ones the parsed topology
// references (readCertificateFiles asks for each by its resolved path), so a value the scan misses is
// read when it is needed and one it finds wrongly is never used. Before anything is opened the guessed
// paths pass the same folder check as every referenced file (./containment.ts): the worker opens only
// what the run itself would be allowed to open.
import path from 'node:path';
import { constants } from 'node:fs';
import { fileAccessSync, type AccessOptions } from './containment.ts';
import { FilePrefetch, type Prefetched } from './file-prefetch.ts';
import { LIMITS } from '../limits.ts';

/** Below this many guessed files the read-ahead worker would not start anyway (one batch). */
const MIN_FILES = 256;

// `file:` as a YAML key (after a line start, indentation, `- `, `{` or `,`), then its scalar: double-
// or single-quoted without escapes, or plain up to a flow indicator, a comment or the line end.
const FILE_VALUE = /(?:^|[\s{,])file[ \t]*:[ \t]+(?:"([^"\\\n]+)"|'([^'\n]+)'|([^\s"'{}[\],#&*!|>%@`][^\s{}[\],#]*))/gm;

/** The `file:` values of a topology's text, each once, in the order they appear. Pure. */
export function fileValues(text: string): string[] {
  const out = new Set<string>();
  for (const m of text.matchAll(FILE_VALUE)) out.add((m[1] ?? m[2] ?? m[3])!);
  return [...out];
}

/** The files a preload started reading, by absolute path. */
export class Preload {
  readonly #slots: ReadonlyMap<string, number>;
  readonly #prefetch: FilePrefetch;

  constructor(paths: readonly string[], prefetch: FilePrefetch) {
    this.#slots = new Map(paths.map((p, i) => [p, i]));
    this.#prefetch = prefetch;
  }

  /** Whether it reads `absolute` (take it then, once); false: read it yourself. */
  has(absolute: string): boolean {
    return this.#prefetch.threaded && this.#slots.has(absolute);
  }

  /** What the worker made of `absolute`, or undefined: read it yourself. */
  async take(absolute: string): Promise<Prefetched | undefined> {
    const slot = this.#slots.get(absolute);
    return slot === undefined ? undefined : this.#prefetch.take(slot);
  }

  close(): void {
    this.#prefetch.close();
  }
}

/**
 * Starts reading the certificate files a topology's text seems to reference (relative to the
 * topology's folder), those in folders `access` allows; undefined when there are too few to be worth a
 * thread or the platform cannot open without following a symlink. Synchronous, so the worker starts
 * before the main thread turns to parsing. The caller closes it.
 */
export function preloadCertificateFiles(text: string, topologyFile: string, access: AccessOptions = {}): Preload | undefined {
  if (constants.O_NOFOLLOW === undefined || access.followSymlinks || process.env.RC_NO_PRELOAD) return undefined;
  const values = fileValues(text);
  if (values.length < MIN_FILES) return undefined;
  const dir = path.dirname(topologyFile);
  const policy = fileAccessSync(dir, access);
  const paths = [...new Set(values.map((v) => path.resolve(dir, v)))].filter((p) => !/\.(ya?ml|json)$/i.test(p) && !policy.folderRefusalSync(p));
  if (paths.length < MIN_FILES) return undefined;
  return new Preload(paths, new FilePrefetch(paths, { limit: LIMITS.maxCertFileBytes, scan: true, maxBlocks: LIMITS.maxBlocksPerFile }));
}

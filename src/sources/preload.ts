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
import { takeBackground } from './background.ts';
import { LIMITS } from '../limits.ts';
import { resolverIn } from '../topology/resolve.ts';

/** Below this many guessed files the read-ahead worker would not start anyway (one batch). */
const MIN_FILES = 256;

/** `file:` as a YAML key: after a line start, indentation, `- `, `{` or `,`. */
const KEY = 'file:';
const isKeyStart = (c: number): boolean => Number.isNaN(c) || c === 0x20 || c === 0x09 || c === 0x0a || c === 0x0d || c === 0x7b || c === 0x2c;
/** Characters that end a plain scalar here (a flow indicator, a comment, space or line end). */
const ENDS_PLAIN = new Set([0x20, 0x09, 0x0a, 0x0d, 0x2c, 0x7b, 0x7d, 0x5b, 0x5d, 0x23]);
/** Characters a plain scalar cannot start with (indicators); such a value is left to the parser. */
const NOT_PLAIN_START = new Set([...ENDS_PLAIN, 0x22, 0x27, 0x26, 0x2a, 0x21, 0x7c, 0x3e, 0x25, 0x40, 0x60]);

/** The `file:` values of a topology's text, each once, in the order they appear: plain scalars, and quoted ones without escapes. Pure. */
export function fileValues(text: string): string[] {
  const out = new Set<string>();
  for (let at = text.indexOf(KEY); at >= 0; at = text.indexOf(KEY, at + KEY.length)) {
    if (!isKeyStart(text.charCodeAt(at - 1))) continue;
    let i = at + KEY.length;
    if (text.charCodeAt(i) !== 0x20 && text.charCodeAt(i) !== 0x09) continue;
    while (text.charCodeAt(i) === 0x20 || text.charCodeAt(i) === 0x09) i++;
    const quote = text.charCodeAt(i);
    let start = i;
    let end: number;
    if (quote === 0x22 || quote === 0x27) {
      start = ++i;
      while (i < text.length && text.charCodeAt(i) !== quote && text.charCodeAt(i) !== 0x0a && text.charCodeAt(i) !== 0x5c) i++;
      if (text.charCodeAt(i) !== quote) continue; // an escape or no closing quote: left to the parser
      end = i;
    } else {
      if (i >= text.length || NOT_PLAIN_START.has(text.charCodeAt(i))) continue;
      while (i < text.length && !ENDS_PLAIN.has(text.charCodeAt(i))) i++;
      end = i;
    }
    if (end > start) out.add(text.slice(start, end));
  }
  return [...out];
}

/** The files a preload started reading, by absolute path. */
export class Preload {
  /** The thread reading them: the rest of the run's background work shares it. */
  readonly thread = takeBackground();
  readonly #slots: ReadonlyMap<string, number>;
  readonly #prefetch: FilePrefetch;

  constructor(paths: readonly string[], batch?: number) {
    this.#slots = new Map(paths.map((p, i) => [p, i]));
    this.#prefetch = new FilePrefetch(paths, { limit: LIMITS.maxCertFileBytes, scan: true, maxBlocks: LIMITS.maxBlocksPerFile, thread: this.thread, ...(batch !== undefined && { batch }) });
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
    this.thread.close();
  }
}

/**
 * Starts reading the certificate files a topology's text seems to reference (relative to the
 * topology's folder), those in folders `access` allows; undefined when there are too few to be worth a
 * thread or the platform cannot open without following a symlink. Synchronous, so the worker starts
 * before the main thread turns to parsing. The caller closes it.
 */
export function preloadCertificateFiles(
  topologyText: string,
  topologyFile: string,
  access: AccessOptions = {},
  tuning: { minFiles?: number; batch?: number } = {},
): Preload | undefined {
  const minFiles = tuning.minFiles ?? MIN_FILES;
  if (constants.O_NOFOLLOW === undefined || access.followSymlinks) return undefined;
  const values = fileValues(topologyText);
  if (values.length < minFiles) return undefined;
  const dir = path.dirname(topologyFile);
  const policy = fileAccessSync(dir, access);
  const resolve = resolverIn(dir);
  // Asked once per folder: beyond its folder, only whether a path is the repository itself matters
  // ('.' and '..' are resolved away).
  const refusals = new Map<string, boolean>();
  const refused = (p: string): boolean => {
    if (p === policy.root) return true;
    const folder = p.slice(0, Math.max(1, p.lastIndexOf(path.sep)));
    let r = refusals.get(folder);
    if (r === undefined) refusals.set(folder, (r = policy.folderRefusalSync(p) !== undefined));
    return r;
  };
  const paths = [...new Set(values.map(resolve))].filter((p) => !/\.(ya?ml|json)$/i.test(p) && !refused(p));
  if (paths.length < minFiles) return undefined;
  return new Preload(paths, tuning.batch);
}

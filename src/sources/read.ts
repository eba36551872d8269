// Reading a file rc-policy was pointed at, without trusting it: at most `limit` bytes are ever read
// (a multi-gigabyte file or /dev/zero cannot exhaust memory), and a referenced path must be a
// regular file (a FIFO would block forever, a device never ends).
import { closeSync, constants, fstatSync, openSync, readSync, type Stats } from 'node:fs';

/** The file was opened but refused; the message is the one-line reason. */
export class ReadRefused extends Error {
  override readonly name = 'ReadRefused';
  /** The path is a symlink and the read was asked not to follow one. */
  readonly symlink: boolean;
  constructor(message: string, o: { symlink?: boolean } = {}) {
    super(message);
    this.symlink = o.symlink ?? false;
  }
}

export interface ReadOptions {
  /** Most bytes to accept; one more is a refusal. */
  readonly limit: number;
  /** Refuse anything but a regular file (for paths that come from the input, not the command line). */
  readonly regularOnly?: boolean;
  /** Refuse a symlink as the last path component (O_NOFOLLOW, where the platform has it). */
  readonly noFollow?: boolean;
}

const CHUNK = 64 * 1024;

// O_NONBLOCK: opening a FIFO would otherwise wait for a writer before we can see what it is.
const flagsFor = (o: ReadOptions): number =>
  constants.O_RDONLY | (o.regularOnly ? (constants.O_NONBLOCK ?? 0) : 0) | (o.noFollow ? (constants.O_NOFOLLOW ?? 0) : 0);

function checkStat(st: Stats, o: ReadOptions): void {
  if (st.isDirectory()) throw Object.assign(new Error('is a directory'), { code: 'EISDIR' });
  if (o.regularOnly && !st.isFile()) throw new ReadRefused('refused: not a regular file');
  if (st.isFile() && st.size > o.limit) throw new ReadRefused(tooLarge(`${st.size} bytes`, o.limit));
}

/**
 * The same as readBounded, synchronously: for thousands of small certificate files the thread-pool
 * round trips of async reads cost ~10x the reads themselves (docs/decisions/0062).
 */
export function readBoundedSync(absolute: string, o: ReadOptions): Buffer {
  let fd: number;
  try {
    fd = openSync(absolute, flagsFor(o));
  } catch (err) {
    if (o.noFollow && (err as NodeJS.ErrnoException).code === 'ELOOP') throw new ReadRefused('refused: is a symlink', { symlink: true });
    throw err;
  }
  try {
    const st = fstatSync(fd);
    checkStat(st, o);
    const chunks: Buffer[] = [];
    let total = 0;
    const size = st.isFile() && st.size > 0 ? st.size + 1 : CHUNK;
    for (;;) {
      const buf = Buffer.allocUnsafe(Math.min(size, o.limit + 1 - total));
      let bytesRead: number;
      try {
        bytesRead = readSync(fd, buf, 0, buf.length, null);
      } catch (err) {
        if ((err as NodeJS.ErrnoException).code === 'EAGAIN') break; // a non-regular file with nothing to read
        throw err;
      }
      if (bytesRead === 0) break;
      chunks.push(buf.subarray(0, bytesRead));
      total += bytesRead;
      if (total > o.limit) throw new ReadRefused(tooLarge(`more than ${o.limit} bytes`, o.limit));
      // A regular file returns less than asked only at its end: no second read to learn that.
      if (st.isFile() && bytesRead < buf.length) break;
    }
    return chunks.length === 1 ? chunks[0]! : Buffer.concat(chunks, total);
  } finally {
    closeSync(fd);
  }
}

/** readBoundedSync behind a promise, for callers on async paths (one config file at a time). */
export async function readBounded(absolute: string, o: ReadOptions): Promise<Buffer> {
  return readBoundedSync(absolute, o);
}

const tooLarge = (size: string, limit: number): string => `file is ${size}; the limit is ${limit} bytes`;

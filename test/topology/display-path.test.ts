// displayPath's fast path (a file below the working directory, without path.relative) must show
// every path exactly as the path.relative formula does.
import path from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { displayPath } from '../../src/topology/load.ts';

const reference = (absolute: string, cwd: string): string => {
  const rel = path.relative(cwd, absolute);
  const shown = rel && !rel.startsWith('..') && !path.isAbsolute(rel) ? rel : absolute;
  return shown.split(path.sep).join('/');
};

describe('displayPath', () => {
  it.each([
    ['/a/b/c.pem', '/a'],
    ['/a/b/c.pem', '/a/'],
    ['/a/b/c.pem', '/a/b/c.pem'],
    ['/a/b', '/a/b/c'],
    ['/a/bc/d', '/a/b'],
    ['/a/b/../c', '/a'],
    ['/a/./b', '/a'],
    ['/a/..b/c', '/a'],
    ['/x', '/'],
    ['/a/.hidden/x', '/a'],
  ])('shows %s from %s as path.relative does', (absolute, cwd) => {
    expect(displayPath(absolute, cwd)).toBe(reference(absolute, cwd));
  });

  it('agrees with path.relative on generated paths', () => {
    const segment = fc.constantFrom('a', 'b', 'c.pem', '..', '.', '..b', '.x', 'a b');
    const abs = fc.array(segment, { maxLength: 5 }).map((s) => `/${s.join('/')}`);
    fc.assert(
      fc.property(abs, abs, (absolute, cwd) => {
        expect(displayPath(absolute, cwd)).toBe(reference(absolute, cwd));
      }),
      { numRuns: 2000, seed: 6062 },
    );
  });
});

// The fuzz harness must notice what it is there to notice; otherwise "0 failures" proves nothing.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { InputError } from '../../src/errors.ts';
import { describeInput, fuzzTarget, judge, readInput, type FuzzTarget } from './harness.ts';

const target = (run: FuzzTarget<number, null>['run']): FuzzTarget<number, null> => ({
  name: 'probe',
  description: 'harness self-test',
  runs: { ci: 200, full: 200 },
  timeLimitMs: 1000,
  arbitrary: () => fc.integer({ min: 0, max: 99 }),
  run,
});

describe('fuzz harness', () => {
  it('counts every input and every crash, without stopping at the first', async () => {
    const r = await fuzzTarget(
      target((n) => {
        if (n % 10 === 0) throw new TypeError('boom');
        return {};
      }),
      null,
      { seed: 1, numRuns: 200 },
    );
    expect(r.ran).toBe(200);
    expect(r.failed).toBeGreaterThan(5);
    expect(r.failures[0]!.reason).toMatch(/^uncaught TypeError: boom/);
  });

  it('accepts a one-line InputError and rejects a multi-line one', async () => {
    expect(await judge(() => { throw new InputError('x.yaml is not valid UTF-8 text'); }, 1000)).toBeUndefined();
    const forged = new InputError('fine');
    Object.defineProperty(forged, 'message', { value: 'line one\n::error::forged' });
    expect(await judge(() => { throw forged; }, 1000)).toMatch(/not one printable line/);
  });

  it('rejects unprintable output lines, target violations and slow inputs', async () => {
    expect(await judge(() => ({ lines: ['ok', 'bad \u001b[2J'] }), 1000)).toMatch(/not printable/);
    expect(await judge(() => ({ violations: ['store.p12 was not flagged as PKCS#12'] }), 1000)).toBe('store.p12 was not flagged as PKCS#12');
    expect(
      await judge(() => {
        const end = Date.now() + 60;
        while (Date.now() < end);
        return {};
      }, 20),
    ).toMatch(/^took \d+ ms/);
  });

  it('saves an input whole and reads it back for --replay', () => {
    const input = { bytes: new Uint8Array([0, 1, 255]), name: 'store.p12', nested: [{ b: new Uint8Array([9]) }] };
    expect(readInput(describeInput(input))).toEqual(input);
    expect(readInput(describeInput(new Uint8Array([7, 8])))).toEqual(new Uint8Array([7, 8]));
  });
});

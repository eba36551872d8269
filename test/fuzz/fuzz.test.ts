// The CI slice of the fuzzer: every target of test/fuzz/targets.ts with a fixed seed and a few
// thousand inputs in all (npm run fuzz runs 100,000+). Each input must end in findings or a
// one-line InputError: no crash, no unprintable line, no input slower than its bound.
import { beforeAll, describe, expect, it } from 'vitest';
import { fuzzTarget } from './harness.ts';
import { TARGETS, fuzzContext, type FuzzContext } from './targets.ts';

const SEED = 20_261_201;

let ctx: FuzzContext;
beforeAll(async () => {
  ctx = await fuzzContext();
});

describe('fuzz slice (fixed seed)', () => {
  it('covers thousands of inputs across every loader', () => {
    const total = TARGETS.reduce((n, t) => n + t.runs.ci, 0);
    expect(total).toBeGreaterThanOrEqual(5000);
    expect(TARGETS.map((t) => t.name)).toEqual(
      expect.arrayContaining(['yaml-text', 'topology-grammar', 'certificate-der', 'certificate-pem', 'pkcs12', 'configmap', 'policy-pack', 'estate-files', 'waivers', 'verify-chain', 'tls-flight', 'check-files', 'check-args', 'cli', 'certificate-differential']),
    );
  });

  it.each(TARGETS.map((t) => [t.name, t] as const))('%s', async (_name, target) => {
    // A shared CI machine is slower than a laptop: triple the per-input time bounds here.
    const r = await fuzzTarget(target, ctx, { seed: SEED, numRuns: target.runs.ci, timeScale: 3 });
    expect(r.ran).toBe(target.runs.ci);
    expect(r.failures).toEqual([]);
  }, 180_000);
});

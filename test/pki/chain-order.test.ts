// Property: the verdict does not depend on the order of the pools, and the builder never throws,
// whatever subset of a tangled PKI (cross-signs, expired copies, decoys, a cycle) it is given.
import fc from 'fast-check';
import { beforeAll, describe, expect, it } from 'vitest';
import { issue, type Issued } from '../../src/pki/generate.ts';
import { validatePath } from '../../src/pki/chain.ts';
import type { Certificate } from '../../src/pki/cert.ts';

const T0 = new Date('2026-12-01T00:00:00Z');
const days = (n: number): Date => new Date(T0.getTime() + n * 86_400_000);
const LONG = { notBefore: days(-365), notAfter: days(3650) } as const;
const HOST = 'broker-us-1.company.com';

let leaf: Certificate;
let pool: Certificate[];
let anchors: Certificate[];

beforeAll(async () => {
  const oldRoot = await issue({ subject: 'CN=Root 2025', ca: true, ...LONG });
  const newRoot = await issue({ subject: 'CN=Root 2026', ca: true, ...LONG });
  const cross = await issue({ subject: 'CN=Root 2026', issuer: oldRoot, keys: newRoot.keys, ca: true, ...LONG });
  const expiredCross = await issue({ subject: 'CN=Root 2026', issuer: oldRoot, keys: newRoot.keys, ca: true, notBefore: days(-900), notAfter: days(-30) });
  const ica: Issued = await issue({ subject: 'CN=Issuing 2026', issuer: newRoot, ca: { pathLen: 0 }, ...LONG });
  const icaExpired = await issue({ subject: 'CN=Issuing 2026', issuer: newRoot, keys: ica.keys, ca: { pathLen: 0 }, notBefore: days(-900), notAfter: days(-1) });
  const decoy = await issue({ subject: 'CN=Issuing 2026', issuer: oldRoot, ca: true, ...LONG });
  const loopA = await issue({ subject: 'CN=Loop A', ca: true, ...LONG });
  const loopB = await issue({ subject: 'CN=Loop B', issuer: loopA, ca: true, ...LONG });
  const loopAbyB = await issue({ subject: 'CN=Loop A', issuer: loopB, keys: loopA.keys, ca: true, ...LONG });
  leaf = (await issue({ subject: `CN=${HOST}`, issuer: ica, dns: [HOST], eku: ['serverAuth'], notBefore: days(-1), notAfter: days(90) })).cert;
  pool = [newRoot, cross, expiredCross, ica, icaExpired, decoy, loopA, loopB, loopAbyB].map((i) => i.cert);
  anchors = [oldRoot, newRoot, loopA].map((i) => i.cert);
});

describe('validatePath under reordering and subsets', () => {
  it('gives the same verdict for any order of the same pools', () => {
    fc.assert(
      fc.property(
        fc.subarray([0, 1, 2, 3, 4, 5, 6, 7, 8]),
        fc.subarray([0, 1, 2], { minLength: 1 }),
        fc.nat(),
        (inter, trust, seed) => {
          const pick = (all: Certificate[], idx: number[]) => idx.map((i) => all[i]!);
          const shuffle = <T>(xs: T[]): T[] => xs.map((x, i) => [((seed + 1) * (i + 7919)) % 104729, x] as const).sort((a, b) => a[0] - b[0]).map(([, x]) => x);
          const o = { at: T0, hostname: HOST, purpose: 'serverAuth' } as const;
          const a = validatePath(leaf, pick(pool, inter), pick(anchors, trust), o);
          const b = validatePath(leaf, shuffle(pick(pool, inter).reverse()), shuffle(pick(anchors, trust)), o);
          expect(b.ok).toBe(a.ok);
          // A valid path exists exactly when the issuing CA is offered and something reaches a trusted root.
          const hasIca = inter.includes(3);
          const reaches = trust.includes(1) || (trust.includes(0) && inter.includes(1));
          expect(a.ok).toBe(hasIca && reaches);
          if (!a.ok) expect(a.errors.length).toBeGreaterThan(0);
        },
      ),
      { numRuns: 150 },
    );
  });
});

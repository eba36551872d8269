// readTime reads the 13 or 15 bytes of a time without a TextDecoder. Whatever the bytes, it must accept
// exactly the times RFC 5280 allows (YYMMDDHHMMSSZ, YYYYMMDDHHMMSSZ, a real date) and read their value.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { DerError, Tag, readTime } from '../../src/pki/der.ts';

const outcome = (bytes: Uint8Array, tag: number): string => {
  const buf = new Uint8Array([tag, bytes.length, ...bytes]);
  try {
    return readTime(buf, { tag, start: 0, body: 2, end: buf.length }).toISOString();
  } catch (err) {
    if (!(err instanceof DerError)) throw err;
    return 'error';
  }
};

/** The rule, written independently: the text (decoded by TextDecoder), its shape, then a real date. */
function expected(bytes: Uint8Array, tag: number): string {
  const text = new TextDecoder('latin1').decode(bytes);
  const m = (tag === Tag.UTCTime ? /^(\d{2})(\d{2})(\d{2})(\d{2})(\d{2})(\d{2})Z$/ : /^(\d{4})(\d{2})(\d{2})(\d{2})(\d{2})(\d{2})Z$/).exec(text);
  if (!m) return 'error';
  const [y, mo, d, h, mi, s] = m.slice(1).map(Number) as [number, number, number, number, number, number];
  const year = tag === Tag.UTCTime ? (y >= 50 ? 1900 + y : 2000 + y) : y;
  const date = new Date(Date.UTC(2000, mo - 1, d, h, mi, s));
  date.setUTCFullYear(year);
  if (date.getUTCMonth() !== mo - 1 || date.getUTCDate() !== d || h > 23 || mi > 59 || s > 59) return 'error';
  return date.toISOString();
}

const timeLike = fc
  .tuple(fc.integer({ min: 0, max: 9999 }), fc.integer({ min: 0, max: 13 }), fc.integer({ min: 0, max: 32 }), fc.integer({ min: 0, max: 24 }), fc.integer({ min: 0, max: 60 }), fc.integer({ min: 0, max: 60 }))
  .chain(([y, ...rest]) =>
    fc.constantFrom(4, 2).map((width) => new TextEncoder().encode(`${String(y).padStart(4, '0').slice(4 - width)}${rest.map((n) => String(n).padStart(2, '0')).join('')}Z`)),
  );
const noisy = fc.uint8Array({ minLength: 0, maxLength: 20 }).map((b) => b.map((x) => (x % 4 === 0 ? x : 0x30 + (x % 10))));
// A valid-looking time with one byte replaced: a lowercase 'z', a sign, a non-ASCII byte ('²', 'Ú').
const oneByteOff = fc.tuple(timeLike, fc.nat(), fc.constantFrom(0x5a, 0x7a, 0xda, 0xb2, 0x2b, 0x2d, 0x20, 0x80, 0x30, 0x39)).map(([b, i, x]) => {
  const c = b.slice();
  c[i % c.length] = x;
  return c;
});

describe('readTime', () => {
  it('accepts exactly the valid UTCTime and GeneralizedTime encodings, with their value', () => {
    let accepted = 0;
    fc.assert(
      fc.property(fc.oneof(timeLike, noisy, oneByteOff), fc.constantFrom(Tag.UTCTime, Tag.GeneralizedTime), (bytes, tag) => {
        const got = outcome(bytes, tag);
        if (got !== 'error') accepted++;
        expect(got).toBe(expected(bytes, tag));
      }),
      { numRuns: 3000, seed: 111 },
    );
    expect(accepted).toBeGreaterThan(300); // not vacuous
  });
});

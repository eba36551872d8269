// sameName compares attribute values without building their prepared (case- and space-folded) forms
// when they are ASCII. Whatever the names, it must give the answer of the plain definition: values
// equal after toLowerCase, runs of \s made one space, and trim (the reference below).
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { type Attribute, type DistinguishedName, sameName } from '../../src/pki/dn.ts';

const prepare = (v: string): string => v.toLowerCase().replace(/\s+/g, ' ').trim();

function referenceAttributes(a: readonly Attribute[], b: readonly Attribute[]): boolean {
  if (a.length !== b.length) return false;
  const rest = [...b];
  for (const x of a) {
    const i = rest.findIndex((y) => y.type === x.type && x.value !== '#' && y.value !== '#' && (y.value === x.value || prepare(y.value) === prepare(x.value)));
    if (i < 0) return false;
    rest.splice(i, 1);
  }
  return true;
}

function referenceSameName(a: DistinguishedName, b: DistinguishedName): boolean {
  if (a === b || Buffer.compare(a.der, b.der) === 0) return true;
  if (a.rdns.length !== b.rdns.length) return false;
  return a.rdns.every((rdn, i) => referenceAttributes(rdn, b.rdns[i]!));
}

const TYPES = ['2.5.4.3', '2.5.4.10', '2.5.4.11'];
// Case, every ASCII space \s knows, Unicode spaces and case (NBSP, U+2028, dotted I, sharp s), '#'.
const CHARS = ['a', 'A', 'b', 'B', 'k', 'K', 'z', 'Z', '0', '-', ' ', '\t', '\n', '\v', '\f', '\r', '\u00a0', '\u2028', '\ufeff', '\u0130', '\u212a', '\u03a3', 'i', '\u00df', 'É', 'é', '#', '@', '[', '`', '{'];
const value = fc.oneof(
  fc.array(fc.constantFrom(...CHARS), { maxLength: 8 }).map((cs) => cs.join('')),
  fc.constantFrom('#', '', ' ', 'CA', ' ca ', 'c  a', 'Issuing CA r00', 'issuing ca r01'),
);
const attribute = fc.record({ type: fc.constantFrom(...TYPES), value });
const rdns = fc.array(fc.array(attribute, { minLength: 1, maxLength: 3 }), { maxLength: 3 });
let serial = 0;
// Distinct DER per name object, so that sameName never answers from equal bytes.
const name = (r: Attribute[][]): DistinguishedName => ({ der: new Uint8Array([0x30, serial++ & 0xff, (serial >> 8) & 0xff]), rdns: r });

describe('sameName', () => {
  it('agrees with the definition on random names', () => {
    fc.assert(
      fc.property(rdns, rdns, (a, b) => {
        const x = name(a);
        const y = name(b);
        expect(sameName(x, y)).toBe(referenceSameName(x, y));
        expect(sameName(y, x)).toBe(referenceSameName(y, x));
      }),
      { numRuns: 5000, seed: 14 },
    );
  });

  it('agrees with the definition on values written differently from the same words', () => {
    // The same words in either case, separated and surrounded by runs of ASCII or Unicode space:
    // equal after folding unless a Unicode character folds differently.
    const WORDS = ['ca', 'Issuing', 'r00', 'k', '\u212a', '\u0130', 'i', '\u00e9', '\u00c9', '\u00df', '\u03a3', 'a\u03a3'];
    const SPACES = ['', ' ', '  ', '\t', ' \n ', '\u00a0', ' \u00a0', '\u2028', '\ufeff', '\u3000'];
    const writing = (words: string[]) =>
      fc
        .tuple(fc.constantFrom(...SPACES), fc.array(fc.constantFrom(...SPACES.slice(1)), { minLength: words.length, maxLength: words.length }), fc.array(fc.boolean(), { minLength: words.length, maxLength: words.length }))
        .map(([lead, gaps, upper]) => lead + words.map((w, i) => (upper[i] ? w.toUpperCase() : w) + gaps[i]).join(''));
    const pair = fc.array(fc.constantFrom(...WORDS), { minLength: 1, maxLength: 4 }).chain((words) => fc.tuple(writing(words), writing(words)));
    let equal = 0;
    fc.assert(
      fc.property(pair, ([a, b]) => {
        const x = name([[{ type: '2.5.4.3', value: a }]]);
        const y = name([[{ type: '2.5.4.3', value: b }]]);
        const expected = referenceSameName(x, y);
        expect(sameName(x, y)).toBe(expected);
        if (expected) equal++;
      }),
      { numRuns: 5000, seed: 14 },
    );
    expect(equal).toBeGreaterThan(1000);
  });

  it('matches names that differ only in case, whitespace and attribute order inside an RDN', () => {
    const a = name([[{ type: '2.5.4.10', value: 'Company' }], [{ type: '2.5.4.3', value: 'Issuing  CA' }, { type: '2.5.4.11', value: 'Ops' }]]);
    const b = name([[{ type: '2.5.4.10', value: ' company' }], [{ type: '2.5.4.11', value: 'OPS' }, { type: '2.5.4.3', value: 'issuing\tca ' }]]);
    expect(sameName(a, b)).toBe(true);
    const c = name([[{ type: '2.5.4.10', value: 'Company' }], [{ type: '2.5.4.3', value: 'Issuing CA 2' }, { type: '2.5.4.11', value: 'Ops' }]]);
    expect(sameName(a, c)).toBe(false);
    expect(sameName(name([[{ type: '2.5.4.3', value: 'Issuing CA' }]]), name([[{ type: '2.5.4.3', value: 'IssuingCA' }]]))).toBe(false);
  });

  it('never matches a structured value, unless the DER is identical', () => {
    const a = name([[{ type: '2.5.4.3', value: '#' }]]);
    const b = name([[{ type: '2.5.4.3', value: '#' }]]);
    expect(sameName(a, b)).toBe(false);
    expect(sameName(a, { der: a.der, rdns: a.rdns })).toBe(true);
  });
});

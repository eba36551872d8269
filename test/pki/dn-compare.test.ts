// sameName answers from a key cached per name (sorted, prepared attribute values) instead of comparing
// RDN by RDN each time. Whatever the names, it must give the answer of the RDN-by-RDN comparison.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { type Attribute, type DistinguishedName, sameName, sameRdns } from '../../src/pki/dn.ts';

const TYPES = ['2.5.4.3', '2.5.4.10', '2.5.4.11', '2.5.4.6'];
// Case, inner and outer whitespace, a structured value ('#'), separators a naive key would confuse.
const VALUES = ['ca', 'CA', ' ca ', 'c  a', 'c a', '#', 'a,b', 'a","b', '', ' ', 'Ca\t', 'x+y', '[]'];

const attribute = fc.record({ type: fc.constantFrom(...TYPES), value: fc.constantFrom(...VALUES) });
const rdns = fc.array(fc.array(attribute, { minLength: 1, maxLength: 3 }), { maxLength: 3 });
let serial = 0;
// Distinct DER per name object, so that sameName never answers from equal bytes.
const name = (r: Attribute[][]): DistinguishedName => ({ der: new Uint8Array([0x30, serial++ & 0xff, serial >> 8]), rdns: r });

describe('sameName', () => {
  it('agrees with the RDN-by-RDN comparison', () => {
    fc.assert(
      fc.property(rdns, rdns, (a, b) => {
        const x = name(a);
        const y = name(b);
        expect(sameName(x, y)).toBe(sameRdns(x, y));
        expect(sameName(y, x)).toBe(sameRdns(y, x));
        // Asked again (the keys are now cached): the same answer.
        expect(sameName(x, y)).toBe(sameRdns(x, y));
      }),
      { numRuns: 5000 },
    );
  });

  it('matches names that differ only in case, whitespace and attribute order inside an RDN', () => {
    const a = name([[{ type: '2.5.4.10', value: 'Company' }], [{ type: '2.5.4.3', value: 'Issuing  CA' }, { type: '2.5.4.11', value: 'Ops' }]]);
    const b = name([[{ type: '2.5.4.10', value: ' company' }], [{ type: '2.5.4.11', value: 'OPS' }, { type: '2.5.4.3', value: 'issuing ca ' }]]);
    expect(sameName(a, b)).toBe(true);
    const c = name([[{ type: '2.5.4.10', value: 'Company' }], [{ type: '2.5.4.3', value: 'Issuing CA 2' }, { type: '2.5.4.11', value: 'Ops' }]]);
    expect(sameName(a, c)).toBe(false);
  });

  it('never matches a structured value, unless the DER is identical', () => {
    const a = name([[{ type: '2.5.4.3', value: '#' }]]);
    const b = name([[{ type: '2.5.4.3', value: '#' }]]);
    expect(sameName(a, b)).toBe(false);
    expect(sameName(a, { der: a.der, rdns: a.rdns })).toBe(true);
  });
});

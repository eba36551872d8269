// Host name matching (src/pki/names.ts) folds names without a regular expression and answers
// "does any SAN entry match" without building the list. Differential test against the definition it
// replaced: the regex-based normalisation and the filtered list.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { dnsNameMatches, hasMatchingDnsName, matchingDnsNames } from '../../src/pki/names.ts';
import type { Certificate } from '../../src/pki/cert.ts';

const normalise = (name: string): string => name.toLowerCase().replace(/\.$/, '');
const LABEL = /^[a-z0-9_]([a-z0-9_-]*[a-z0-9_])?$/;
function validHost(host: string): boolean {
  const h = normalise(host);
  if (h.length === 0 || h.length > 253) return false;
  if (/^[0-9.]+$/.test(h) || h.includes(':')) return false;
  return h.split('.').every((l) => l.length <= 63 && LABEL.test(l));
}
function referenceMatches(pattern: string, host: string): boolean {
  const p = normalise(pattern);
  const h = normalise(host);
  if (!validHost(h) || p.length === 0) return false;
  if (!p.includes('*')) return p === h;
  const [first, ...rest] = p.split('.');
  if (first !== '*' || rest.length < 2 || rest.some((l) => l.includes('*') || !LABEL.test(l))) return false;
  const hostLabels = h.split('.');
  if (hostLabels.length !== rest.length + 1) return false;
  return hostLabels.slice(1).join('.') === rest.join('.');
}

const label = fc.constantFrom('a', 'B', 'broker-1', '*', 'x_y', '1', '', 'é', '\n', 'EXAMPLE');
const name = fc.array(label, { minLength: 1, maxLength: 4 }).chain((ls) => fc.constantFrom(ls.join('.'), `${ls.join('.')}.`, `${ls.join('.')}..`, ls.join('.').toUpperCase()));

describe('host name matching', () => {
  it('agrees with the regex-based definition', () => {
    fc.assert(
      fc.property(name, name, (pattern, host) => {
        expect(dnsNameMatches(pattern, host)).toBe(referenceMatches(pattern, host));
      }),
      { numRuns: 10000, seed: 14 },
    );
  });

  it('hasMatchingDnsName is whether matchingDnsNames finds any', () => {
    fc.assert(
      fc.property(fc.array(name, { maxLength: 4 }), name, (dnsNames, host) => {
        const cert = { dnsNames } as unknown as Certificate;
        expect(hasMatchingDnsName(cert, host)).toBe(matchingDnsNames(cert, host).length > 0);
        expect(matchingDnsNames(cert, host)).toEqual(dnsNames.filter((n) => referenceMatches(n, host)));
      }),
      { numRuns: 3000, seed: 14 },
    );
  });
});

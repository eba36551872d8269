// resolveTopology joins a certificate file's plain relative name to the topology's folder itself
// instead of calling path.resolve (src/topology/resolve.ts, resolverIn). Whatever the folder and the
// name, the result must be path.resolve's.
import path from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { resolverIn } from '../../src/topology/resolve.ts';

const segment = fc.constantFrom('a', 'leaves', 'broker-1.pem', '.', '..', '...', '.pem', '', 'x y', 'é', '\\', '~');
const name = fc.array(segment, { maxLength: 5 }).chain((parts) => fc.constantFrom(parts.join('/'), `/${parts.join('/')}`, `${parts.join('/')}/`, parts.join('//')));
const folder = fc.constantFrom('/', '/tmp', '/tmp/rcbench-10000', '/a/b/', '/a//b', '/a/./b', '/a/../b', 'relative/dir', '.');

describe('resolverIn', () => {
  it('gives what path.resolve gives', () => {
    fc.assert(
      fc.property(folder, name, (dir, file) => {
        expect(resolverIn(dir)(file)).toBe(path.resolve(dir, file));
      }),
      { numRuns: 5000, seed: 14 },
    );
  });

  it('takes the short way for the usual names', () => {
    expect(resolverIn('/tmp/estate')('leaves/broker-1.pem')).toBe('/tmp/estate/leaves/broker-1.pem');
    expect(resolverIn('/')('pki/root.pem')).toBe('/pki/root.pem');
    expect(resolverIn('/tmp/estate')('../pki/root.pem')).toBe('/tmp/pki/root.pem');
  });
});

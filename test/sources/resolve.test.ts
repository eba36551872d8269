import { describe, expect, it } from 'vitest';
import { parseResolve, Resolver } from '../../src/sources/resolve.ts';

describe('--resolve host:port:address', () => {
  it.each([
    ['broker-us-1.company.com:443:10.0.1.4', { host: 'broker-us-1.company.com', port: 443, address: '10.0.1.4' }],
    ['Broker-US-1.Company.com.:443:10.0.1.4', { host: 'broker-us-1.company.com', port: 443, address: '10.0.1.4' }],
    ['broker:443:127.0.0.1:8443', { host: 'broker', port: 443, address: '127.0.0.1', connectPort: 8443 }],
    ['broker:443:[::1]', { host: 'broker', port: 443, address: '::1' }],
    ['broker:443:[::1]:8443', { host: 'broker', port: 443, address: '::1', connectPort: 8443 }],
    ['broker:443:2001:db8::1', { host: 'broker', port: 443, address: '2001:db8::1' }],
  ])('%s', (spec, entry) => expect(parseResolve(spec)).toEqual(entry));

  it.each([
    ['broker:443', /must be host:port:address/],
    ['+broker:443:10.0.0.1', /must be host:port:address/],
    ['broker:https:10.0.0.1', /'https' is not a port/],
    ['broker:443:10.0.0.1,10.0.0.2', /one address per --resolve/],
    ['broker:443:broker.internal', /not an IPv4 or \[IPv6\] address/],
    ['broker:443:10.0.0.1:0', /'0' is not a port/],
  ])('rejects %s', (spec, message) => expect(() => parseResolve(spec)).toThrow(message));

  it('matches host and port, case-insensitively', () => {
    const r = new Resolver([parseResolve('broker:443:127.0.0.1:8443')]);
    expect(r.find('BROKER', 443)).toEqual({ address: '127.0.0.1', port: 8443 });
    expect(r.find('broker', 8883)).toBeUndefined();
  });
});

import { describe, expect, it } from 'vitest';
import { readServerFlight, serverHandshakeSecret } from '../../src/sources/tls-transcript.ts';

const record = (type: number, body: Buffer) => Buffer.concat([Buffer.from([type, 3, 3, body.length >> 8, body.length & 0xff]), body]);
const handshake = (type: number, body: Buffer) => Buffer.concat([Buffer.from([type, body.length >> 16, (body.length >> 8) & 0xff, body.length & 0xff]), body]);
const u24 = (n: number) => Buffer.from([n >> 16, (n >> 8) & 0xff, n & 0xff]);
const serverHello12 = handshake(2, Buffer.concat([Buffer.from([3, 3]), Buffer.alloc(32, 7), Buffer.from([0]), Buffer.from([0xc0, 0x2f]), Buffer.from([0])]));
const certificate12 = (certs: Buffer[]) => {
  const list = Buffer.concat(certs.map((c) => Buffer.concat([u24(c.length), c])));
  return handshake(11, Buffer.concat([u24(list.length), list]));
};

describe('reading the server flight', () => {
  it('reads a TLS 1.2 Certificate message split across records, in order', () => {
    const messages = Buffer.concat([serverHello12, certificate12([Buffer.from('leaf'), Buffer.from('intermediate')]), handshake(13, Buffer.from([1, 1, 0, 0, 0, 0])), handshake(14, Buffer.alloc(0))]);
    const flight = readServerFlight(Buffer.concat([record(22, messages.subarray(0, 50)), record(22, messages.subarray(50))]));
    expect(flight.problem).toBeUndefined();
    expect(flight.version).toBe('TLSv1.2');
    expect(flight.certificates.map((c) => Buffer.from(c).toString())).toEqual(['leaf', 'intermediate']);
    expect(flight.certificateRequested).toBe(true);
  });

  it('says why when the flight is cut short or malformed, instead of inventing certificates', () => {
    const good = record(22, Buffer.concat([serverHello12, certificate12([Buffer.from('leaf')])]));
    const truncatedList = record(22, Buffer.concat([serverHello12, handshake(11, Buffer.concat([u24(100), Buffer.from('short')]))]));
    expect(readServerFlight(good.subarray(0, good.length - 3)).certificates).toEqual([]);
    expect(readServerFlight(truncatedList).problem).toBe('truncated certificate_list');
    const tls13WithoutSecret = record(
      22,
      handshake(2, Buffer.concat([Buffer.from([3, 3]), Buffer.alloc(32, 1), Buffer.from([0, 0x13, 0x01, 0]), Buffer.from([0, 6, 0, 0x2b, 0, 2, 3, 4])])),
    );
    expect(readServerFlight(Buffer.concat([tls13WithoutSecret, record(23, Buffer.alloc(40))])).problem).toBe('no TLS 1.3 handshake secret to read the encrypted server handshake');
    expect(readServerFlight(Buffer.concat([tls13WithoutSecret, record(23, Buffer.alloc(40))]), Buffer.alloc(32, 9)).problem).toMatch(/cannot decrypt/);
  });

  it('picks the server handshake secret out of the key log', () => {
    const lines = ['CLIENT_HANDSHAKE_TRAFFIC_SECRET aa bb\n', 'SERVER_HANDSHAKE_TRAFFIC_SECRET aa 0102ff\n'];
    expect(serverHandshakeSecret(lines)).toEqual(Buffer.from([1, 2, 255]));
    expect(serverHandshakeSecret([])).toBeUndefined();
  });
});

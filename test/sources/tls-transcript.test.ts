import { createCipheriv, createHmac } from 'node:crypto';
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

  it('reads a TLS 1.3 flight up to its Certificate, and decrypts nothing after it', () => {
    // TLS_AES_128_GCM_SHA256 record protection (RFC 8446 5.2, 7.3) with a made-up handshake secret.
    const secret = Buffer.alloc(32, 5);
    const expand = (label: string, length: number) => {
      const full = Buffer.from(`tls13 ${label}`);
      return createHmac('sha256', secret).update(Buffer.concat([Buffer.from([0, length, full.length]), full, Buffer.from([0, 1])])).digest().subarray(0, length);
    };
    const key = expand('key', 16);
    const iv = expand('iv', 12);
    const sealed = (seq: number, inner: Buffer) => {
      const plain = Buffer.concat([inner, Buffer.from([22])]);
      const nonce = Buffer.from(iv);
      nonce[11]! ^= seq;
      const header = Buffer.from([23, 3, 3, (plain.length + 16) >> 8, (plain.length + 16) & 0xff]);
      const cipher = createCipheriv('aes-128-gcm', key, nonce);
      cipher.setAAD(header);
      const body = Buffer.concat([cipher.update(plain), cipher.final(), cipher.getAuthTag()]);
      return Buffer.concat([header, body]);
    };
    const hello13 = record(22, handshake(2, Buffer.concat([Buffer.from([3, 3]), Buffer.alloc(32, 1), Buffer.from([0, 0x13, 0x01, 0]), Buffer.from([0, 6, 0, 0x2b, 0, 2, 3, 4])])));
    const entry = (c: Buffer) => Buffer.concat([u24(c.length), c, Buffer.from([0, 0])]);
    const list = Buffer.concat([entry(Buffer.from('leaf')), entry(Buffer.from('intermediate'))]);
    const flight = Buffer.concat([
      hello13,
      sealed(0, handshake(8, Buffer.from([0, 0]))), // EncryptedExtensions
      sealed(1, handshake(13, Buffer.from([0, 0, 0]))), // CertificateRequest
      sealed(2, handshake(11, Buffer.concat([Buffer.from([0]), u24(list.length), list]))),
      record(23, Buffer.alloc(40, 0xee)), // CertificateVerify onwards: not needed, so never decrypted
    ]);
    const read = readServerFlight(flight, secret);
    expect(read.problem).toBeUndefined();
    expect(read.version).toBe('TLSv1.3');
    expect(read.certificateRequested).toBe(true);
    expect(read.certificates.map((c) => Buffer.from(c).toString())).toEqual(['leaf', 'intermediate']);
  });

  it('picks the server handshake secret out of the key log', () => {
    const lines = ['CLIENT_HANDSHAKE_TRAFFIC_SECRET aa bb\n', 'SERVER_HANDSHAKE_TRAFFIC_SECRET aa 0102ff\n'];
    expect(serverHandshakeSecret(lines)).toEqual(Buffer.from([1, 2, 255]));
    expect(serverHandshakeSecret([])).toBeUndefined();
  });
});

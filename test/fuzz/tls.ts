// Server flights for the `tls-flight` target: what a live server (which the audit does not trust)
// sends up to the end of its first flight, built from certificates as TLS 1.2 in clear and TLS 1.3
// encrypted with a known handshake secret, so mutations of the messages reach the parser behind
// the decryption.
import { createCipheriv, createHmac } from 'node:crypto';

const u16 = (n: number) => Buffer.from([n >> 8, n & 0xff]);
const u24 = (n: number) => Buffer.from([n >> 16, (n >> 8) & 0xff, n & 0xff]);
const record = (type: number, body: Buffer) => Buffer.concat([Buffer.from([type, 3, 3]), u16(body.length), body]);
export const handshake = (type: number, body: Buffer) => Buffer.concat([Buffer.from([type]), u24(body.length), body]);

/** The TLS 1.3 SERVER_HANDSHAKE_TRAFFIC_SECRET the fuzzer encrypts with (SHA-256 suites). */
export const SECRET = Buffer.alloc(32, 0x5c);

function serverHello(tls13: boolean): Buffer {
  const base = Buffer.concat([u16(0x0303), Buffer.alloc(32, 7), Buffer.from([0]), u16(tls13 ? 0x1301 : 0xc02f), Buffer.from([0])]);
  if (!tls13) return handshake(2, base);
  const supportedVersions = Buffer.concat([u16(0x002b), u16(2), u16(0x0304)]);
  return handshake(2, Buffer.concat([base, u16(supportedVersions.length), supportedVersions]));
}

/** The handshake messages after ServerHello, as one plaintext stream. */
export function handshakeStream(certs: readonly Uint8Array[], tls13: boolean, requestCertificate: boolean): Buffer {
  const entries = certs.map((c) => Buffer.concat([u24(c.length), Buffer.from(c), ...(tls13 ? [u16(0)] : [])]));
  const list = Buffer.concat(entries);
  const certificate = handshake(11, Buffer.concat([...(tls13 ? [Buffer.from([0])] : []), u24(list.length), list]));
  const request = requestCertificate ? [handshake(13, tls13 ? Buffer.from([0, 0, 0]) : Buffer.from([1, 1, 0, 0, 0, 0]))] : [];
  if (!tls13) return Buffer.concat([certificate, ...request, handshake(14, Buffer.alloc(0))]);
  return Buffer.concat([handshake(8, u16(0)), ...request, certificate, handshake(15, Buffer.alloc(8, 1)), handshake(20, Buffer.alloc(32, 2))]);
}

function expandLabel(label: string, length: number): Buffer {
  const full = Buffer.from(`tls13 ${label}`, 'ascii');
  return createHmac('sha256', SECRET).update(Buffer.concat([u16(length), Buffer.from([full.length]), full, Buffer.from([0, 1])])).digest().subarray(0, length);
}

const KEY = expandLabel('key', 16);
const IV = expandLabel('iv', 12);

function encrypt(plain: Buffer, seq: number): Buffer {
  const key = KEY;
  const nonce = Buffer.from(IV);
  for (let i = 0; i < 8; i++) nonce[11 - i]! ^= Number((BigInt(seq) >> BigInt(8 * i)) & 0xffn);
  const inner = Buffer.concat([plain, Buffer.from([22])]);
  const cipher = createCipheriv('aes-128-gcm', key, nonce, { authTagLength: 16 });
  cipher.setAAD(Buffer.from([23, 3, 3, ...u16(inner.length + 16)]));
  return record(23, Buffer.concat([cipher.update(inner), cipher.final(), cipher.getAuthTag()]));
}

/** The wire bytes: ServerHello, then the stream cut into records of `split` bytes (encrypted for 1.3). */
export function serverFlight(stream: Buffer, tls13: boolean, split: number): Buffer {
  const size = Math.max(1, Math.min(split, 16_000));
  const chunks: Buffer[] = [];
  for (let i = 0; i < stream.length; i += size) chunks.push(stream.subarray(i, i + size));
  const records = tls13 ? [record(20, Buffer.from([1])), ...chunks.map((c, i) => encrypt(c, i))] : chunks.map((c) => record(22, c));
  return Buffer.concat([record(22, serverHello(tls13)), ...records]);
}

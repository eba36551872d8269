// Reads the server's side of a TLS handshake from the raw bytes a probe received, to learn exactly
// which certificates the server sent, in its order, and whether it asked for a client certificate.
// Node's getPeerCertificate() cannot tell: it reorders the chain along the validated path, drops
// served certificates that are not on it and may append issuers from the local store (ADR 0042).
// TLS 1.2 sends the Certificate message in clear; TLS 1.3 encrypts it with the server handshake
// traffic secret, which the probe gets from its own connection's 'keylog' event. Pure: no I/O.
import { createDecipheriv, createHmac, createSecretKey, type KeyObject } from 'node:crypto';
import { LIMITS } from '../limits.ts';

export interface ServerFlight {
  /** 'TLSv1.2' or 'TLSv1.3', from the ServerHello; undefined when none was seen. */
  readonly version?: 'TLSv1.2' | 'TLSv1.3';
  /** DER certificates in the order the server sent them. */
  readonly certificates: readonly Uint8Array[];
  readonly certificateRequested: boolean;
  /** Why the certificates could not be read, when they could not. */
  readonly problem?: string;
}

const ContentType = { ChangeCipherSpec: 20, Alert: 21, Handshake: 22, ApplicationData: 23 } as const;

const Hs = { ServerHello: 2, Certificate: 11, CertificateRequest: 13, ServerHelloDone: 14, Finished: 20, CompressedCertificate: 25 } as const;

/** ServerHello.random of a HelloRetryRequest (RFC 8446 4.1.3). */
const HRR_RANDOM = Buffer.from('cf21ad74e59a6111be1d8c021e65b891c2a211167abb8c5e079e09e2c8a8339c', 'hex');

interface Suite {
  readonly cipher: 'aes-128-gcm' | 'aes-256-gcm' | 'chacha20-poly1305' | 'aes-128-ccm';
  readonly hash: 'sha256' | 'sha384';
  readonly keyLength: number;
}

const TLS13_SUITES: Record<number, Suite> = {
  0x1301: { cipher: 'aes-128-gcm', hash: 'sha256', keyLength: 16 },
  0x1302: { cipher: 'aes-256-gcm', hash: 'sha384', keyLength: 32 },
  0x1303: { cipher: 'chacha20-poly1305', hash: 'sha256', keyLength: 32 },
  0x1304: { cipher: 'aes-128-ccm', hash: 'sha256', keyLength: 16 },
};

class TranscriptError extends Error {}

/** A bounds-checked reader over one buffer. */
class Reader {
  pos = 0;
  readonly buf: Buffer;
  constructor(buf: Buffer) {
    this.buf = buf;
  }
  get left(): number {
    return this.buf.length - this.pos;
  }
  take(n: number, what: string): Buffer {
    if (n > this.left) throw new TranscriptError(`truncated ${what}`);
    const out = this.buf.subarray(this.pos, this.pos + n);
    this.pos += n;
    return out;
  }
  u8(what: string): number {
    return this.take(1, what)[0]!;
  }
  u16(what: string): number {
    return this.take(2, what).readUInt16BE(0);
  }
  u24(what: string): number {
    return this.take(3, what).readUIntBE(0, 3);
  }
  vector(lengthBytes: 1 | 2 | 3, what: string): Buffer {
    const n = lengthBytes === 1 ? this.u8(what) : lengthBytes === 2 ? this.u16(what) : this.u24(what);
    return this.take(n, what);
  }
}

/**
 * Parses the bytes the server sent (as received on the wire, from the first byte) up to the end of
 * its first flight. `serverHandshakeSecret` is the TLS 1.3 SERVER_HANDSHAKE_TRAFFIC_SECRET.
 */
export function readServerFlight(received: Buffer, serverHandshakeSecret?: Buffer): ServerFlight {
  const state = { version: undefined as ServerFlight['version'], certificates: [] as Uint8Array[], certificateRequested: false };
  try {
    parse(received, serverHandshakeSecret, state);
    return state;
  } catch (err) {
    if (!(err instanceof TranscriptError)) throw err;
    return { ...state, problem: err.message };
  }
}

function parse(received: Buffer, secret: Buffer | undefined, out: { version: ServerFlight['version']; certificates: Uint8Array[]; certificateRequested: boolean }): void {
  const records = new Reader(received);
  let clear = Buffer.alloc(0); // plaintext handshake bytes not yet parsed into messages
  let suite: Suite | undefined;
  let keys: { key: KeyObject; iv: Buffer } | undefined;
  let seq = 0n;
  let done = false;

  const handshakeMessages = function* (): Generator<{ type: number; body: Buffer }> {
    while (clear.length >= 4) {
      const length = clear.readUIntBE(1, 3);
      if (length > LIMITS.maxHandshakeBytes) throw new TranscriptError(`handshake message of ${length} bytes`);
      if (clear.length < 4 + length) return;
      const msg = { type: clear[0]!, body: clear.subarray(4, 4 + length) };
      clear = clear.subarray(4 + length);
      yield msg;
    }
  };

  const onMessage = (type: number, body: Buffer): void => {
    switch (type) {
      case Hs.ServerHello: {
        const hello = readServerHello(body);
        if (hello.retry) return; // HelloRetryRequest: another ServerHello follows
        out.version = hello.version;
        if (hello.version === 'TLSv1.3') {
          suite = TLS13_SUITES[hello.cipherSuite];
          if (!suite) throw new TranscriptError(`unsupported TLS 1.3 cipher suite 0x${hello.cipherSuite.toString(16)}`);
        }
        return;
      }
      case Hs.Certificate:
        out.certificates = readCertificateList(body, out.version === 'TLSv1.3');
        // TLS 1.3 sends the CertificateRequest before the Certificate (RFC 8446 4.4): nothing after it
        // (CertificateVerify, Finished) is needed, and each further record would be one more decryption.
        if (out.version === 'TLSv1.3') done = true;
        return;
      case Hs.CompressedCertificate:
        // RFC 8879: only for a client that offered it, and Node's client does not.
        throw new TranscriptError('the server sent a compressed certificate message, which the probe never offered');
      case Hs.CertificateRequest:
        out.certificateRequested = true;
        return;
      case Hs.ServerHelloDone:
      case Hs.Finished:
        done = true;
        return;
      default:
        return;
    }
  };

  while (!done && records.left >= 5) {
    const type = records.u8('record');
    records.take(2, 'record version');
    const fragment = records.vector(2, 'record');
    if (type === ContentType.ChangeCipherSpec) continue; // TLS 1.3 middlebox compatibility, or TLS 1.2 switching to encryption
    if (type === ContentType.Alert) break;
    let content = fragment;
    if (out.version === 'TLSv1.3') {
      if (type !== ContentType.ApplicationData) throw new TranscriptError(`unexpected clear record of type ${type} after a TLS 1.3 ServerHello`);
      if (!secret) throw new TranscriptError('no TLS 1.3 handshake secret to read the encrypted server handshake');
      keys ??= trafficKeys(secret, suite!);
      const inner = decryptRecord(fragment, keys, suite!, seq++);
      if (inner.type === ContentType.Alert) break;
      if (inner.type !== ContentType.Handshake) continue;
      content = inner.content;
    } else if (type !== ContentType.Handshake) {
      break; // TLS 1.2 after ChangeCipherSpec: encrypted, and past the certificates anyway
    }
    clear = Buffer.concat([clear, content]);
    if (clear.length > LIMITS.maxHandshakeBytes) throw new TranscriptError(`more than ${LIMITS.maxHandshakeBytes} bytes of handshake`);
    for (const m of handshakeMessages()) {
      onMessage(m.type, m.body);
      if (done) break;
    }
  }
}

function readServerHello(body: Buffer): { version: 'TLSv1.2' | 'TLSv1.3'; cipherSuite: number; retry: boolean } {
  const r = new Reader(body);
  const legacyVersion = r.u16('ServerHello');
  const random = r.take(32, 'ServerHello random');
  r.vector(1, 'ServerHello session id');
  const cipherSuite = r.u16('ServerHello cipher suite');
  r.u8('ServerHello compression');
  if (legacyVersion !== 0x0303) throw new TranscriptError(`unsupported protocol version 0x${legacyVersion.toString(16)}`);
  let version: 'TLSv1.2' | 'TLSv1.3' = 'TLSv1.2';
  if (r.left > 0) {
    const exts = new Reader(r.vector(2, 'ServerHello extensions'));
    while (exts.left > 0) {
      const extType = exts.u16('extension');
      const data = exts.vector(2, 'extension');
      if (extType === 0x002b && data.length === 2 && data.readUInt16BE(0) === 0x0304) version = 'TLSv1.3';
    }
  }
  return { version, cipherSuite, retry: random.equals(HRR_RANDOM) };
}

function readCertificateList(body: Buffer, tls13: boolean): Uint8Array[] {
  const r = new Reader(body);
  if (tls13) r.vector(1, 'certificate_request_context');
  const list = new Reader(r.vector(3, 'certificate_list'));
  const certs: Uint8Array[] = [];
  while (list.left > 0) {
    certs.push(new Uint8Array(list.vector(3, 'certificate')));
    if (tls13) list.vector(2, 'certificate extensions');
    if (certs.length > LIMITS.maxBlocksPerFile) throw new TranscriptError(`more than ${LIMITS.maxBlocksPerFile} certificates`);
  }
  return certs;
}

/** HKDF-Expand-Label (RFC 8446 7.1) for outputs no longer than one hash block. */
function expandLabel(secret: KeyObject, label: string, length: number, hash: Suite['hash']): Buffer {
  const fullLabel = Buffer.from(`tls13 ${label}`, 'ascii');
  const info = Buffer.concat([Buffer.from([length >> 8, length & 0xff, fullLabel.length]), fullLabel, Buffer.from([0]), Buffer.from([1])]);
  return createHmac(hash, secret).update(info).digest().subarray(0, length);
}

// Keys are KeyObjects, made once per flight: Node turns a Buffer key into one on every createHmac
// and createDecipheriv, four times the cost of the operation itself on a handshake-sized record.
function trafficKeys(secret: Buffer, suite: Suite): { key: KeyObject; iv: Buffer } {
  const prk = createSecretKey(secret);
  return { key: createSecretKey(expandLabel(prk, 'key', suite.keyLength, suite.hash)), iv: expandLabel(prk, 'iv', 12, suite.hash) };
}

/** Decrypts one TLS 1.3 record (RFC 8446 5.2); returns the inner content type and content. */
function decryptRecord(fragment: Buffer, keys: { key: KeyObject; iv: Buffer }, suite: Suite, seq: bigint): { type: number; content: Buffer } {
  if (fragment.length < 17) throw new TranscriptError('encrypted record too short');
  const nonce = Buffer.from(keys.iv);
  for (let i = 0; i < 8; i++) nonce[11 - i]! ^= Number((seq >> BigInt(8 * i)) & 0xffn);
  const header = Buffer.from([ContentType.ApplicationData, 0x03, 0x03, fragment.length >> 8, fragment.length & 0xff]);
  let plain: Buffer;
  try {
    const decipher = createDecipheriv(suite.cipher, keys.key, nonce, { authTagLength: 16 } as never) as ReturnType<typeof createDecipheriv> & {
      setAAD(b: Buffer, o?: object): void;
      setAuthTag(b: Buffer): void;
    };
    decipher.setAuthTag(fragment.subarray(fragment.length - 16));
    decipher.setAAD(header, { plaintextLength: fragment.length - 16 });
    plain = Buffer.concat([decipher.update(fragment.subarray(0, fragment.length - 16)), decipher.final()]);
  } catch {
    throw new TranscriptError('cannot decrypt the server handshake (wrong secret or corrupted record)');
  }
  let end = plain.length;
  while (end > 0 && plain[end - 1] === 0) end--;
  if (end === 0) throw new TranscriptError('encrypted record without a content type');
  return { type: plain[end - 1]!, content: plain.subarray(0, end - 1) };
}

/** The SERVER_HANDSHAKE_TRAFFIC_SECRET from NSS key log lines (Node's 'keylog' event). */
export function serverHandshakeSecret(keylogLines: readonly string[]): Buffer | undefined {
  for (const line of keylogLines) {
    const [label, , secret] = line.trim().split(' ');
    if (label === 'SERVER_HANDSHAKE_TRAFFIC_SECRET' && secret) return Buffer.from(secret, 'hex');
  }
  return undefined;
}

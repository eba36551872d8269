// A strict, allocation-light DER reader. @peculiar/asn1-schema parses a certificate in ~450 µs;
// this walks one in a few µs, which is what makes 10,000-broker estates fast (docs/decisions/0002).
// It reads only what X.509 needs and rejects anything that is not canonical DER.

export class DerError extends Error {}

export interface Tlv {
  /** Full identifier octet (class, constructed bit and tag number). */
  readonly tag: number;
  readonly start: number;
  /** First byte of the contents. */
  readonly body: number;
  /** One past the last byte of the contents. */
  readonly end: number;
}

export const Tag = {
  BOOLEAN: 0x01,
  INTEGER: 0x02,
  BIT_STRING: 0x03,
  OCTET_STRING: 0x04,
  NULL: 0x05,
  OID: 0x06,
  UTF8String: 0x0c,
  SEQUENCE: 0x30,
  SET: 0x31,
  PrintableString: 0x13,
  T61String: 0x14,
  IA5String: 0x16,
  UTCTime: 0x17,
  GeneralizedTime: 0x18,
  UniversalString: 0x1c,
  BMPString: 0x1e,
} as const;

/** Context-specific tag number n, primitive or constructed. */
export const ctx = (n: number, constructed = false): number => 0x80 | (constructed ? 0x20 : 0) | n;

export function readTlv(buf: Uint8Array, offset: number, limit = buf.length): Tlv {
  const t = { tag: 0, start: 0, body: 0, end: 0 };
  readHeader(buf, offset, limit, t);
  return t;
}

/** Reads the element at `offset` (which must end by `limit`) into `into`; returns its end. */
function readHeader(buf: Uint8Array, offset: number, limit: number, into: { tag: number; start: number; body: number; end: number }): number {
  if (offset + 2 > limit) throw new DerError('truncated DER element');
  const tag = buf[offset]!;
  if ((tag & 0x1f) === 0x1f) throw new DerError('multi-byte DER tags are not supported');
  let len = buf[offset + 1]!;
  let body = offset + 2;
  if (len & 0x80) {
    const n = len & 0x7f;
    if (n === 0) throw new DerError('indefinite length is not DER');
    if (n > 4) throw new DerError('DER length too large');
    if (body + n > limit) throw new DerError('truncated DER length');
    len = 0;
    for (let i = 0; i < n; i++) len = len * 256 + buf[body + i]!;
    if (buf[body] === 0 || len < 0x80) throw new DerError('non-minimal DER length');
    body += n;
  }
  const end = body + len;
  if (end > limit) throw new DerError('DER element runs past its container');
  into.tag = tag;
  into.start = offset;
  into.body = body;
  into.end = end;
  return end;
}

/**
 * The children of a constructed element, read one at a time into the cursor's own fields: the cursor
 * is the Tlv of the current child, and no object is made per element (a certificate has ~80; at
 * 10,000 leaves they were most of the parse's garbage). Making the cursor checks the framing of every
 * child, as children() does, so a malformed input fails with the same error at the same point.
 * A child read this way is valid only until the next call to next().
 */
export class DerCursor implements Tlv {
  tag = 0;
  start = 0;
  body = 0;
  end = 0;
  /** How many children the element has. */
  count = 0;
  readonly #buf: Uint8Array;
  #limit = 0;
  #offset = 0;

  /** Without `parent`, the cursor has no children until reset(). */
  constructor(buf: Uint8Array, parent?: Tlv) {
    this.#buf = buf;
    if (parent) this.reset(parent);
  }

  /** Starts over on the children of `parent` (an element of the same buffer): one cursor for a loop. */
  reset(parent: Tlv): this {
    if (!(parent.tag & 0x20)) throw new DerError('expected a constructed element');
    const buf = this.#buf;
    const from = parent.body;
    const to = parent.end;
    let n = 0;
    for (let off = from; off < to; n++) off = readHeader(buf, off, to, this);
    this.count = n;
    this.#limit = to;
    this.#offset = from;
    return this;
  }

  /** Moves to the next child and returns the cursor, or undefined when there is none. */
  next(): this | undefined {
    if (this.#offset >= this.#limit) return undefined;
    this.#offset = readHeader(this.#buf, this.#offset, this.#limit, this);
    return this;
  }

  /** The current child as a Tlv of its own, for keeping past next(). */
  copy(): Tlv {
    return { tag: this.tag, start: this.start, body: this.body, end: this.end };
  }
}

/** Reads the single element that must fill buf exactly. */
export function readRoot(buf: Uint8Array): Tlv {
  const tlv = readTlv(buf, 0);
  if (tlv.end !== buf.length) throw new DerError('trailing bytes after DER element');
  return tlv;
}

export function children(buf: Uint8Array, parent: Tlv): Tlv[] {
  if (!(parent.tag & 0x20)) throw new DerError('expected a constructed element');
  const out: Tlv[] = [];
  for (let off = parent.body; off < parent.end; ) {
    const t = readTlv(buf, off, parent.end);
    out.push(t);
    off = t.end;
  }
  return out;
}

export function expectTag<T extends Tlv>(tlv: T | undefined, tag: number, what: string): T {
  if (!tlv || tlv.tag !== tag) throw new DerError(`${what}: unexpected DER structure`);
  return tlv;
}

export const bytes = (buf: Uint8Array, tlv: Tlv): Uint8Array => buf.subarray(tlv.body, tlv.end);
export const whole = (buf: Uint8Array, tlv: Tlv): Uint8Array => buf.subarray(tlv.start, tlv.end);

/** Decoded OIDs by a hash of their content bytes: a certificate holds ~15, nearly all the same few. */
const oidCache = new Map<number, { readonly bytes: Uint8Array; readonly oid: string }>();
const OID_CACHE_MAX = 4096;

export function readOid(buf: Uint8Array, tlv: Tlv): string {
  expectTag(tlv, Tag.OID, 'OID');
  if (tlv.end === tlv.body) throw new DerError('empty OID');
  // Only encodings that decoded cleanly are cached, so a hit is as valid as a fresh decode.
  let h = 0x811c9dc5 ^ (tlv.end - tlv.body);
  for (let i = tlv.body; i < tlv.end; i++) h = Math.imul(h ^ buf[i]!, 0x01000193);
  const hit = oidCache.get(h);
  if (hit && hit.bytes.length === tlv.end - tlv.body) {
    let same = true;
    for (let i = 0; same && i < hit.bytes.length; i++) same = hit.bytes[i] === buf[tlv.body + i];
    if (same) return hit.oid;
  }
  const oid = decodeOid(buf, tlv);
  if (!hit && oidCache.size < OID_CACHE_MAX) oidCache.set(h, { bytes: buf.slice(tlv.body, tlv.end), oid });
  return oid;
}

function decodeOid(buf: Uint8Array, tlv: Tlv): string {
  const parts: (number | bigint)[] = [];
  // Arcs past 2^53 (UUID arcs under 2.25) are decoded exactly as BigInt; a float would merge distinct OIDs.
  let value: number | bigint = 0;
  let start = true;
  for (let i = tlv.body; i < tlv.end; i++) {
    const b = buf[i]!;
    if (start && b === 0x80) throw new DerError('non-minimal OID arc');
    start = false;
    if (typeof value === 'number' && value >= 2 ** 45) value = BigInt(value);
    value = typeof value === 'bigint' ? value * 128n + BigInt(b & 0x7f) : value * 128 + (b & 0x7f);
    if (!(b & 0x80)) {
      if (parts.length === 0) {
        const first = value < 80 ? Math.floor(Number(value) / 40) : 2;
        parts.push(first, typeof value === 'bigint' ? value - BigInt(first * 40) : value - first * 40);
      } else parts.push(value);
      value = 0;
      start = true;
    }
  }
  if (buf[tlv.end - 1]! & 0x80) throw new DerError('truncated OID');
  return parts.join('.');
}

export function readBoolean(buf: Uint8Array, tlv: Tlv): boolean {
  expectTag(tlv, Tag.BOOLEAN, 'BOOLEAN');
  if (tlv.end - tlv.body !== 1) throw new DerError('BOOLEAN must be one byte');
  const v = buf[tlv.body]!;
  if (v !== 0 && v !== 0xff) throw new DerError('BOOLEAN must be 0x00 or 0xFF in DER');
  return v === 0xff;
}

/** A small non-negative INTEGER (pathLen, version, SkipCerts). */
export function readSmallInt(buf: Uint8Array, tlv: Tlv, tag: number = Tag.INTEGER): number {
  expectTag(tlv, tag, 'INTEGER');
  const len = tlv.end - tlv.body;
  if (len === 0) throw new DerError('empty INTEGER');
  if (len > 1 && buf[tlv.body] === 0 && !(buf[tlv.body + 1]! & 0x80)) throw new DerError('non-minimal INTEGER');
  if (buf[tlv.body]! & 0x80) throw new DerError('negative INTEGER where a count was expected');
  if (len > 6) throw new DerError('INTEGER too large');
  let v = 0;
  for (let i = tlv.body; i < tlv.end; i++) v = v * 256 + buf[i]!;
  return v;
}

/** The bits of a BIT STRING, bit 0 first (as KeyUsage numbers them). */
export function readBits(buf: Uint8Array, tlv: Tlv): boolean[] {
  expectTag(tlv, Tag.BIT_STRING, 'BIT STRING');
  const len = tlv.end - tlv.body;
  if (len === 0) throw new DerError('empty BIT STRING');
  const unused = buf[tlv.body]!;
  if (unused > 7 || (len === 1 && unused !== 0)) throw new DerError('malformed BIT STRING');
  const bits: boolean[] = [];
  for (let i = tlv.body + 1; i < tlv.end; i++) {
    for (let b = 7; b >= 0; b--) bits.push(((buf[i]! >> b) & 1) === 1);
  }
  bits.length -= unused;
  return bits;
}

const latin1 = new TextDecoder('latin1');
const utf8 = new TextDecoder('utf-8', { fatal: true });
const utf16 = new TextDecoder('utf-16be', { fatal: true });

/** Any of the X.501 string types, decoded to a JS string. */
export function readString(buf: Uint8Array, tlv: Tlv): string {
  const b = bytes(buf, tlv);
  switch (tlv.tag) {
    case Tag.UTF8String:
      try {
        return utf8.decode(b);
      } catch {
        throw new DerError('invalid UTF-8 in UTF8String');
      }
    case Tag.BMPString:
      try {
        return utf16.decode(b);
      } catch {
        throw new DerError('invalid UTF-16 in BMPString');
      }
    case Tag.UniversalString: {
      if (b.length % 4 !== 0) throw new DerError('UniversalString length is not a multiple of 4');
      let s = '';
      for (let i = 0; i < b.length; i += 4) {
        const cp = ((b[i]! << 24) | (b[i + 1]! << 16) | (b[i + 2]! << 8) | b[i + 3]!) >>> 0;
        if (cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff)) throw new DerError('invalid code point in UniversalString');
        s += String.fromCodePoint(cp);
      }
      return s;
    }
    default:
      return latin1.decode(b);
  }
}

export function readIa5(buf: Uint8Array, tlv: Tlv): string {
  const b = bytes(buf, tlv);
  for (const c of b) if (c > 0x7f) throw new DerError('non-ASCII byte in IA5String');
  return latin1.decode(b);
}

/** UTCTime (YYMMDDHHMMSSZ) or GeneralizedTime (YYYYMMDDHHMMSSZ), the only forms RFC 5280 allows. */
export function readTime(buf: Uint8Array, tlv: Tlv): Date {
  // Read from the bytes: digits and 'Z' are the same bytes in any of the decoders a string would use.
  const at = tlv.body;
  const length = tlv.end - tlv.body;
  let year: number;
  let rest: number;
  if (tlv.tag === Tag.UTCTime) {
    if (length !== 13) throw new DerError('UTCTime must be YYMMDDHHMMSSZ');
    const yy = digitsAt(buf, at, 2);
    year = yy >= 50 ? 1900 + yy : 2000 + yy;
    rest = at + 2;
  } else if (tlv.tag === Tag.GeneralizedTime) {
    if (length !== 15) throw new DerError('GeneralizedTime must be YYYYMMDDHHMMSSZ');
    year = digitsAt(buf, at, 4);
    rest = at + 4;
  } else throw new DerError('expected UTCTime or GeneralizedTime');
  if (buf[tlv.end - 1] !== 0x5a) throw new DerError('time must be in UTC (Z)');
  const month = digitsAt(buf, rest, 2);
  const day = digitsAt(buf, rest + 2, 2);
  const hour = digitsAt(buf, rest + 4, 2);
  const minute = digitsAt(buf, rest + 6, 2);
  const second = digitsAt(buf, rest + 8, 2);
  const ms = Date.UTC(year, month - 1, day, hour, minute, second);
  const d = new Date(ms);
  if (d.getUTCMonth() !== month - 1 || d.getUTCDate() !== day || hour > 23 || minute > 59 || second > 59) {
    throw new DerError('time out of range');
  }
  if (year < 100) d.setUTCFullYear(year);
  return d;
}

function digitsAt(buf: Uint8Array, from: number, n: number): number {
  let v = 0;
  for (let i = from; i < from + n; i++) {
    const c = buf[i]! - 48;
    if (!(c >= 0 && c <= 9)) throw new DerError('malformed time');
    v = v * 10 + c;
  }
  return v;
}

export function toHex(b: Uint8Array): string {
  return Buffer.from(b.buffer, b.byteOffset, b.byteLength).toString('hex');
}

/** toHex of the contents of `tlv`, without a view of them. */
export function contentHex(buf: Uint8Array, tlv: Tlv): string {
  return Buffer.from(buf.buffer, buf.byteOffset + tlv.body, tlv.end - tlv.body).toString('hex');
}

export function equalBytes(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

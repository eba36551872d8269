import { type Certificate, CertificateParseError, parseCertificate } from './cert.ts';
import { DerCursor, DerError, Tag, readOid, readRoot, readSmallInt } from './der.ts';
import { LIMITS } from '../limits.ts';
import { hashBytes } from './hash.ts';

/** What a certificate file turned out to hold. Keys are only ever detected, never kept. */
export interface DecodedCertificates {
  readonly certs: Certificate[];
  /** Labels of private-key material found ("RSA PRIVATE KEY", "PKCS#8 DER", ...). */
  readonly privateKeys: string[];
  readonly pkcs12: boolean;
  /** Reasons parts of the file could not be read; any entry means the file fails closed. */
  readonly problems: string[];
}

const BEGIN = /^-----BEGIN ([A-Z0-9 #]+)-----\s*$/;
const END = /^-----END ([A-Z0-9 #]+)-----\s*$/;
/** /^[A-Za-z0-9+/]*={0,2}$/ without a regex call per line (a 10,000-file estate has ~250,000 lines). */
function isBase64Line(line: string): boolean {
  let i = 0;
  for (; i < line.length; i++) {
    const c = line.charCodeAt(i);
    if (!((c >= 0x41 && c <= 0x5a) || (c >= 0x61 && c <= 0x7a) || (c >= 0x30 && c <= 0x39) || c === 0x2b || c === 0x2f)) break;
  }
  const pad = line.length - i;
  return pad === 0 || (pad <= 2 && line.charCodeAt(i) === 0x3d && (pad === 1 || line.charCodeAt(i + 1) === 0x3d));
}
const CERT_LABELS = new Set(['CERTIFICATE', 'X509 CERTIFICATE']);

const looksLikePem = (data: Uint8Array): boolean => Buffer.from(data.buffer, data.byteOffset, data.byteLength).includes('-----BEGIN ');

/**
 * `parse` turns one certificate's DER into a Certificate; a source reading many files passes a
 * pooled parser (certificatePool) so a CA served in 10,000 chain files is parsed once.
 */
export function decodeCertificates(
  data: Uint8Array,
  fileName: string,
  parse: (der: Uint8Array) => Certificate = parseCertificate,
  known?: PemBlockCache,
): DecodedCertificates {
  const out: DecodedCertificates = { certs: [], privateKeys: [], pkcs12: false, problems: [] };
  if (/\.(pfx|p12)$/i.test(fileName) || isPkcs12(data)) {
    out.problems.push('PKCS#12 bundle: it carries a private key and is not read');
    return { ...out, pkcs12: true };
  }
  if (looksLikePem(data)) decodePem(data, out, parse, known);
  else decodeDer(data, out, parse);
  if (out.certs.length === 0 && out.problems.length === 0) out.problems.push('no certificate found in the file');
  return out;
}

function decodePem(data: Uint8Array, out: DecodedCertificates, parse: (der: Uint8Array) => Certificate, known: PemBlockCache | undefined): void {
  const blocks = wellFormedBlocks(data, LIMITS.maxBlocksPerFile);
  if (blocks) {
    for (const b of blocks) {
      const text = Buffer.from(data.buffer, data.byteOffset + b.start, b.end - b.start);
      const cert = known?.get(text);
      if (cert) {
        out.certs.push(cert);
        continue;
      }
      const before = out.certs.length;
      classifyBlock('CERTIFICATE', Buffer.from(text.toString('latin1'), 'base64'), b.line, out, parse);
      if (known && out.certs.length > before) known.remember(text, out.certs[before]!);
    }
    return;
  }
  decodePemLines(data, out, parse);
}

/**
 * CA certificates by the text of their PEM block, for one source reading many files: an estate
 * serves its intermediate in every chain file (10,000 leaf files = 10,000 copies), and the same text
 * is the same DER, so the copy is neither base64-decoded nor compared byte by byte as DER again.
 * Only CA certificates are kept (the ones repeated across files), and at most MAX_KNOWN_BLOCKS.
 */
export class PemBlockCache {
  readonly #byKey = new Map<number, { text: Buffer; cert: Certificate }[]>();
  #size = 0;

  get(text: Buffer): Certificate | undefined {
    for (const e of this.#byKey.get(blockKey(text)) ?? []) if (e.text.equals(text)) return e.cert;
    return undefined;
  }

  remember(text: Buffer, cert: Certificate): void {
    if (!cert.isCa || this.#size >= MAX_KNOWN_BLOCKS || this.get(text)) return;
    const key = blockKey(text);
    const bucket = this.#byKey.get(key) ?? [];
    if (bucket.length === 0) this.#byKey.set(key, bucket);
    bucket.push({ text: Buffer.from(text), cert }); // a copy: the file's buffer is not kept alive
    this.#size++;
  }
}

const MAX_KNOWN_BLOCKS = 4096;
/** The end of the base64 is the signature's: as good as random. */
const blockKey = (text: Uint8Array): number => (hashBytes(text, Math.max(0, text.length - 32)) ^ text.length) >>> 0;

/**
 * The common file, read without splitting it into lines: nothing but CERTIFICATE blocks, each a
 * BEGIN line, non-empty base64 lines ('=' padding on the last one only) and an END line, with LF or
 * CRLF line ends. Returns each block's base64 body (line breaks included: the base64 decoder skips
 * them) and its BEGIN line number, or undefined for anything else (text around the blocks, blank
 * lines, spaces, headers, other labels, an oversized or unclosed block, more than `maxBlocks`
 * blocks), which decodePemLines reads with its messages. For the files it accepts, both give the
 * same result.
 *
 * Self-contained (no reference outside its body): the file read-ahead worker runs this very function
 * from its source text (src/sources/file-prefetch.ts), so both threads accept the same files.
 */
export function wellFormedBlocks(data: Uint8Array, maxBlocks: number = 500): { start: number; end: number; line: number }[] | undefined {
  const BEGIN_CERT = '-----BEGIN CERTIFICATE-----';
  const END_CERT = '-----END CERTIFICATE-----';
  /** A certificate's base64 is a few KiB; anything longer is left to the line reader and its limits. */
  const MAX_FAST_BODY = 32 * 1024;
  const isBase64Byte = (c: number): boolean => (c >= 0x41 && c <= 0x5a) || (c >= 0x61 && c <= 0x7a) || (c >= 0x30 && c <= 0x39) || c === 0x2b || c === 0x2f;
  const startsWithAt = (at: number, prefix: string): boolean => {
    if (at + prefix.length > data.length) return false;
    for (let k = 0; k < prefix.length; k++) if (data[at + k] !== prefix.charCodeAt(k)) return false;
    return true;
  };
  /** After a line's content: LF, CRLF or the end of the data. Returns the next line's start, or -1. */
  const lineEnd = (at: number): number => {
    if (at === data.length) return at;
    if (data[at] === 0x0a) return at + 1;
    if (data[at] === 0x0d && data[at + 1] === 0x0a) return at + 2;
    return -1;
  };
  const blocks: { start: number; end: number; line: number }[] = [];
  let i = 0;
  let line = 1;
  while (i < data.length) {
    if (!startsWithAt(i, BEGIN_CERT)) return undefined;
    const begin = line;
    i = lineEnd(i + BEGIN_CERT.length);
    line++;
    if (i < 0) return undefined;
    const start = i;
    let padded = false;
    while (data[i] !== 0x2d) {
      if (padded || i >= data.length) return undefined; // '=' ends the data; a missing END line
      let j = i;
      while (j < data.length && isBase64Byte(data[j]!)) j++;
      let k = j;
      while (k < data.length && data[k] === 0x3d) k++;
      if (k === i || k - j > 2) return undefined;
      padded = k > j;
      i = lineEnd(k);
      line++;
      if (i < 0 || i - start > MAX_FAST_BODY) return undefined;
    }
    const end = i;
    if (end === start || !startsWithAt(i, END_CERT)) return undefined;
    i = lineEnd(i + END_CERT.length);
    line++;
    if (i < 0) return undefined;
    blocks.push({ start, end, line: begin });
    if (blocks.length > maxBlocks) return undefined;
  }
  return blocks.length > 0 ? blocks : undefined;
}

/** A CERTIFICATE block another thread found with wellFormedBlocks: its BEGIN line, an id for its text, its DER. */
export interface ScannedBlock {
  readonly line: number;
  /** Same id, same PEM text (so the same DER), within one reading run. */
  readonly id: number;
  /** The base64-decoded body; absent when a block of the same text came before. */
  readonly der?: Uint8Array;
}

/**
 * What decodeCertificates gives for a file that wellFormedBlocks accepted, from its blocks already
 * found and decoded elsewhere (src/sources/file-prefetch.ts). `byId` remembers, per run, the
 * certificate each block text gave; undefined when a repeated block's certificate is not known
 * (its first copy gave none): the caller then decodes the file's bytes itself.
 */
export function decodeScannedBlocks(blocks: readonly ScannedBlock[], parse: (der: Uint8Array) => Certificate, byId: Map<number, Certificate>): DecodedCertificates | undefined {
  const out: DecodedCertificates = { certs: [], privateKeys: [], pkcs12: false, problems: [] };
  for (const b of blocks) {
    const known = byId.get(b.id);
    if (known) {
      out.certs.push(known);
      continue;
    }
    if (!b.der) return undefined;
    const before = out.certs.length;
    classifyBlock('CERTIFICATE', b.der, b.line, out, parse);
    if (out.certs.length > before) byId.set(b.id, out.certs[before]!);
  }
  if (out.certs.length === 0 && out.problems.length === 0) out.problems.push('no certificate found in the file');
  return out;
}

/** The general reader: line by line, with a message for everything it cannot use. */
function decodePemLines(data: Uint8Array, out: DecodedCertificates, parse: (der: Uint8Array) => Certificate): void {
  const text = Buffer.from(data.buffer, data.byteOffset, data.byteLength).toString('latin1');
  const lines = text.split('\n'); // a CR before the LF goes with trim() below
  let label: string | undefined;
  let startLine = 0;
  let body: string[] = [];
  let bodyChars = 0;
  let blocks = 0;
  for (let n = 0; n < lines.length; n++) {
    const line = lines[n]!.trim();
    // Only a line starting with '-' can open or close a block: skip the regex for the base64 lines.
    const dash = line.charCodeAt(0) === 0x2d;
    if (label === undefined) {
      const m = dash ? BEGIN.exec(line) : null;
      if (m) {
        label = m[1]!;
        startLine = n + 1;
        body = [];
        bodyChars = 0;
      }
      continue;
    }
    const end = dash ? END.exec(line) : null;
    if (!end) {
      if (body.length === 0 && line.includes(':')) continue; // RFC 1421 headers (Proc-Type, DEK-Info)
      if (!isBase64Line(line)) {
        out.problems.push(`line ${n + 1}: invalid base64 inside the ${label} block`);
        label = undefined;
        continue;
      }
      body.push(line);
      bodyChars += line.length;
      if (bodyChars > LIMITS.maxPemBlockBytes) {
        out.problems.push(`line ${startLine}: ${label} block is larger than ${LIMITS.maxPemBlockBytes} bytes`);
        label = undefined;
      }
      continue;
    }
    if (end[1] !== label) {
      out.problems.push(`line ${n + 1}: END ${end[1]} does not close BEGIN ${label} (line ${startLine})`);
      label = undefined;
      continue;
    }
    if (++blocks > LIMITS.maxBlocksPerFile) {
      out.problems.push(`more than ${LIMITS.maxBlocksPerFile} PEM blocks`);
      return;
    }
    classifyBlock(label, Buffer.from(body.join(''), 'base64'), startLine, out, parse);
    label = undefined;
  }
  if (label !== undefined) out.problems.push(`line ${startLine}: BEGIN ${label} is never closed`);
}

function classifyBlock(label: string, der: Uint8Array, line: number, out: DecodedCertificates, parse: (der: Uint8Array) => Certificate): void {
  // RSA/EC/ENCRYPTED/OPENSSH PRIVATE KEY, PGP PRIVATE KEY BLOCK, ...
  if (label.includes('PRIVATE KEY')) {
    out.privateKeys.push(label);
    return;
  }
  if (label === 'PKCS12' || isPkcs12(der)) {
    (out as { pkcs12: boolean }).pkcs12 = true;
    out.problems.push(`line ${line}: PKCS#12 bundle: it carries a private key and is not read`);
    return;
  }
  // A key under another label is still a key: detect it by its structure, whatever the label says.
  const key = privateKeyKind(der);
  if (key) {
    out.privateKeys.push(`${key} in a ${label} block`);
    if (CERT_LABELS.has(label)) out.problems.push(`line ${line}: the ${label} block holds a private key, not a certificate`);
    return;
  }
  if (CERT_LABELS.has(label)) {
    try {
      out.certs.push(parse(der));
    } catch (err) {
      if (!(err instanceof CertificateParseError)) throw err;
      out.problems.push(`line ${line}: certificate cannot be parsed (${err.message})`);
    }
    return;
  }
  if (label === 'TRUSTED CERTIFICATE' || label === 'PKCS7') {
    out.problems.push(`line ${line}: ${label} blocks are not supported; convert them to plain CERTIFICATE blocks`);
  }
  // Other blocks (PUBLIC KEY, X509 CRL, CERTIFICATE REQUEST, parameters) hold nothing to evaluate.
}

function decodeDer(data: Uint8Array, out: DecodedCertificates, parse: (der: Uint8Array) => Certificate): void {
  const key = privateKeyKind(data);
  if (key) {
    out.privateKeys.push(`${key} (DER)`);
    return;
  }
  try {
    out.certs.push(parse(data));
  } catch (err) {
    if (!(err instanceof CertificateParseError)) throw err;
    out.problems.push(`not PEM, and not a DER certificate (${err.message})`);
  }
}

/**
 * PFX ::= SEQUENCE { version INTEGER (3), authSafe ContentInfo, ... } (RFC 7292), recognised by its
 * first bytes only. PKCS#12 files are often BER (Windows and .NET write indefinite lengths), which
 * our strict DER reader refuses; a key bundle must be flagged however it is encoded.
 */
function isPkcs12(data: Uint8Array): boolean {
  let p = 0;
  const header = (tag: number): boolean => {
    if (data[p] !== tag) return false;
    const len = data[p + 1];
    if (len === undefined) return false;
    p += 2 + (len & 0x80 ? len & 0x7f : 0); // short, long or indefinite (0x80) length
    return p <= data.length;
  };
  if (!header(Tag.SEQUENCE)) return false;
  if (data[p] !== Tag.INTEGER || data[p + 1] !== 1 || data[p + 2] !== 3) return false;
  p += 3;
  if (!header(Tag.SEQUENCE)) return false;
  // OBJECT IDENTIFIER 1.2.840.113549.1.7.x (PKCS#7 data or signedData)
  const oid = [0x06, 0x09, 0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d, 0x01, 0x07];
  return oid.every((b, i) => data[p + i] === b) && p + oid.length < data.length;
}

/**
 * What kind of DER private key `data` is, if it is one: PKCS#8 PrivateKeyInfo (version,
 * AlgorithmIdentifier, OCTET STRING), PKCS#8 EncryptedPrivateKeyInfo (AlgorithmIdentifier, OCTET
 * STRING), PKCS#1 RSAPrivateKey or OpenSSL DSAPrivateKey (version, then INTEGERs) or SEC1
 * ECPrivateKey (version 1, OCTET STRING).
 */
function privateKeyKind(data: Uint8Array): string | undefined {
  try {
    const root = readRoot(data);
    if (root.tag !== Tag.SEQUENCE) return undefined;
    // Every certificate block comes through here: a cursor, no Tlv object per element.
    const parts = new DerCursor(data, root);
    const first = parts.next()?.copy();
    const second = parts.next()?.tag;
    const third = parts.next()?.tag;
    if (first?.tag === Tag.SEQUENCE && second === Tag.OCTET_STRING && third === undefined) {
      const alg = new DerCursor(data, first).next();
      return alg?.tag === Tag.OID && readOid(data, alg).startsWith('1.2.840.113549.1.') ? 'encrypted private key' : undefined;
    }
    if (first?.tag !== Tag.INTEGER || readSmallInt(data, first) > 1) return undefined;
    if (second === Tag.SEQUENCE && third === Tag.OCTET_STRING) return 'private key';
    if (second === Tag.OCTET_STRING) return 'EC private key';
    if (second === Tag.INTEGER && third === Tag.INTEGER) return 'RSA or DSA private key';
    return undefined;
  } catch (err) {
    if (err instanceof DerError) return undefined;
    throw err;
  }
}

/** PEM text for a certificate (for reports and generated fixtures). */
export function toPem(der: Uint8Array): string {
  const b64 = Buffer.from(der.buffer, der.byteOffset, der.byteLength).toString('base64');
  return `-----BEGIN CERTIFICATE-----\n${b64.replace(/.{64}/g, '$&\n').replace(/\n$/, '')}\n-----END CERTIFICATE-----\n`;
}

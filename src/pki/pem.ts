import { Certificate, CertificateParseError } from './cert.ts';
import { DerError, Tag, children, readOid, readRoot, readSmallInt } from './der.ts';
import { LIMITS } from '../limits.ts';

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
const BASE64_LINE = /^[A-Za-z0-9+/]*={0,2}$/;
const CERT_LABELS = new Set(['CERTIFICATE', 'X509 CERTIFICATE']);

const looksLikePem = (data: Uint8Array): boolean => Buffer.from(data.buffer, data.byteOffset, data.byteLength).includes('-----BEGIN ');

export function decodeCertificates(data: Uint8Array, fileName: string): DecodedCertificates {
  const out: DecodedCertificates = { certs: [], privateKeys: [], pkcs12: false, problems: [] };
  if (/\.(pfx|p12)$/i.test(fileName) || isPkcs12(data)) {
    out.problems.push('PKCS#12 bundle: it carries a private key and is not read');
    return { ...out, pkcs12: true };
  }
  if (looksLikePem(data)) decodePem(data, out);
  else decodeDer(data, out);
  if (out.certs.length === 0 && out.problems.length === 0) out.problems.push('no certificate found in the file');
  return out;
}

function decodePem(data: Uint8Array, out: DecodedCertificates): void {
  const text = Buffer.from(data.buffer, data.byteOffset, data.byteLength).toString('latin1');
  const lines = text.split(/\r?\n/);
  let label: string | undefined;
  let startLine = 0;
  let body: string[] = [];
  let bodyChars = 0;
  let blocks = 0;
  for (let n = 0; n < lines.length; n++) {
    const line = lines[n]!.trim();
    if (label === undefined) {
      const m = BEGIN.exec(line);
      if (m) {
        label = m[1]!;
        startLine = n + 1;
        body = [];
        bodyChars = 0;
      }
      continue;
    }
    const end = END.exec(line);
    if (!end) {
      if (line.includes(':') && body.length === 0) continue; // RFC 1421 headers (Proc-Type, DEK-Info)
      if (!BASE64_LINE.test(line)) {
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
    classifyBlock(label, Buffer.from(body.join(''), 'base64'), startLine, out);
    label = undefined;
  }
  if (label !== undefined) out.problems.push(`line ${startLine}: BEGIN ${label} is never closed`);
}

function classifyBlock(label: string, der: Uint8Array, line: number, out: DecodedCertificates): void {
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
      out.certs.push(new Certificate(der));
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

function decodeDer(data: Uint8Array, out: DecodedCertificates): void {
  const key = privateKeyKind(data);
  if (key) {
    out.privateKeys.push(`${key} (DER)`);
    return;
  }
  try {
    out.certs.push(new Certificate(data));
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
    const [first, second, third] = children(data, root);
    if (first?.tag === Tag.SEQUENCE && second?.tag === Tag.OCTET_STRING && !third) {
      const [alg] = children(data, first);
      return alg?.tag === Tag.OID && readOid(data, alg).startsWith('1.2.840.113549.1.') ? 'encrypted private key' : undefined;
    }
    if (first?.tag !== Tag.INTEGER || readSmallInt(data, first) > 1) return undefined;
    if (second?.tag === Tag.SEQUENCE && third?.tag === Tag.OCTET_STRING) return 'private key';
    if (second?.tag === Tag.OCTET_STRING) return 'EC private key';
    if (second?.tag === Tag.INTEGER && third?.tag === Tag.INTEGER) return 'RSA or DSA private key';
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

import { type Tlv, Tag, DerCursor, children, equalBytes, expectTag, readOid, readString, whole, DerError } from './der.ts';
import { hashBytes } from './hash.ts';

export interface Attribute {
  readonly type: string; // OID
  readonly value: string;
}

/** An X.501 Name: its exact DER (what path building compares) and its decoded attributes. */
export interface DistinguishedName {
  readonly der: Uint8Array;
  readonly rdns: readonly (readonly Attribute[])[];
}

const SHORT: Record<string, string> = {
  '2.5.4.3': 'CN',
  '2.5.4.6': 'C',
  '2.5.4.7': 'L',
  '2.5.4.8': 'ST',
  '2.5.4.10': 'O',
  '2.5.4.11': 'OU',
  '2.5.4.5': 'serialNumber',
  '0.9.2342.19200300.100.1.25': 'DC',
  '1.2.840.113549.1.9.1': 'emailAddress',
};

export const OID_CN = '2.5.4.3';
export const OID_EMAIL = '1.2.840.113549.1.9.1';

/**
 * Names already read, by a hash of their DER: every leaf an intermediate issued carries the same
 * issuer name. A DistinguishedName is immutable, so certificates share it; only names that read
 * cleanly are kept, so a hit is as valid as a fresh read.
 */
const names = new Map<number, DistinguishedName[]>();
const MAX_NAMES = 4096;

/**
 * `keep`: remember the name for the certificates that follow. An issuer name comes back in every
 * certificate its CA issued; a leaf's subject name never comes back, and remembering 10,000 of them
 * only churned the cache (a CA's subject is remembered once it is known to be a CA: rememberName).
 * A name not kept is still shared when it is already known.
 */
export function readName(buf: Uint8Array, tlv: Tlv, keep = true): DistinguishedName {
  expectTag(tlv, Tag.SEQUENCE, 'Name');
  const key = hashBytes(buf, tlv.start, tlv.end);
  const bucket = names.get(key);
  if (bucket) {
    const der = whole(buf, tlv);
    for (const n of bucket) if (equalBytes(n.der, der)) return n;
  }
  const name = decodeName(buf, tlv);
  if (keep) remember(key, name);
  return name;
}

/** Keeps a CA's subject name (read with keep = false) for the certificates it issued. */
export function rememberName(name: DistinguishedName): void {
  const key = hashBytes(name.der);
  if (!names.get(key)?.some((n) => equalBytes(n.der, name.der))) remember(key, name);
}

function remember(key: number, name: DistinguishedName): void {
  if (names.size >= MAX_NAMES) names.clear(); // bounded: the common names come straight back
  const current = names.get(key);
  if (!current) names.set(key, [name]);
  else if (current.length < 4) current.push(name);
}

/** DirectoryString's types (UTF8, Printable, T61, Universal, BMP), Numeric, IA5, Visible; SEQUENCE, SET. */
const ATTRIBUTE_VALUE_TAGS = new Set([0x0c, 0x12, 0x13, 0x14, 0x16, 0x1a, 0x1c, 0x1e, 0x30, 0x31]);

/** A structured attribute value is kept as bytes ('#'), but it must still be DER all the way down. */
function wellFormed(buf: Uint8Array, tlv: Tlv, depth: number): void {
  if (depth > 16) throw new DerError('attribute value nested too deeply');
  for (const c of children(buf, tlv)) if (c.tag & 0x20) wellFormed(buf, c, depth + 1);
}

function decodeName(buf: Uint8Array, tlv: Tlv): DistinguishedName {
  // Arrays made at their final length: a name is kept as long as its certificate, and an array grown
  // by push() keeps room for 17 elements.
  const sets = new DerCursor(buf, tlv);
  const atvs = new DerCursor(buf);
  const pair = new DerCursor(buf);
  const rdns: Attribute[][] = new Array(sets.count);
  for (let i = 0; sets.next(); i++) {
    atvs.reset(expectTag(sets, Tag.SET, 'RelativeDistinguishedName'));
    const rdn: Attribute[] = new Array(atvs.count);
    for (let j = 0; atvs.next(); j++) {
      pair.reset(expectTag(atvs, Tag.SEQUENCE, 'AttributeTypeAndValue'));
      if (pair.count !== 2) throw new DerError('malformed AttributeTypeAndValue');
      const oid = readOid(buf, pair.next()!);
      const value = pair.next()!;
      // AttributeValue is ANY DEFINED BY the type; every attribute syntax in certificates is a
      // character string (DirectoryString, IA5String, ...) or a structure. Anything else (an OCTET
      // STRING, an INTEGER, a context tag) is malformed, as OpenSSL also holds.
      if (!ATTRIBUTE_VALUE_TAGS.has(value.tag)) throw new DerError('attribute value is not a string type');
      if (value.tag & 0x20) wellFormed(buf, value, 0);
      rdn[j] = { type: oid, value: value.tag & 0x20 ? '#' : readString(buf, value) };
    }
    if (rdn.length === 0) throw new DerError('empty RelativeDistinguishedName');
    rdns[i] = rdn;
  }
  return { der: whole(buf, tlv), rdns };
}

export function attributeValues(name: DistinguishedName, type: string): string[] {
  const out: string[] = [];
  for (const rdn of name.rdns) for (const a of rdn) if (a.type === type) out.push(a.value);
  return out;
}

// Controls, line separators and bidi overrides in a name would break or disguise the line it is
// printed on: RFC 4514 lets any character be written as \XX hex pairs of its UTF-8 bytes.
const UNPRINTABLE = /[\u0000-\u001f\u007f-\u009f\u2028\u2029\u202a-\u202e\u2066-\u2069]/gu;
const hexPairs = (c: string): string => [...Buffer.from(c, 'utf8')].map((b) => `\\${b.toString(16).padStart(2, '0')}`).join('');

const escape = (v: string): string =>
  v
    .replace(/([,+"\\<>;])/g, '\\$1')
    .replace(/^([ #])|( )$/g, '\\$1$2')
    .replace(UNPRINTABLE, hexPairs);

/** RFC 4514 string, most specific RDN first: "CN=broker-us-1.company.com, O=Company". */
export function formatName(name: DistinguishedName): string {
  if (name.rdns.length === 0) return '(empty)';
  return [...name.rdns]
    .reverse()
    .map((rdn) => rdn.map((a) => `${SHORT[a.type] ?? a.type}=${escape(a.value)}`).join('+'))
    .join(', ');
}

/** RFC 4518-style preparation, as RFC 5280 7.1 asks of DirectoryString values: case folded, outer space trimmed, inner runs of space made one. */
const prepare = (v: string): string => v.toLowerCase().replace(/\s+/g, ' ').trim();

/** The ASCII characters \s and trim() treat as space. */
const isSpace = (c: number): boolean => c === 0x20 || (c >= 0x09 && c <= 0x0d);

function skipSpace(s: string, i: number): number {
  while (i < s.length && isSpace(s.charCodeAt(i))) i++;
  return i;
}

/**
 * prepare(a) === prepare(b), decided without building either string while both are ASCII (path
 * building compares every issuer name with every candidate's subject). From the first non-ASCII
 * character on, prepare() decides: Unicode case folding and spaces are not ASCII's (the Kelvin sign
 * folds to 'k', a no-break space is a space). Up to there, both prepared strings are what was read.
 */
function samePrepared(a: string, b: string): boolean {
  let i = skipSpace(a, 0);
  let j = skipSpace(b, 0);
  while (i < a.length && j < b.length) {
    let x = a.charCodeAt(i);
    let y = b.charCodeAt(j);
    if (x > 0x7f || y > 0x7f) return prepare(a) === prepare(b);
    const sx = isSpace(x);
    if (sx !== isSpace(y)) return false;
    if (sx) {
      i = skipSpace(a, i);
      j = skipSpace(b, j);
      continue;
    }
    if (x >= 0x41 && x <= 0x5a) x += 0x20;
    if (y >= 0x41 && y <= 0x5a) y += 0x20;
    if (x !== y) return false;
    i++;
    j++;
  }
  i = skipSpace(a, i);
  j = skipSpace(b, j);
  if (i === a.length && j === b.length) return true;
  // What is left may be Unicode space (trimmed by prepare) or fold into nothing.
  if ((i < a.length && a.charCodeAt(i) > 0x7f) || (j < b.length && b.charCodeAt(j) > 0x7f)) return prepare(a) === prepare(b);
  return false;
}

// A constructed value ('#') is compared by its bytes only, i.e. never equal once the DER differs.
const sameAttribute = (x: Attribute, y: Attribute): boolean => y.type === x.type && x.value !== '#' && y.value !== '#' && (y.value === x.value || samePrepared(x.value, y.value));

function sameAttributes(a: readonly Attribute[], b: readonly Attribute[]): boolean {
  if (a.length !== b.length) return false;
  if (a.length === 1) return sameAttribute(a[0]!, b[0]!);
  const rest = [...b];
  for (const x of a) {
    const i = rest.findIndex((y) => sameAttribute(x, y));
    if (i < 0) return false;
    rest.splice(i, 1);
  }
  return true;
}

/**
 * Name equality as RFC 5280 7.1 defines it for path building: the same RDNs in the same order, values
 * compared after case folding and whitespace folding (whatever string type encodes them). Identical
 * DER, the usual case, is decided without looking inside.
 */
export function sameName(a: DistinguishedName, b: DistinguishedName): boolean {
  if (a === b || equalBytes(a.der, b.der)) return true;
  if (a.rdns.length !== b.rdns.length) return false;
  for (let i = 0; i < a.rdns.length; i++) if (!sameAttributes(a.rdns[i]!, b.rdns[i]!)) return false;
  return true;
}

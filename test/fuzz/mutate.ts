// Mutation arbitraries: fast-check values that turn a valid seed into a hostile variant. Three
// levels, from dumb to structure-aware: bytes (flips, truncation, splicing), lines of text (YAML and
// PEM break along lines), and DER trees (re-encoded with correct lengths, so the change reaches the
// parser's deeper layers instead of failing at the first length check).
import fc from 'fast-check';

// ---------------------------------------------------------------------------------------------
// Bytes

const INTERESTING_BYTES = [0x00, 0x01, 0x7f, 0x80, 0x81, 0x82, 0x83, 0x84, 0x85, 0xff, 0x30, 0x31, 0x02, 0x03, 0x04, 0x05, 0x06, 0x0c, 0x13, 0x16, 0x17, 0x18, 0x1e, 0x1c, 0xa0, 0xa3, 0x0a, 0x0d, 0x2d];

type ByteOp = (b: Uint8Array, other: Uint8Array) => Uint8Array;

const at = (n: number, len: number): number => (len === 0 ? 0 : n % len);

const byteOp: fc.Arbitrary<ByteOp> = fc.oneof(
  fc.nat().chain((i) => fc.integer({ min: 0, max: 7 }).map((bit): ByteOp => (b) => {
    const c = b.slice();
    if (c.length) c[at(i, c.length)]! ^= 1 << bit;
    return c;
  })),
  fc.tuple(fc.nat(), fc.constantFrom(...INTERESTING_BYTES)).map(([i, v]): ByteOp => (b) => {
    const c = b.slice();
    if (c.length) c[at(i, c.length)] = v;
    return c;
  }),
  fc.nat().map((i): ByteOp => (b) => b.slice(0, at(i, b.length + 1))),
  fc.nat().map((i): ByteOp => (b) => b.slice(at(i, b.length + 1))),
  fc.tuple(fc.nat(), fc.uint8Array({ maxLength: 16 })).map(([i, ins]): ByteOp => (b) => {
    const p = at(i, b.length + 1);
    return concat(b.subarray(0, p), ins, b.subarray(p));
  }),
  fc.tuple(fc.nat(), fc.nat({ max: 64 })).map(([i, n]): ByteOp => (b) => {
    const p = at(i, b.length + 1);
    return concat(b.subarray(0, p), b.subarray(p + n));
  }),
  fc.tuple(fc.nat(), fc.nat({ max: 256 }), fc.nat()).map(([i, n, j]): ByteOp => (b) => {
    const p = at(i, b.length + 1);
    const q = at(j, b.length + 1);
    return concat(b.subarray(0, q), b.subarray(p, p + n), b.subarray(q));
  }),
  // Splice: the head of this input and the tail of another seed.
  fc.tuple(fc.nat(), fc.nat()).map(([i, j]): ByteOp => (b, other) => concat(b.subarray(0, at(i, b.length + 1)), other.subarray(at(j, other.length + 1)))),
);

export const concat = (...parts: Uint8Array[]): Uint8Array => {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let o = 0;
  for (const p of parts) {
    out.set(p, o);
    o += p.length;
  }
  return out;
};

/** Up to `max` byte-level mutations of one of `seeds` (splicing in another seed). */
export function mutatedBytes(seeds: readonly Uint8Array[], max = 4): fc.Arbitrary<Uint8Array> {
  return fc
    .tuple(fc.constantFrom(...seeds), fc.constantFrom(...seeds), fc.array(byteOp, { minLength: 1, maxLength: max }))
    .map(([seed, other, ops]) => ops.reduce<Uint8Array>((b, op) => op(b, other), seed));
}

// ---------------------------------------------------------------------------------------------
// Text, by lines

/** Fragments that have broken YAML readers and PEM decoders somewhere. */
export const HOSTILE_SNIPPETS = [
  '&a [*a]',
  '*undefined',
  '&x {a: &y [*x]}',
  '<<: *a',
  '!!binary aGVsbG8=',
  '!!python/object:os.system ["id"]',
  '!!js/function "function(){}"',
  '%YAML 1.1',
  '%TAG ! tag:evil:',
  '---',
  '...',
  '? [a, b]\n: c',
  '? {a: 1}\n: x',
  '__proto__: {polluted: true}',
  'constructor: {prototype: {polluted: true}}',
  '"\\u0000\\u001b[2J\\u202e"',
  "'\u0000'",
  '[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[',
  '{a: {a: {a: {a: {a: {a: {a: {a: {a: {a: {a: {a: {a: {a: {a: {a: {a: {a: {a: {a: {a: {a: {a: {a: {a: {a: {a: {a: {a: {a: {a: {a: {a: {a: {a: {a: {a: {a: {a: {a: {a: {a: {a: {a: {a: {a: {a: {a: {a: {a: {a: {a: {a: {a: {a: {a: {a: {a: {a: {a: {a: {a: {a: {a: {a: {a: {a: {a: 1}}}}}}}}}}}}}}}}}}}}}}}}}}}}}}}}}}}}}}}}}}}}}}}}}}}}}}}}}}}}}}}}}}}}}}}}',
  '- - - - - - - - - - - - - - - - - - - - - - - - - - - - - - - - - - - - - - - - - - - - - - - - - - - - - - - - - - - - - - - - - - - - - 1',
  'port: 1e400',
  'port: -0',
  'port: 0x1bb',
  'port: .inf',
  'port: 99999999999999999999999',
  'id: ""',
  'file: /etc/passwd',
  'file: ../../../../../../etc/shadow',
  'file: /dev/zero',
  'file: /proc/self/environ',
  'file: "\\u001b]0;pwned\\u0007"',
  'fqdn: "broker\\n::error::forged"',
  'name: "\\u202eevil"',
  'key: __proto__',
  'key: constructor',
  '-----BEGIN CERTIFICATE-----',
  '-----END CERTIFICATE-----',
  '-----BEGIN PRIVATE KEY-----',
  '-----BEGIN PKCS12-----',
  '-----BEGIN PGP PRIVATE KEY BLOCK-----',
  'Proc-Type: 4,ENCRYPTED',
  'MIIBIjANBgkqhkiG9w0BAQEFAAOCAQ8AMIIBCgKCAQEA',
  '====',
  '\t\t\t',
  '\r',
  '\uFEFF',
  '\u2028',
  'x'.repeat(5000),
  'A'.repeat(70_000),
];

type LineOp = (lines: string[], other: string[]) => string[];

const lineOp: fc.Arbitrary<LineOp> = fc.oneof(
  fc.nat().map((i): LineOp => (l) => l.filter((_, k) => k !== at(i, l.length))),
  fc.nat().map((i): LineOp => (l) => {
    const k = at(i, l.length);
    return [...l.slice(0, k + 1), ...l.slice(k)];
  }),
  fc.tuple(fc.nat(), fc.nat()).map(([i, j]): LineOp => (l) => {
    const c = [...l];
    if (c.length < 2) return c;
    const a = at(i, c.length);
    const b = at(j, c.length);
    [c[a], c[b]] = [c[b]!, c[a]!];
    return c;
  }),
  fc.tuple(fc.nat(), fc.constantFrom(...HOSTILE_SNIPPETS), fc.boolean()).map(([i, s, replace]): LineOp => (l) => {
    const k = at(i, l.length);
    const indent = /^\s*/.exec(l[k] ?? '')![0];
    const line = indent + s;
    return replace ? [...l.slice(0, k), line, ...l.slice(k + 1)] : [...l.slice(0, k), line, ...l.slice(k)];
  }),
  // Append a snippet to the value on a line ("port: 443" -> "port: 443 &a [*a]").
  fc.tuple(fc.nat(), fc.constantFrom(...HOSTILE_SNIPPETS)).map(([i, s]): LineOp => (l) => l.map((x, k) => (k === at(i, l.length) ? `${x} ${s}` : x))),
  fc.tuple(fc.nat(), fc.integer({ min: -4, max: 4 })).map(([i, d]): LineOp => (l) =>
    l.map((x, k) => (k === at(i, l.length) ? (d > 0 ? ' '.repeat(d) + x : x.slice(-d)) : x)),
  ),
  fc.tuple(fc.nat(), fc.string({ unit: 'binary', maxLength: 20 })).map(([i, s]): LineOp => (l) => {
    const k = at(i, l.length);
    const x = l[k] ?? '';
    const p = at(i >> 3, x.length + 1);
    return [...l.slice(0, k), x.slice(0, p) + s + x.slice(p), ...l.slice(k + 1)];
  }),
  fc.tuple(fc.nat(), fc.nat({ max: 40 })).map(([i, n]): LineOp => (l) => {
    const k = at(i, l.length);
    return [...l.slice(0, k), ...l.slice(k + n)];
  }),
  fc.tuple(fc.nat(), fc.nat()).map(([i, j]): LineOp => (l, other) => [...l.slice(0, at(i, l.length + 1)), ...other.slice(at(j, other.length + 1))]),
);

/** Up to `max` line-level mutations of one of `seeds`, then sometimes a few byte flips. */
export function mutatedText(seeds: readonly string[], max = 4): fc.Arbitrary<Uint8Array> {
  return fc
    .tuple(fc.constantFrom(...seeds), fc.constantFrom(...seeds), fc.array(lineOp, { minLength: 1, maxLength: max }), fc.option(fc.array(byteOp, { maxLength: 2 }), { freq: 4 }))
    .map(([seed, other, ops, bytes]) => {
      const otherLines = other.split('\n');
      // Lines stay strings whatever an op does at the edges (empty files, one line).
      const text = ops.reduce((l, op) => op(l, otherLines).map((x) => x ?? ''), seed.split('\n')).join('\n');
      const b = new Uint8Array(Buffer.from(text, 'utf8'));
      return bytes ? bytes.reduce<Uint8Array>((x, op) => op(x, b), b) : b;
    });
}

// ---------------------------------------------------------------------------------------------
// DER trees

export interface DerNode {
  tag: number;
  /** Children of a constructed element (or of an OCTET/BIT STRING that wraps DER). */
  children?: DerNode[];
  /** BIT STRING wrapping DER: the unused-bits byte in front. */
  bitWrap?: boolean;
  value?: Uint8Array;
}

function parseTlv(b: Uint8Array, start: number, end: number): { node: DerNode; next: number } | undefined {
  if (start + 2 > end) return undefined;
  const tag = b[start]!;
  if ((tag & 0x1f) === 0x1f) return undefined;
  let len = b[start + 1]!;
  let body = start + 2;
  if (len & 0x80) {
    const n = len & 0x7f;
    if (n === 0 || n > 3 || body + n > end) return undefined;
    len = 0;
    for (let i = 0; i < n; i++) len = len * 256 + b[body + i]!;
    body += n;
  }
  if (body + len > end) return undefined;
  const content = b.subarray(body, body + len);
  const node: DerNode = { tag };
  if (tag & 0x20) {
    const kids = parseAll(content);
    if (!kids) return undefined;
    node.children = kids;
  } else if (tag === 0x04 && content.length > 1 && (content[0] === 0x30 || content[0] === 0x04 || content[0] === 0x03)) {
    const kids = parseAll(content); // extnValue: an OCTET STRING holding DER
    if (kids) node.children = kids;
    else node.value = content;
  } else if (tag === 0x03 && content.length > 2 && content[0] === 0 && content[1] === 0x30) {
    const kids = parseAll(content.subarray(1)); // subjectPublicKey holding an RSAPublicKey
    if (kids) {
      node.children = kids;
      node.bitWrap = true;
    } else node.value = content;
  } else node.value = content;
  return { node, next: body + len };
}

function parseAll(b: Uint8Array): DerNode[] | undefined {
  const out: DerNode[] = [];
  for (let off = 0; off < b.length; ) {
    const r = parseTlv(b, off, b.length);
    if (!r) return undefined;
    out.push(r.node);
    off = r.next;
  }
  return out;
}

function encodeLength(n: number): number[] {
  if (n < 0x80) return [n];
  const bytes: number[] = [];
  for (let v = n; v > 0; v = Math.floor(v / 256)) bytes.unshift(v & 0xff);
  return [0x80 | bytes.length, ...bytes];
}

export function encode(n: DerNode): Uint8Array {
  let content: Uint8Array;
  if (n.children) {
    const inner = concat(...n.children.map(encode));
    content = n.bitWrap ? concat(new Uint8Array([0]), inner) : inner;
  } else content = n.value ?? new Uint8Array();
  return concat(new Uint8Array([n.tag, ...encodeLength(content.length)]), content);
}

export function allNodes(n: DerNode, out: DerNode[] = []): DerNode[] {
  out.push(n);
  for (const c of n.children ?? []) allNodes(c, out);
  return out;
}

const OIDS = [
  '2a864886f70d01010b', // sha256WithRSA
  '2a864886f70d010105', // sha1WithRSA
  '2a864886f70d010104', // md5WithRSA
  '2a8648ce3d040302', // ecdsa-with-SHA256
  '2a8648ce3d0201', // ecPublicKey
  '2a864886f70d010101', // rsaEncryption
  '2b6570', // Ed25519
  '2a8648ce3d030107', // P-256
  '2b81040022', // P-384
  '2b8104000a', // secp256k1
  '551d11', // subjectAltName
  '551d13', // basicConstraints
  '551d0f', // keyUsage
  '551d25', // extKeyUsage
  '551d1e', // nameConstraints
  '551d23', // authorityKeyIdentifier
  '551d0e', // subjectKeyIdentifier
  '2b06010505070301', // serverAuth
  '2b06010505070302', // clientAuth
  '551d2500', // anyExtendedKeyUsage
  '550403', // CN
  '2a864886f70d010901', // emailAddress
  '2a864886f70d010c0a0103', // PKCS#12 certBag
  '2a864886f70d010701', // PKCS#7 data
  '', // empty OID
  '80', // non-minimal arc
  'ffffffffffffffffffff7f', // huge arc
];

const hex = (s: string): Uint8Array => new Uint8Array(Buffer.from(s, 'hex'));

const TAGS = [0x01, 0x02, 0x03, 0x04, 0x05, 0x06, 0x0c, 0x13, 0x14, 0x16, 0x17, 0x18, 0x1c, 0x1e, 0x30, 0x31, 0x80, 0x81, 0x82, 0x86, 0x87, 0xa0, 0xa3, 0xa4, 0x1f];

type TreeOp = (root: DerNode) => void;

const pick = (root: DerNode, i: number): DerNode => {
  const nodes = allNodes(root);
  return nodes[at(i, nodes.length)]!;
};

const treeOp: fc.Arbitrary<TreeOp> = fc.oneof(
  fc.tuple(fc.nat(), fc.constantFrom(...TAGS)).map(([i, tag]): TreeOp => (r) => {
    pick(r, i).tag = tag;
  }),
  fc.tuple(fc.nat(), fc.uint8Array({ maxLength: 40 })).map(([i, v]): TreeOp => (r) => {
    const n = pick(r, i);
    delete n.children;
    n.value = v;
  }),
  fc.tuple(fc.nat(), fc.constantFrom(...OIDS)).map(([i, oid]): TreeOp => (r) => {
    const oids = allNodes(r).filter((n) => n.tag === 0x06);
    const n = oids[at(i, oids.length)];
    if (n) n.value = hex(oid);
  }),
  fc.tuple(fc.nat(), fc.string({ unit: 'binary', maxLength: 30 })).map(([i, s]): TreeOp => (r) => {
    const strings = allNodes(r).filter((n) => [0x0c, 0x13, 0x14, 0x16, 0x1c, 0x1e, 0x82, 0x81, 0x86, 0x17, 0x18].includes(n.tag));
    const n = strings[at(i, strings.length)];
    if (n) n.value = new Uint8Array(Buffer.from(s, n.tag === 0x1e ? 'utf16le' : 'utf8'));
  }),
  fc.tuple(fc.nat(), fc.constantFrom('991231235959Z', '500101000000Z', '000000000000Z', '20991231235959Z', '99991231235959Z', '19700101000000Z', '2026-12-01', '', '991232000000Z', '000229000000Z')).map(([i, t]): TreeOp => (r) => {
    const times = allNodes(r).filter((n) => n.tag === 0x17 || n.tag === 0x18);
    const n = times[at(i, times.length)];
    if (n) {
      n.value = new Uint8Array(Buffer.from(t, 'latin1'));
      n.tag = t.length === 15 ? 0x18 : 0x17;
    }
  }),
  fc.tuple(fc.nat(), fc.nat()).map(([i, j]): TreeOp => (r) => {
    const n = pick(r, i);
    if (n.children?.length) n.children.splice(at(j, n.children.length), 1);
  }),
  fc.tuple(fc.nat(), fc.nat(), fc.nat({ max: 3 })).map(([i, j, times]): TreeOp => (r) => {
    const n = pick(r, i);
    if (n.children?.length) {
      const c = n.children[at(j, n.children.length)]!;
      for (let k = 0; k <= times; k++) n.children.push(structuredClone(c));
    }
  }),
  fc.tuple(fc.nat(), fc.nat(), fc.nat()).map(([i, j, k]): TreeOp => (r) => {
    const n = pick(r, i);
    if (n.children && n.children.length > 1) {
      const a = at(j, n.children.length);
      const b = at(k, n.children.length);
      [n.children[a], n.children[b]] = [n.children[b]!, n.children[a]!];
    }
  }),
  fc.tuple(fc.nat(), fc.constantFrom('00', 'ff', '80', '0080', '00ff', '7fffffffffff', 'ffffffffffffffff', '', '01', '0100')).map(([i, v]): TreeOp => (r) => {
    const ints = allNodes(r).filter((n) => n.tag === 0x02 || n.tag === 0x01);
    const n = ints[at(i, ints.length)];
    if (n) n.value = hex(v);
  }),
  // Graft a subtree of this certificate somewhere else in it.
  fc.tuple(fc.nat(), fc.nat()).map(([i, j]): TreeOp => (r) => {
    const target = pick(r, i);
    const source = pick(r, j);
    if (target.children && target !== source) target.children.push(structuredClone(source));
  }),
);

/** A structure-aware mutation of one of `seeds` (DER), re-encoded with correct lengths. */
export function mutatedDer(seeds: readonly Uint8Array[], max = 3): fc.Arbitrary<Uint8Array> {
  return fc.tuple(fc.constantFrom(...seeds), fc.array(treeOp, { minLength: 1, maxLength: max }), fc.boolean()).map(([seed, ops, tweakBytes]) => {
    const parsed = parseTlv(seed, 0, seed.length);
    if (!parsed) return seed;
    const root = structuredClone(parsed.node);
    for (const op of ops) op(root);
    const out = encode(root);
    // Now and then a non-minimal length: strict DER must refuse it.
    if (tweakBytes && out.length > 4 && out[1]! < 0x80) return concat(new Uint8Array([out[0]!, 0x81, out[1]!]), out.subarray(2));
    return out;
  });
}

/** The DER tree of `b` (for tests that rewrite one field and re-encode). */
export const derTree = (b: Uint8Array): DerNode | undefined => parseTlv(b, 0, b.length)?.node;

export const toPemText = (der: Uint8Array, label = 'CERTIFICATE'): string =>
  `-----BEGIN ${label}-----\n${Buffer.from(der).toString('base64').replace(/.{64}/g, '$&\n').replace(/\n$/, '')}\n-----END ${label}-----\n`;

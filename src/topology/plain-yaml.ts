// A fast reader for the plain YAML that topologies are made of: block mappings and sequences, flow
// collections on one line, plain scalars, simple quoted strings and comments. The YAML library takes
// ~1 µs per byte (a 10,000-broker topology: 2.3 MB, 2-3 s, 350 MB); this takes a few ms per 100 kB.
//
// It is a fast path, not a second YAML implementation: anything it does not recognise with certainty
// (anchors, aliases, tags, block scalars, multi-line scalars or flow collections, escapes, floats,
// duplicate or unusual keys, tabs, CR, non-ASCII, deep nesting, ...) makes it return undefined, and
// the caller parses the file with the YAML library, which also produces every error message. For the
// documents it accepts, the data and every location equal the YAML library's; test/topology/
// plain-yaml.test.ts compares both on generated documents and every YAML file in the repository
// (docs/decisions/0061).
import { LIMITS } from '../limits.ts';

/** A path into a parsed document: object keys and array indexes. */
export type DocPath = readonly (string | number)[];

export interface PlainDocument {
  readonly data: unknown;
  /** Offset of the node at `path` (its key when `key` is set); the nearest ancestor if absent. */
  offsetOf(path: DocPath, key: boolean): number;
  /** 1-based line and column of an offset. */
  position(offset: number): { line: number; column: number };
}

/** Thrown inside the reader when the text leaves the recognised subset; never escapes. */
class NotPlain extends Error {}
const bail = (): never => {
  throw new NotPlain();
};

const NL = 0x0a;
const SPACE = 0x20;
const HASH = 0x23;
const COLON = 0x3a;
const DASH = 0x2d;
const COMMA = 0x2c;
const LBRACE = 0x7b;
const RBRACE = 0x7d;
const LBRACKET = 0x5b;
const RBRACKET = 0x5d;
const SQUOTE = 0x27;
const DQUOTE = 0x22;
const BACKSLASH = 0x5c;

/** Keys: identifiers and kebab/snake case. Anything else (numbers, `<<`, quoted keys) goes the slow way. */
const KEY = /^[A-Za-z_][A-Za-z0-9_-]*$/;
/** YAML 1.2 core schema (the YAML library's default): plain scalars that are not strings. */
const NULL = /^(?:~|null|Null|NULL)$/;
const TRUE = /^(?:true|True|TRUE)$/;
const FALSE = /^(?:false|False|FALSE)$/;
const SIMPLE_INT = /^(?:0|[1-9][0-9]{0,14})$/;
const OTHER_NUMBER =
  /^(?:[-+]?[0-9]+|0o[0-7]+|0x[0-9a-fA-F]+|[-+]?(?:\.[0-9]+|[0-9]+(?:\.[0-9]*)?)(?:[eE][-+]?[0-9]+)?|[-+]?\.(?:inf|Inf|INF)|\.nan|\.NaN|\.NAN)$/;

/** Characters a plain scalar may start with here (YAML indicators and quotes are excluded). */
const plainStart = (c: number): boolean =>
  (c >= 0x30 && c <= 0x39) || (c >= 0x41 && c <= 0x5a) || (c >= 0x61 && c <= 0x7a) || c === 0x5f || c === 0x2e || c === 0x2f || c === 0x7e;

/** Characters accepted inside a plain scalar here, besides letters and digits. */
const PLAIN_INNER = new Set([..."_-./~+@=()';"].map((c) => c.charCodeAt(0)));
const plainInner = (c: number, flow: boolean): boolean =>
  (c >= 0x30 && c <= 0x39) ||
  (c >= 0x41 && c <= 0x5a) ||
  (c >= 0x61 && c <= 0x7a) ||
  c === SPACE ||
  PLAIN_INNER.has(c) ||
  (!flow && (c === COMMA || c === LBRACKET || c === RBRACKET || c === LBRACE || c === RBRACE));

/**
 * Where a collection's parts are, beside the data (not in a Map keyed by each object: 50,000 of them
 * at 10,000 brokers): for a mapping [keyOffset, valueOffset, value's Offsets, ...] in key order, for a
 * sequence [itemOffset, item's Offsets, ...]. A scalar value has no Offsets (undefined).
 */
type Offsets = (number | Offsets | undefined)[];

/** Returns the document, or undefined when the text is not in the plain subset (parse it with the YAML library). */
export function parsePlainYaml(text: string): PlainDocument | undefined {
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if ((c < SPACE && c !== NL) || c > 0x7e) return undefined; // tabs, CR, controls, non-ASCII
  }
  try {
    return new Reader(text).document();
  } catch (err) {
    if (err instanceof NotPlain) return undefined;
    throw err;
  }
}

class Reader {
  readonly #s: string;
  #i = 0;
  /**
   * The offsets of the collections being read, innermost last: each collection takes its own off the
   * end when it is complete, as an array of its exact length. (An array grown by push() for each would
   * keep room for 17 entries, for as long as the document lives: 40,000 of them at 10,000 brokers.)
   */
  readonly #pending: (number | Offsets | undefined)[] = [];
  /** The Offsets of the collection read last; cleared before each value, so undefined after a scalar. */
  #lastOffsets: Offsets | undefined;
  /** Keys already checked against KEY and the reserved words: a topology repeats a dozen keys. */
  readonly #keys = new Set<string>();
  readonly #lineStarts: number[] = [0];

  constructor(text: string) {
    this.#s = text;
    for (let i = text.indexOf('\n'); i >= 0; i = text.indexOf('\n', i + 1)) this.#lineStarts.push(i + 1);
  }

  document(): PlainDocument {
    const s = this.#s;
    this.#nextContent();
    if (s.startsWith('---', this.#i) && (this.#i + 3 === s.length || s.charCodeAt(this.#i + 3) === NL)) {
      this.#i += 3;
      this.#nextContent();
    }
    if (this.#i >= s.length) bail(); // empty: the YAML library says so
    if (this.#column() !== 0) bail();
    const rootOffset = this.#i;
    this.#lastOffsets = undefined;
    const data = this.#blockNode(-1, 0);
    const rootOffsets = this.#lastOffsets;
    this.#nextContent();
    if (this.#i < s.length) bail(); // a second document, `...`, or anything left over
    const lineStarts = this.#lineStarts;
    return {
      data,
      offsetOf(path, key) {
        let node: unknown = data;
        let at: Offsets | undefined = rootOffsets;
        let best = rootOffset;
        for (let i = 0; i < path.length; i++) {
          const seg = path[i]!;
          if (Array.isArray(node)) {
            if (typeof seg !== 'number' || !Number.isInteger(seg) || seg < 0 || seg >= node.length) break;
            best = at![2 * seg] as number;
            at = at![2 * seg + 1] as Offsets | undefined;
            node = node[seg];
          } else if (node !== null && typeof node === 'object') {
            const index = keyIndex(node, String(seg));
            if (index < 0) break;
            if (key && i === path.length - 1) return at![3 * index] as number;
            best = at![3 * index + 1] as number;
            at = at![3 * index + 2] as Offsets | undefined;
            node = (node as Record<string, unknown>)[String(seg)];
          } else break;
        }
        return best;
      },
      position(offset) {
        let lo = 0;
        let hi = lineStarts.length - 1;
        while (lo < hi) {
          const mid = (lo + hi + 1) >> 1;
          if (lineStarts[mid]! <= offset) lo = mid;
          else hi = mid - 1;
        }
        return { line: lo + 1, column: offset - lineStarts[lo]! + 1 };
      },
    };
  }

  #column(): number {
    return this.#i - (this.#s.lastIndexOf('\n', this.#i - 1) + 1);
  }

  /** Skips blank lines, comment lines and the spaces before the next content character. */
  #nextContent(): void {
    const s = this.#s;
    for (;;) {
      while (s.charCodeAt(this.#i) === SPACE) this.#i++;
      const c = s.charCodeAt(this.#i);
      if (c === HASH) {
        const nl = s.indexOf('\n', this.#i);
        this.#i = nl < 0 ? s.length : nl + 1;
      } else if (c === NL) this.#i++;
      else return;
    }
  }

  /** After a value on a line: spaces, then a comment or the end of the line. */
  #endOfLine(): void {
    const s = this.#s;
    const start = this.#i;
    while (s.charCodeAt(this.#i) === SPACE) this.#i++;
    const c = s.charCodeAt(this.#i);
    if (this.#i >= s.length || c === NL) return;
    if (c === HASH && this.#i > start) return; // the comment is skipped by #nextContent
    bail();
  }

  /** A node that starts at the current content position, inside a block whose indentation is `parent`. */
  #blockNode(parent: number, depth: number): unknown {
    const s = this.#s;
    const c = s.charCodeAt(this.#i);
    const col = this.#column();
    if (col <= parent) bail();
    if (c === DASH && this.#isSeparator(this.#i + 1)) return this.#blockSequence(col, depth);
    if (this.#atKey()) return this.#blockMapping(col, depth);
    const value = this.#flowValue(false, depth);
    this.#endOfLine();
    return value;
  }

  #isSeparator(at: number): boolean {
    const c = this.#s.charCodeAt(at);
    return c === SPACE || c === NL || at >= this.#s.length;
  }

  /** Is the current position `key:` followed by a space or the end of the line? */
  #atKey(): boolean {
    const s = this.#s;
    let j = this.#i;
    while (j < s.length) {
      const c = s.charCodeAt(j);
      if (c === COLON) return j > this.#i && this.#isSeparator(j + 1);
      if (c === SPACE || c === NL || c === HASH || c === COMMA || c === LBRACE || c === LBRACKET || c === SQUOTE || c === DQUOTE) return false;
      j++;
    }
    return false;
  }

  #readKey(): string {
    const s = this.#s;
    const end = s.indexOf(':', this.#i);
    const key = s.slice(this.#i, end);
    if (!this.#keys.has(key)) {
      if (!KEY.test(key) || key === '__proto__' || NULL.test(key) || TRUE.test(key) || FALSE.test(key)) bail();
      this.#keys.add(key);
    }
    this.#i = end + 1;
    return key;
  }

  #enter(depth: number): void {
    if (depth > LIMITS.maxNestingDepth) bail(); // the YAML library path reports it
  }

  #blockMapping(indent: number, depth: number): Record<string, unknown> {
    this.#enter(depth);
    const s = this.#s;
    const obj: Record<string, unknown> = {};
    const mark = this.#pending.length;
    for (;;) {
      const keyAt = this.#i;
      if (!this.#atKey()) bail();
      const key = this.#readKey();
      if (Object.hasOwn(obj, key)) bail(); // the YAML library reports duplicate keys
      while (s.charCodeAt(this.#i) === SPACE) this.#i++;
      let value: unknown;
      let valueAt: number;
      this.#lastOffsets = undefined;
      const c = s.charCodeAt(this.#i);
      if (this.#i >= s.length || c === NL || c === HASH) {
        // The value is a block node on the next lines: more indented, or a sequence at this indentation.
        if (c === HASH && s.charCodeAt(this.#i - 1) !== SPACE) bail();
        this.#nextContent();
        if (this.#i >= s.length) bail(); // an empty value
        const col = this.#column();
        const isSeq = s.charCodeAt(this.#i) === DASH && this.#isSeparator(this.#i + 1);
        if (col < indent || (col === indent && !isSeq)) bail(); // an empty value
        valueAt = this.#i;
        value = col === indent ? this.#blockSequence(col, depth + 1) : this.#blockNode(indent, depth + 1);
      } else {
        valueAt = this.#i;
        value = this.#flowValue(false, depth + 1);
        this.#endOfLine();
      }
      obj[key] = value;
      this.#pending.push(keyAt, valueAt, this.#lastOffsets);
      this.#nextContent();
      if (this.#i >= s.length) break;
      const col = this.#column();
      if (col < indent) break;
      if (col > indent) bail();
      if (s.charCodeAt(this.#i) === DASH && this.#isSeparator(this.#i + 1)) break; // the parent's sequence at the same indentation
    }
    this.#lastOffsets = this.#pending.splice(mark);
    return obj;
  }

  #blockSequence(indent: number, depth: number): unknown[] {
    this.#enter(depth);
    const s = this.#s;
    const list: unknown[] = [];
    const mark = this.#pending.length;
    for (;;) {
      this.#i++; // the dash
      const afterDash = this.#i;
      while (s.charCodeAt(this.#i) === SPACE) this.#i++;
      const c = s.charCodeAt(this.#i);
      if (this.#i >= s.length || c === NL || c === HASH) {
        if (c === HASH && this.#i === afterDash) bail();
        this.#nextContent();
        if (this.#i >= s.length || this.#column() <= indent) bail(); // an empty item
        this.#pending.push(this.#i);
        this.#lastOffsets = undefined;
        list.push(this.#blockNode(indent, depth + 1));
        this.#pending.push(this.#lastOffsets);
      } else if (c === DASH && this.#isSeparator(this.#i + 1)) {
        bail(); // `- - x`: a compact nested sequence
      } else {
        this.#pending.push(this.#i);
        this.#lastOffsets = undefined;
        // `- key: value` starts a mapping whose indentation is the key's column.
        list.push(this.#atKey() ? this.#blockMapping(this.#column(), depth + 1) : this.#inlineItem(depth + 1));
        this.#pending.push(this.#lastOffsets);
      }
      this.#nextContent();
      if (this.#i >= s.length) break;
      const col = this.#column();
      if (col < indent) break;
      if (col > indent || s.charCodeAt(this.#i) !== DASH || !this.#isSeparator(this.#i + 1)) {
        if (col === indent) break; // the parent mapping's next key at the same indentation
        bail();
      }
    }
    this.#lastOffsets = this.#pending.splice(mark);
    return list;
  }

  #inlineItem(depth: number): unknown {
    const value = this.#flowValue(false, depth);
    this.#endOfLine();
    return value;
  }

  /** A scalar or a one-line flow collection. `flow`: inside a flow collection. */
  #flowValue(flow: boolean, depth: number): unknown {
    const c = this.#s.charCodeAt(this.#i);
    if (c === LBRACE) return this.#flowMapping(depth);
    if (c === LBRACKET) return this.#flowSequence(depth);
    if (c === SQUOTE) return this.#singleQuoted();
    if (c === DQUOTE) return this.#doubleQuoted();
    return this.#plain(flow);
  }

  #flowMapping(depth: number): Record<string, unknown> {
    this.#enter(depth);
    const s = this.#s;
    const obj: Record<string, unknown> = {};
    const mark = this.#pending.length;
    this.#i++;
    this.#spaces();
    if (s.charCodeAt(this.#i) === RBRACE) {
      this.#i++;
    } else {
      for (;;) {
        const keyAt = this.#i;
        if (!this.#atKey()) bail();
        const key = this.#readKey();
        if (Object.hasOwn(obj, key)) bail();
        this.#spaces();
        const valueAt = this.#i;
        const v = s.charCodeAt(this.#i);
        if (v === COMMA || v === RBRACE) bail(); // an empty value
        this.#lastOffsets = undefined;
        obj[key] = this.#flowValue(true, depth + 1);
        this.#pending.push(keyAt, valueAt, this.#lastOffsets);
        this.#spaces();
        const next = s.charCodeAt(this.#i++);
        if (next === RBRACE) break;
        if (next !== COMMA) bail();
        this.#spaces();
        if (s.charCodeAt(this.#i) === RBRACE) bail(); // a trailing comma
      }
    }
    this.#lastOffsets = this.#pending.splice(mark);
    return obj;
  }

  #flowSequence(depth: number): unknown[] {
    this.#enter(depth);
    const s = this.#s;
    const list: unknown[] = [];
    const mark = this.#pending.length;
    this.#i++;
    this.#spaces();
    if (s.charCodeAt(this.#i) === RBRACKET) {
      this.#i++;
    } else {
      for (;;) {
        const c = s.charCodeAt(this.#i);
        if (c === COMMA || c === RBRACKET) bail();
        this.#pending.push(this.#i);
        this.#lastOffsets = undefined;
        list.push(this.#flowValue(true, depth + 1));
        this.#pending.push(this.#lastOffsets);
        this.#spaces();
        const next = s.charCodeAt(this.#i++);
        if (next === RBRACKET) break;
        if (next !== COMMA) bail(); // includes `[a: b]`, a single-pair mapping
        this.#spaces();
        if (s.charCodeAt(this.#i) === RBRACKET) bail();
      }
    }
    this.#lastOffsets = this.#pending.splice(mark);
    return list;
  }

  /** Spaces inside a flow collection; a line break or a comment there is left to the YAML library. */
  #spaces(): void {
    while (this.#s.charCodeAt(this.#i) === SPACE) this.#i++;
    const c = this.#s.charCodeAt(this.#i);
    if (c === NL || c === HASH || this.#i >= this.#s.length) bail();
  }

  #plain(flow: boolean): unknown {
    const s = this.#s;
    const start = this.#i;
    const first = s.charCodeAt(start);
    if (!plainStart(first) && !(first === DASH && plainStart(s.charCodeAt(start + 1)))) bail();
    let j = start + 1;
    for (; j < s.length; j++) {
      const c = s.charCodeAt(j);
      if (c === NL) break;
      if (c === COLON) {
        if (this.#isSeparator(j + 1) || flow) break; // a key indicator (or a `:` this reader does not judge)
        bail();
      }
      if (c === HASH) {
        if (s.charCodeAt(j - 1) === SPACE) break; // a comment
        bail();
      }
      if (flow && (c === COMMA || c === RBRACE || c === RBRACKET)) break;
      if (!plainInner(c, flow)) bail();
    }
    let end = j;
    while (s.charCodeAt(end - 1) === SPACE) end--;
    if (s.charCodeAt(j) === COLON) bail(); // `a: b: c`, or a key where a value was expected
    this.#i = end;
    return typed(s.slice(start, end));
  }

  #singleQuoted(): string {
    const s = this.#s;
    let out = '';
    let from = this.#i + 1;
    for (;;) {
      const q = s.indexOf("'", from);
      const nl = s.indexOf('\n', from);
      if (q < 0 || (nl >= 0 && nl < q)) bail(); // multi-line: folding is the YAML library's job
      out += s.slice(from, q);
      if (s.charCodeAt(q + 1) === SQUOTE) {
        out += "'";
        from = q + 2;
        continue;
      }
      this.#i = q + 1;
      return out;
    }
  }

  #doubleQuoted(): string {
    const s = this.#s;
    const start = this.#i + 1;
    for (let j = start; j < s.length; j++) {
      const c = s.charCodeAt(j);
      if (c === DQUOTE) {
        this.#i = j + 1;
        return s.slice(start, j);
      }
      if (c === BACKSLASH || c === NL) bail(); // escapes and folding are the YAML library's job
    }
    return bail();
  }
}

/** Position of `key` among an object's own keys (insertion order: this reader makes no integer-like keys). */
function keyIndex(obj: object, key: string): number {
  if (!Object.hasOwn(obj, key)) return -1;
  let i = 0;
  for (const k in obj) {
    if (k === key) return i;
    i++;
  }
  return -1;
}

/** First characters of the plain scalars that may be null, a boolean or a number; any other is a string. */
const SPECIAL_START = new Set([...'~nNtTfF0123456789-+.'].map((c) => c.charCodeAt(0)));

function typed(text: string): unknown {
  if (!SPECIAL_START.has(text.charCodeAt(0))) return text;
  if (NULL.test(text)) return null;
  if (TRUE.test(text)) return true;
  if (FALSE.test(text)) return false;
  if (SIMPLE_INT.test(text)) return Number(text);
  if (OTHER_NUMBER.test(text)) bail(); // floats, signs, leading zeros, octal, hex: the YAML library's job
  return text;
}

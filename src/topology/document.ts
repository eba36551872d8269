// YAML/JSON files (topology, policy packs, waivers, ConfigMaps) are untrusted input: a pull request
// can put anything in them. Every way YAML can be turned against a reader is bounded here, each with
// a one-line error naming file:line:column (docs/security.md, "Limits"):
// size, structure count, nesting depth, aliases (count, recursion and expansion: "billion laughs"),
// duplicate keys, non-UTF-8 text. The YAML library parses; we convert its tree to plain data
// ourselves, so these checks see every node before any consumer does.
import { jsonProblem, looksLikeJson, yamlProblem } from './syntax-errors.ts';
import { LineCounter, parseAllDocuments, isMap, isSeq, isPair, isScalar, isAlias, type Node, type Document, type Pair } from 'yaml';
import { InputError } from '../errors.ts';
import { LIMITS } from '../limits.ts';
import { ReadRefused, readBounded, type ReadOptions } from '../sources/read.ts';
import type { Location } from '../domain/location.ts';
import { parsePlainYaml, type DocPath, type PlainDocument } from './plain-yaml.ts';

export type { DocPath };

/** A parsed YAML/JSON file that remembers where every node came from. */
export interface SourceDocument {
  readonly file: string;
  readonly data: unknown;
  /** The location of the node at `path` (its key when `key` is set); the nearest ancestor if absent. */
  locate(path: DocPath, key?: boolean): Location;
  /** The decoded text, for a reader that points inside a scalar (a CEL expression's error). */
  readonly text?: string;
}

/**
 * Reads and parses one config file. `o.regularOnly`/`o.noFollow` apply to paths that came from the
 * input (a pack named by the topology), not to the file named on the command line.
 */
export async function readSourceDocument(absolute: string, display: string, o: Omit<ReadOptions, 'limit'> = {}, onText?: (text: string) => void): Promise<SourceDocument> {
  let bytes: Buffer;
  try {
    bytes = await readBounded(absolute, { limit: LIMITS.maxConfigFileBytes, ...o });
  } catch (err) {
    throw new InputError(`cannot read ${display}: ${describeIoError(err)}`);
  }
  return parseSourceDocument(bytes, display, onText);
}

export function describeIoError(err: unknown): string {
  if (err instanceof ReadRefused) return err.message;
  const code = (err as NodeJS.ErrnoException)?.code;
  if (code === 'ENOENT' || code === 'ENOTDIR') return 'no such file';
  if (code === 'EISDIR') return 'is a directory';
  if (code === 'EACCES' || code === 'EPERM') return 'permission denied';
  if (code === 'ELOOP') return 'too many levels of symlinks';
  if (code === 'ENAMETOOLONG') return 'file name too long';
  if (code === 'ERR_INVALID_ARG_VALUE' || code === 'ERR_INVALID_ARG_TYPE') return 'not a valid file name';
  return code ?? (err instanceof Error ? err.message : String(err));
}

/** Parses a file that must hold exactly one YAML (or JSON) document. */
/** `onText`: given the decoded text before it is parsed. */
export function parseSourceDocument(bytes: Uint8Array, file: string, onText?: (text: string) => void): SourceDocument {
  const text = decodeText(bytes, file, LIMITS.maxConfigFileBytes);
  onText?.(text);
  // The plain-YAML fast path (ADR 0061) declines anything it cannot read exactly as the YAML library
  // would, including every construct the limits below guard against (aliases, deep nesting, odd keys).
  const plain = parsePlainYaml(text);
  if (plain && plain.data !== null && plain.data !== undefined) return { ...plainDocument(plain, file), text };
  return { ...parseYamlText(text, file), text };
}

/** The YAML library's parse of a whole single-document text (the path for anything parsePlainYaml declines). */
export function parseYamlText(text: string, file: string): SourceDocument {
  const docs = parseYamlTextDocuments(text, file);
  const first = docs[0];
  if (!first || first.data === null) throw new InputError('the file is empty', { file, line: 1, column: 1 });
  if (docs.length > 1) throw new InputError('expected a single YAML document', docs[1]!.start);
  return first;
}

/** The fast path's document (src/topology/plain-yaml.ts): same data and locations, a fraction of the time. */
function plainDocument(doc: PlainDocument, file: string): SourceDocument {
  return {
    file,
    data: doc.data,
    locate: (path, key) => {
      // Written out, not spread: a topology keeps ~8 locations per broker for the whole run.
      const { line, column } = doc.position(doc.offsetOf(path, key ?? false));
      return { file, line, column };
    },
  };
}

interface ParsedDocument extends SourceDocument {
  /** Where the document starts (for "expected a single document"). */
  readonly start: Location;
}

/** Decodes and parses every YAML document in a file, enforcing the limits. Throws InputError. */
export function parseYamlDocuments(bytes: Uint8Array, file: string, maxBytes: number): ParsedDocument[] {
  return parseYamlTextDocuments(decodeText(bytes, file, maxBytes), file);
}

function parseYamlTextDocuments(text: string, file: string): ParsedDocument[] {
  const lineCounter = new LineCounter();
  const at = (offset: number): Location => {
    const p = lineCounter.linePos(offset);
    return { file, line: p.line, column: p.col };
  };
  let docs: Document.Parsed[];
  try {
    docs = [
      // Duplicate keys are found while converting (the library's own check is quadratic in the keys).
      ...parseAllDocuments(text, { lineCounter, uniqueKeys: false, strict: true, prettyErrors: false, merge: false, version: '1.2' }),
    ];
  } catch (err) {
    // The parser recurses per nesting level; a document nested deeply enough exhausts the stack.
    if (err instanceof RangeError) throw new InputError(`nesting deeper than ${LIMITS.maxNestingDepth} levels`, { file, line: 1, column: 1 });
    throw err;
  }
  const out: ParsedDocument[] = [];
  const converter = new Converter(at);
  for (const doc of docs) {
    const problem = doc.errors[0] ?? doc.warnings[0];
    if (problem) {
      if (/call stack/i.test(problem.message)) throw new InputError(`nesting deeper than ${LIMITS.maxNestingDepth} levels`, at(problem.pos[0]));
      if (looksLikeJson(text, file)) {
        const json = jsonProblem(text);
        if (json) throw new InputError(json.message, json.line !== undefined ? { file, line: json.line, column: json.column! } : at(problem.pos[0]));
      }
      const where = at(problem.pos[0]);
      const lines = text.split('\n');
      const said = yamlProblem(problem.code, oneLine(problem.message), where.line, (n) => lines[n - 1]);
      throw new InputError(said.message, said.line !== undefined && said.line !== where.line ? { file, line: said.line, column: 1 } : where);
    }
    converter.anchors.clear(); // anchors are scoped to their document
    const data = doc.contents === null ? null : converter.convert(doc.contents, 0).value;
    out.push({ file, data, start: at(doc.range[0]), locate: (path, key) => locateIn(doc, path, key ?? false, at) });
  }
  return out;
}

const utf8 = new TextDecoder('utf-8', { fatal: true });

function decodeText(bytes: Uint8Array, file: string, maxBytes: number): string {
  if (bytes.length > maxBytes) throw new InputError(`${file} is ${bytes.length} bytes; the limit is ${maxBytes}`);
  if ((bytes[0] === 0xff && bytes[1] === 0xfe) || (bytes[0] === 0xfe && bytes[1] === 0xff)) {
    throw new InputError(`${file} is UTF-16 text; save it as UTF-8`);
  }
  let text: string;
  try {
    text = utf8.decode(bytes);
  } catch {
    throw new InputError(`${file} is not valid UTF-8 text`);
  }
  if (text.charCodeAt(0) === 0xfeff) text = text.slice(1);
  // The YAML library needs ~1 KiB of memory per node; count what can become a node before parsing.
  // Every node but a nested one needs a line break or a flow separator, and nesting is bounded below.
  let items = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === 0x0a || c === 0x2c || c === 0x5b || c === 0x7b) items++;
  }
  if (items > LIMITS.maxConfigItems) {
    throw new InputError(`${file} has more than ${LIMITS.maxConfigItems} lines and flow items; the limit keeps parsing bounded`);
  }
  return text;
}

const oneLine = (s: string): string => s.split('\n')[0]!.replace(/ at line \d+, column \d+:?$/, '').trim();

interface Converted {
  readonly value: unknown;
  /** Collection levels inside (a scalar is 0). */
  readonly height: number;
  /** Values it stands for, aliases expanded. */
  readonly size: number;
}

/**
 * Turns the YAML tree into plain data, checking as it goes: nesting depth (aliases included), the
 * number of aliases, recursive aliases, how much the aliases expand to, keys that collide once
 * converted (`1` and `"1"`), and non-scalar keys. Aliased values are shared, not copied.
 */
class Converter {
  readonly anchors = new Map<string, Node>();
  readonly #done = new Map<Node, Converted>();
  readonly #open = new Set<Node>();
  #aliases = 0;
  #expansion = 0;

  readonly at: (offset: number) => Location;

  constructor(at: (offset: number) => Location) {
    this.at = at;
  }

  convert(node: unknown, depth: number): Converted {
    if (isAlias(node)) return this.#alias(node, depth);
    if (isScalar(node)) {
      const value = typeof node.value === 'bigint' ? Number(node.value) : node.value;
      return this.#finish(node, { value, height: 0, size: 1 });
    }
    if (isMap(node) || isSeq(node)) {
      if (depth > LIMITS.maxNestingDepth) throw new InputError(`nesting deeper than ${LIMITS.maxNestingDepth} levels`, this.#where(node));
      if (node.anchor) this.#open.add(node);
      this.#define(node);
      let height = 0;
      let size = 1;
      let value: unknown;
      if (isMap(node)) {
        const obj: Record<string, unknown> = {};
        for (const pair of node.items) {
          const key = this.#key(pair, depth + 1);
          if (Object.hasOwn(obj, key)) throw new InputError(`YAML: duplicate key '${key}'`, this.#where(pair.key ?? node));
          const v = pair.value === null ? { value: null, height: 0, size: 1 } : this.convert(pair.value, depth + 1);
          // Assigning '__proto__' would replace the prototype instead of adding a key.
          if (key === '__proto__') Object.defineProperty(obj, key, { value: v.value, enumerable: true, writable: true, configurable: true });
          else obj[key] = v.value;
          height = Math.max(height, v.height);
          size += v.size;
        }
        value = obj;
      } else {
        const list: unknown[] = [];
        for (const item of node.items) {
          if (isPair(item)) throw new InputError('YAML: a key-value pair inside a sequence is not supported here', this.#where(item.key ?? node));
          const v = item === null ? { value: null, height: 0, size: 1 } : this.convert(item, depth + 1);
          list.push(v.value);
          height = Math.max(height, v.height);
          size += v.size;
        }
        value = list;
      }
      this.#open.delete(node);
      return this.#finish(node, { value, height: height + 1, size });
    }
    throw new InputError('YAML: unsupported construct', this.#where(node));
  }

  #where(node: unknown): Location {
    return this.at((node as Node | null)?.range?.[0] ?? 0);
  }

  #define(node: Node): void {
    if (node.anchor) this.anchors.set(node.anchor, node);
  }

  #finish(node: Node, c: Converted): Converted {
    if (isScalar(node)) this.#define(node);
    if (node.anchor) this.#done.set(node, c);
    return c;
  }

  #alias(alias: Node & { source: string }, depth: number): Converted {
    const where = this.#where(alias);
    if (++this.#aliases > LIMITS.maxYamlAliasCount) throw new InputError(`more than ${LIMITS.maxYamlAliasCount} YAML aliases`, where);
    const target = this.anchors.get(alias.source);
    if (target && this.#open.has(target)) throw new InputError(`YAML: alias *${alias.source} is inside the node it refers to (a recursive alias)`, where);
    const c = target && this.#done.get(target);
    if (!c) throw new InputError(`YAML: alias *${alias.source} has no anchor before it`, where);
    if (c.height > 0 && depth + c.height - 1 > LIMITS.maxNestingDepth) {
      throw new InputError(`nesting deeper than ${LIMITS.maxNestingDepth} levels (through alias *${alias.source})`, where);
    }
    this.#expansion += c.size;
    if (this.#expansion > LIMITS.maxYamlAliasExpansion) {
      throw new InputError(`YAML aliases expand to more than ${LIMITS.maxYamlAliasExpansion} values (a "billion laughs" document)`, where);
    }
    return c;
  }

  #key(pair: Pair, depth: number): string {
    const k = pair.key;
    if (k === null || k === undefined) return '';
    const c = isScalar(k) || isAlias(k) ? this.convert(k, depth) : undefined;
    if (!c || c.height > 0) throw new InputError('YAML: only plain scalar mapping keys are supported', this.#where(k));
    return c.value === null ? '' : String(c.value);
  }
}

/** Map keys by name, built once per map: finding many keys in a huge map stays linear. */
const mapIndex = new WeakMap<object, Map<string, Pair>>();

function pairOf(map: { items: Pair[] }, key: string): Pair | undefined {
  let index = mapIndex.get(map);
  if (!index) {
    index = new Map();
    for (const p of map.items) {
      const k = isScalar(p.key) ? String(p.key.value) : undefined;
      if (k !== undefined && !index.has(k)) index.set(k, p);
    }
    mapIndex.set(map, index);
  }
  return index.get(key);
}

function locateIn(doc: Document, path: DocPath, key: boolean, at: (o: number) => Location): Location {
  let node: unknown = doc.contents;
  let best: Node | undefined = doc.contents ?? undefined;
  for (let i = 0; i < path.length; i++) {
    const seg = path[i]!;
    if (isAlias(node)) break;
    if (isMap(node)) {
      const pair = pairOf(node, String(seg));
      if (!pair) break;
      const last = i === path.length - 1;
      if (last && key && isScalar(pair.key)) return at(pair.key.range?.[0] ?? 0);
      node = pair.value;
      best = (pair.value as Node | null) ?? (pair.key as Node);
    } else if (isSeq(node) && typeof seg === 'number') {
      const item = node.items[seg];
      if (item === undefined) break;
      node = item;
      best = item as Node;
    } else break;
  }
  return at(best?.range?.[0] ?? 0);
}

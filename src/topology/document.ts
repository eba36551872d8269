import { readFile } from 'node:fs/promises';
import { LineCounter, parseAllDocuments, isMap, isSeq, isPair, isScalar, isAlias, type Node, type Document } from 'yaml';
import { InputError } from '../errors.ts';
import { LIMITS } from '../limits.ts';
import type { Location } from './model.ts';
import { parsePlainYaml, type PlainDocument } from './plain-yaml.ts';

export type DocPath = readonly (string | number)[];

/** A parsed YAML/JSON file that remembers where every node came from. */
export interface SourceDocument {
  readonly file: string;
  readonly data: unknown;
  /** The location of the node at `path` (its key when `key` is set); the nearest ancestor if absent. */
  locate(path: DocPath, key?: boolean): Location;
}

const utf8 = new TextDecoder('utf-8', { fatal: true });

export async function readSourceDocument(absolute: string, display: string): Promise<SourceDocument> {
  let bytes: Buffer;
  try {
    bytes = await readFile(absolute);
  } catch (err) {
    throw new InputError(`cannot read ${display}: ${describeIoError(err)}`);
  }
  return parseSourceDocument(bytes, display);
}

export function describeIoError(err: unknown): string {
  const code = (err as NodeJS.ErrnoException)?.code;
  if (code === 'ENOENT') return 'no such file';
  if (code === 'EISDIR') return 'is a directory';
  if (code === 'EACCES' || code === 'EPERM') return 'permission denied';
  return code ?? (err instanceof Error ? err.message : String(err));
}

export function parseSourceDocument(bytes: Uint8Array, file: string): SourceDocument {
  if (bytes.length > LIMITS.maxConfigFileBytes) {
    throw new InputError(`${file} is ${bytes.length} bytes; the limit is ${LIMITS.maxConfigFileBytes}`);
  }
  let text: string;
  try {
    text = utf8.decode(bytes);
  } catch {
    throw new InputError(`${file} is not valid UTF-8 text`);
  }
  if (text.charCodeAt(0) === 0xfeff) text = text.slice(1);
  const plain = parsePlainYaml(text);
  return plain ? plainDocument(plain, file) : parseYamlText(text, file);
}

/** The YAML library's parse of a whole single-document text (the path for anything parsePlainYaml declines). */
export function parseYamlText(text: string, file: string): SourceDocument {
  const lineCounter = new LineCounter();
  const at = (offset: number): Location => {
    const p = lineCounter.linePos(offset);
    return { file, line: p.line, column: p.col };
  };
  const docs = parseAllDocuments(text, {
    lineCounter,
    uniqueKeys: true,
    strict: true,
    prettyErrors: false,
    merge: false,
  });
  const list = [...docs];
  const first = list[0];
  if (!first || first.contents === null) throw new InputError('the file is empty', { file, line: 1, column: 1 });
  const problem = first.errors[0] ?? first.warnings[0];
  if (problem) throw new InputError(`YAML: ${oneLine(problem.message)}`, at(problem.pos[0]));
  if (list.length > 1) throw new InputError('expected a single YAML document', at(list[1]!.range[0]));
  checkDepth(first.contents, 0, at);
  let data: unknown;
  try {
    data = first.toJS({ maxAliasCount: LIMITS.maxYamlAliasCount });
  } catch (err) {
    throw new InputError(`YAML: ${oneLine(err instanceof Error ? err.message : String(err))}`, { file, line: 1, column: 1 });
  }
  return { file, data, locate: (path, key) => locateIn(first, path, key ?? false, at) };
}

/** The fast path's document (src/topology/plain-yaml.ts): same data and locations, a fraction of the time. */
function plainDocument(doc: PlainDocument, file: string): SourceDocument {
  return { file, data: doc.data, locate: (path, key) => ({ file, ...doc.position(doc.offsetOf(path, key ?? false)) }) };
}

const oneLine = (s: string): string => s.split('\n')[0]!.replace(/ at line \d+, column \d+:?$/, '').trim();

function checkDepth(node: unknown, depth: number, at: (o: number) => Location): void {
  if (!isMap(node) && !isSeq(node)) return;
  if (depth > LIMITS.maxNestingDepth) {
    throw new InputError(`nesting deeper than ${LIMITS.maxNestingDepth} levels`, at(node.range?.[0] ?? 0));
  }
  for (const item of node.items) {
    if (isPair(item)) {
      checkDepth(item.key, depth + 1, at);
      checkDepth(item.value, depth + 1, at);
    } else checkDepth(item, depth + 1, at);
  }
}

function locateIn(doc: Document, path: DocPath, key: boolean, at: (o: number) => Location): Location {
  let node: unknown = doc.contents;
  let best: Node | undefined = doc.contents ?? undefined;
  for (let i = 0; i < path.length; i++) {
    const seg = path[i]!;
    if (isAlias(node)) break;
    if (isMap(node)) {
      const pair = node.items.find((p) => isScalar(p.key) && String(p.key.value) === String(seg));
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

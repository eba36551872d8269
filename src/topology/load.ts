import { stat } from 'node:fs/promises';
import path from 'node:path';
import { InputError } from '../errors.ts';

const DEFAULT_TOPOLOGY_NAME = 'rc-topology.yaml';
import { readSourceDocument, type SourceDocument } from './document.ts';
import { validateDocument, type SchemaViolation } from './schema.ts';
import { resolveTopology } from './resolve.ts';
import type { Topology } from './model.ts';

export interface LoadedTopology {
  readonly document: SourceDocument;
  /** Schema violations; when there are any, `topology` is absent and no other rule can run. */
  readonly violations: readonly SchemaViolation[];
  readonly topology?: Topology;
}

/** Reads, parses and schema-checks a topology file. Throws InputError when it cannot be read or parsed. */
/**
 * `onText`: given the topology file's text before it is parsed (a caller may start work that does
 * not need the parsed topology: ../sources/preload.ts).
 */
export async function loadTopology(file: string, cwd = process.cwd(), onText?: (text: string, absolute: string) => void): Promise<LoadedTopology> {
  const absolute = await topologyFile(path.resolve(cwd, file), cwd);
  const document = await readSourceDocument(absolute, displayPath(absolute, cwd), {}, onText && ((text) => onText(text, absolute)));
  const violations = validateDocument(document, 'topology');
  if (violations.length > 0) return { document, violations };
  return { document, violations, topology: resolveTopology(document, absolute) };
}

/** A folder named on the command line means the topology inside it (`rc-policy check examples/rc-system`). */
async function topologyFile(absolute: string, cwd: string): Promise<string> {
  const isFolder = await stat(absolute).then((s) => s.isDirectory(), () => false);
  if (!isFolder) return absolute;
  const inside = path.join(absolute, DEFAULT_TOPOLOGY_NAME);
  if (await stat(inside).then((s) => s.isFile(), () => false)) return inside;
  throw new InputError(`${displayPath(absolute, cwd)} is a folder with no ${DEFAULT_TOPOLOGY_NAME} in it: pass the topology file itself`);
}

let normalisedCwd: [string, string] | undefined;
const DOT_SEGMENT = /(^|[\\/])\.\.?([\\/]|$)/;

/** Paths in reports: relative to the working directory when inside it, with forward slashes. */
export function displayPath(absolute: string, cwd = process.cwd()): string {
  // The usual case without path.relative (10,000 certificate files: ~0.1 s): a file below cwd.
  if (normalisedCwd?.[0] !== cwd) normalisedCwd = [cwd, path.resolve(cwd)];
  const base = normalisedCwd[1];
  if (absolute.length > base.length + 1 && absolute.startsWith(base) && absolute[base.length] === path.sep) {
    const rest = absolute.slice(base.length + 1);
    if (!rest.startsWith('..') && !DOT_SEGMENT.test(rest)) return rest.split(path.sep).join('/');
  }
  const rel = path.relative(cwd, absolute);
  const shown = rel && !rel.startsWith('..') && !path.isAbsolute(rel) ? rel : absolute;
  return shown.split(path.sep).join('/');
}

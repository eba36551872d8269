// The layers of src/ (ADR 0081): every import — type-only ones and dynamic ones included — points
// down or stays in its layer, and no module imports itself through others. The imports are read by
// a real parser (oxc), not by patterns.
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { parseSync } from 'oxc-parser';
import { describe, expect, it } from 'vitest';

/** Bottom first. A file belongs to the layer of its longest matching prefix. */
export const LAYERS: readonly (readonly [name: string, prefixes: readonly string[]])[] = [
  ['domain', ['src/domain/']],
  ['base', ['src/errors.ts', 'src/printable.ts', 'src/redact.ts', 'src/limits.ts', 'src/package.ts', 'src/suggest.ts']],
  // Renderers read the report and nothing of the pipeline: low, so that a renderer importing a rule fails here.
  ['report', ['src/report/']],
  ['document', ['src/sources/read.ts', 'src/topology/document.ts', 'src/topology/plain-yaml.ts', 'src/topology/syntax-errors.ts', 'src/topology/schema.ts', 'src/topology/validators.generated.js']],
  ['pki', ['src/pki/']],
  ['topology', ['src/topology/']],
  ['model', ['src/model/']],
  ['sources', ['src/sources/']],
  ['matrix', ['src/matrix.ts']],
  ['rules', ['src/rules/']],
  ['policy', ['src/policy/']],
  ['engine', ['src/engine.ts']],
  ['jobs', ['src/check.ts', 'src/audit.ts', 'src/verify.ts', 'src/shard.ts', 'src/merge.ts', 'src/init/', 'src/lab/']],
  ['api', ['src/index.ts']],
  ['shell', ['src/shell/']],
  ['shells', ['src/commands/', 'src/action.ts']],
  ['cli', ['src/cli.ts']],
];

function layerOf(file: string): number {
  let best = -1;
  let length = 0;
  LAYERS.forEach(([, prefixes], i) => {
    for (const p of prefixes) if (file.startsWith(p) && p.length > length) [best, length] = [i, p.length];
  });
  return best;
}

const sources = (dir: string): string[] =>
  readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const p = `${dir}/${e.name}`;
    if (e.isDirectory()) return sources(p);
    return /\.(ts|js)$/.test(e.name) && !e.name.endsWith('.d.ts') ? [p] : [];
  });

/** Every module a file imports or re-exports, statically or with import(), as repository paths. */
export function importsOf(file: string, text = readFileSync(file, 'utf8')): string[] {
  const { module, errors } = parseSync(file, text);
  if (errors.length > 0) throw new Error(`${file}: ${errors[0]!.message}`);
  const specifiers = [
    ...module.staticImports.map((i) => i.moduleRequest.value),
    ...module.staticExports.flatMap((e) => e.entries.flatMap((x) => (x.moduleRequest ? [x.moduleRequest.value] : []))),
    ...module.dynamicImports.map((d) => text.slice(d.moduleRequest.start, d.moduleRequest.end)).flatMap((s) => (/^['"][^'"]+['"]$/.test(s) ? [s.slice(1, -1)] : [])),
  ];
  return [...new Set(specifiers.filter((s) => s.startsWith('.')).map((s) => path.posix.normalize(path.posix.join(path.posix.dirname(file), s))))];
}

const graph = new Map(sources('src').map((f) => [f, importsOf(f).filter((t) => t.startsWith('src/'))]));

/** The cycles of a graph (Tarjan's strongly connected components of more than one module, or a self-import). */
export function cycles(g: ReadonlyMap<string, readonly string[]>): string[][] {
  const index = new Map<string, number>();
  const low = new Map<string, number>();
  const stack: string[] = [];
  const onStack = new Set<string>();
  const out: string[][] = [];
  let next = 0;
  const visit = (v: string): void => {
    index.set(v, next);
    low.set(v, next++);
    stack.push(v);
    onStack.add(v);
    for (const w of g.get(v) ?? []) {
      if (!index.has(w)) {
        visit(w);
        low.set(v, Math.min(low.get(v)!, low.get(w)!));
      } else if (onStack.has(w)) low.set(v, Math.min(low.get(v)!, index.get(w)!));
    }
    if (low.get(v) !== index.get(v)) return;
    const scc: string[] = [];
    let w: string;
    do {
      w = stack.pop()!;
      onStack.delete(w);
      scc.push(w);
    } while (w !== v);
    if (scc.length > 1 || g.get(v)?.includes(v)) out.push(scc.sort());
  };
  for (const v of g.keys()) if (!index.has(v)) visit(v);
  return out;
}

describe('the layers of src/', () => {
  it('places every source file in a layer', () => {
    expect([...graph.keys()].filter((f) => layerOf(f) < 0)).toEqual([]);
  });

  it('has no import from a lower layer to a higher one', () => {
    const upward = [...graph].flatMap(([from, tos]) =>
      tos.filter((to) => layerOf(to) > layerOf(from)).map((to) => `${from} (${LAYERS[layerOf(from)]![0]}) -> ${to} (${LAYERS[layerOf(to)]![0]})`),
    );
    expect(upward).toEqual([]);
  });

  it('has no import cycle', () => {
    expect(cycles(graph)).toEqual([]);
  });

  it('catches what it is for: an upward import, a type-only one, a dynamic one, and a cycle', () => {
    expect(importsOf('src/pki/x.ts', "import type { Report } from '../domain/report.ts';\nexport { a } from './a.ts';\nconst m = await import('../cli.ts');\n")).toEqual([
      'src/domain/report.ts',
      'src/pki/a.ts',
      'src/cli.ts',
    ]);
    expect(layerOf('src/cli.ts')).toBeGreaterThan(layerOf('src/pki/x.ts'));
    expect(cycles(new Map([['a', ['b']], ['b', ['c']], ['c', ['a']], ['d', ['a']]]))).toEqual([['a', 'b', 'c']]);
  });
});

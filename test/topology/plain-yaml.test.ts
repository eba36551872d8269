// The fast path for plain YAML (src/topology/plain-yaml.ts) must be invisible: whenever it accepts a
// text, the data and every location equal the YAML library's, and it never accepts what the library
// rejects. Checked on generated documents (valid and not), on every YAML/JSON file in the repository
// and on the shapes of the 10,000-broker bench topology.
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { isDeepStrictEqual } from 'node:util';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { parsePlainYaml } from '../../src/topology/plain-yaml.ts';
import { parseSourceDocument, parseYamlText, type DocPath } from '../../src/topology/document.ts';
import { InputError } from '../../src/errors.ts';

const ROOT = path.resolve(import.meta.dirname, '../..');

/** Every path to a value in `data`, plus absent ones next to each (nearest-ancestor behaviour). */
function paths(data: unknown, prefix: (string | number)[] = [], out: DocPath[] = []): DocPath[] {
  out.push(prefix, [...prefix, 'absent'], [...prefix, 99]);
  if (Array.isArray(data)) {
    out.push([...prefix, '0']); // a string index into a sequence finds nothing, in both
    data.forEach((v, i) => paths(v, [...prefix, i], out));
  } else if (data !== null && typeof data === 'object') {
    for (const [k, v] of Object.entries(data)) paths(v, [...prefix, k], out);
  }
  return out;
}

/** undefined: the fast path declined. Otherwise the first difference from the YAML library, or 'same'. */
function compare(text: string): string | undefined {
  const plain = parsePlainYaml(text);
  if (!plain) return undefined;
  const fast = parseSourceDocument(Buffer.from(text), 'f.yaml');
  let slow;
  try {
    slow = parseYamlText(text, 'f.yaml');
  } catch (err) {
    return `the fast path accepted what the YAML library rejects: ${(err as Error).message}`;
  }
  if (!isDeepStrictEqual(fast.data, slow.data)) return `data differs: ${JSON.stringify(fast.data)} vs ${JSON.stringify(slow.data)}`;
  for (const p of paths(slow.data)) {
    for (const key of [false, true]) {
      const a = fast.locate(p, key);
      const b = slow.locate(p, key);
      if (!isDeepStrictEqual(a, b)) return `locate(${JSON.stringify(p)}, ${key}): ${a.line}:${a.column} vs ${b.line}:${b.column}`;
    }
  }
  return 'same';
}

// Scalars as they are written in the source, valid YAML or not: the fast path must decline or agree.
const SCALARS = [
  'foo', 'foo bar', 'a  b', 'broker-1.r0.bench.example', '10.0.1.4', '/abs/path.pem', 'pki/root.pem', 'kv-us',
  '0', '1', '443', '007', '-1', '+1', '1.5', '1e3', '.5', '.inf', '-.Inf', '.nan', '0x1F', '0o17', '123456789012345678',
  'true', 'True', 'TRUE', 'false', 'FALSE', 'yes', 'no', 'on', 'off', '~', 'null', 'Null', 'NULL', '~x',
  "'quoted'", "'it''s'", "''", '"dq"', '""', '"a\\"b"', '"a\\nb"', "it's", 'a#b', 'a #b', 'http://x', 'a:b', 'a: b',
  '-x', '- x', 'x,y', '[x]', '(x)', '@x', '&a x', '*a', '!tag x', '!!str 1', '|', '>', '%x', '`x`', '2026-01-01',
  '2026-01-01T00:00:00Z', 'a=b', 'x+y', '?x', ':x', 'é', 'a\tb', 'trailing ', '{}', '[]', '{ }', '[ ]', '@', 'a;b',
];
const KEYS = ['a', 'b', 'id', 'fqdn', 'b-c', 'd_e', 'on', 'yes', 'null', 'true', '1', '__proto__', 'x y', '"q"', "'q'", '<<', 'a.b', 'c'];

type Tree = { map: [string, Tree][] } | { seq: Tree[] } | { scalar: string };

const tree: fc.Arbitrary<Tree> = fc.letrec<{ node: Tree }>((tie) => ({
  node: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    fc.record({ scalar: fc.constantFrom(...SCALARS) }),
    fc.record({ map: fc.array(fc.tuple(fc.constantFrom(...KEYS), tie('node')), { minLength: 1, maxLength: 4 }) }),
    fc.record({ seq: fc.array(tie('node'), { maxLength: 4 }) }),
  ),
})).node;

interface Style {
  readonly indent: number;
  readonly flowAt: number; // collections at this depth or deeper are written in flow style
  readonly sameIndentSeq: boolean;
  readonly comments: boolean;
  readonly spaces: string; // after ':' and '-'
}

const isCollection = (t: Tree): boolean => !('scalar' in t);

function flow(t: Tree, s: Style): string {
  if ('scalar' in t) return t.scalar;
  if ('seq' in t) return `[${t.seq.map((x) => flow(x, s)).join(', ')}]`;
  return `{${t.map.map(([k, v]) => `${k}:${s.spaces}${flow(v, s)}`).join(', ')}}`;
}

/** Lines of a block node at `depth`, each already indented by `pad`. */
function block(t: Tree, s: Style, depth: number, pad: string): string[] {
  if ('scalar' in t || depth >= s.flowAt) return [`${pad}${flow(t, s)}`];
  const inner = ' '.repeat(s.indent);
  const note = s.comments ? [`${pad}# note`, ''] : [];
  if ('seq' in t) {
    if (t.seq.length === 0) return [`${pad}[]`];
    return t.seq.flatMap((item) => {
      if (!isCollection(item) || depth + 1 >= s.flowAt) return [`${pad}-${s.spaces}${flow(item, s)}`];
      const lines = block(item, s, depth + 1, `${pad}${inner}`);
      // `- key: value` (compact) for a mapping; otherwise the item on the next line.
      return 'map' in item ? [`${pad}-${' '.repeat(s.indent - 1)}${lines[0]!.trimStart()}`, ...lines.slice(1)] : [`${pad}-`, ...lines];
    });
  }
  return [
    ...note,
    ...t.map.flatMap(([k, v]) => {
      if (!isCollection(v) || depth + 1 >= s.flowAt) return [`${pad}${k}:${s.spaces}${flow(v, s)}${s.comments ? ' # c' : ''}`];
      const childPad = 'seq' in v && s.sameIndentSeq ? pad : `${pad}${inner}`;
      return [`${pad}${k}:`, ...block(v, s, depth + 1, childPad)];
    }),
  ];
}

const style: fc.Arbitrary<Style> = fc.record({
  indent: fc.constantFrom(2, 4),
  flowAt: fc.integer({ min: 1, max: 6 }),
  sameIndentSeq: fc.boolean(),
  comments: fc.boolean(),
  spaces: fc.constantFrom(' ', '  '),
});

describe('plain YAML fast path', () => {
  it('agrees with the YAML library on every generated document it accepts, and accepts the plain ones', () => {
    let accepted = 0;
    let runs = 0;
    fc.assert(
      fc.property(tree, style, fc.constantFrom('', '---\n', '# head\n\n'), (t, s, head) => {
        const root: Tree = 'map' in t ? t : { map: [['a', t]] };
        const text = `${head}${block(root, s, 0, '').join('\n')}\n`;
        const verdict = compare(text);
        runs++;
        if (verdict === undefined) return true;
        accepted++;
        if (verdict !== 'same') throw new Error(`${verdict}\n--- text ---\n${text}`);
        return true;
      }),
      { numRuns: 3000, seed: 6006 },
    );
    // Not vacuous: a good share of generated documents take the fast path.
    expect(accepted / runs).toBeGreaterThan(0.1);
  });

  it('agrees with the YAML library on every YAML and JSON file in the repository', () => {
    const files: string[] = [];
    const walk = (dir: string) => {
      for (const e of readdirSync(dir, { withFileTypes: true })) {
        if (e.name === 'node_modules' || e.name.startsWith('.')) continue;
        const p = path.join(dir, e.name);
        if (e.isDirectory()) walk(p);
        else if (/\.(ya?ml|json)$/.test(e.name)) files.push(p);
      }
    };
    for (const d of ['examples', 'policies', 'schema', 'test', 'docs']) walk(path.join(ROOT, d));
    expect(files.length).toBeGreaterThan(10);
    let accepted = 0;
    for (const f of files) {
      const verdict = compare(readFileSync(f, 'utf8').replace(/^\ufeff/, ''));
      if (verdict === undefined) continue;
      accepted++;
      expect(verdict, path.relative(ROOT, f)).toBe('same');
    }
    expect(accepted).toBeGreaterThan(3);
  });

  it('takes the bench topology and the bundled example (the files whose size matters)', () => {
    const bench = [
      'apiVersion: rc-policy/v1',
      'kind: Topology',
      'metadata: {name: bench-2}',
      'cas:',
      '  - {id: root, cert: {file: pki/root.pem}}',
      '  - {id: int-r0, issuer: root, cert: {file: pki/int-r0.pem}}',
      'trustBundles:',
      '  - {id: bench-trust, cas: [root]}',
      'regions:',
      '  - id: r0',
      '    keyVault: {name: kv-bench-r0}',
      '    loadBalancers:',
      '      - {id: slb-r0, type: azure-standard-lb, listeners: [{port: 443, protocol: tcp}], backends: [broker-0, broker-1]}',
      '    brokers:',
      '      - {id: broker-0, fqdn: broker-0.r0.bench.example, port: 443, issuer: int-r0, cert: {file: leaves/broker-0.pem, keyVault: {certificate: broker-0}}, clientAuth: {required: true, trustBundle: bench-trust}}',
      'globalLoadBalancers:',
      '  - {id: crlb, listeners: [{port: 443, protocol: tcp}], backends: [slb-r0]}',
      'clients:',
      '  - {id: client-0, role: controller, region: r0, cert: {file: clients/client-0.pem}, trustBundle: bench-trust, connectsTo: [slb-r0]}',
      '',
    ].join('\n');
    expect(compare(bench)).toBe('same');
    expect(compare(readFileSync(path.join(ROOT, 'examples/rc-system/rc-topology.yaml'), 'utf8'))).toBe('same');
  });

  it.each([
    ['a sequence at its key\'s indentation', 'a:\n- x\n- {b: 1}\nc: 2\n'],
    ['comments and blank lines', '# head\n\na: 1 # one\n\n# mid\nb:\n  # inner\n  - x # ex\n'],
    ['a document start marker', '---\na: [x, \'y\', "z"]\n'],
    ['compact mappings in a sequence', 'a:\n  - id: x\n    n: 1\n  -   id: y\n      n: 2\n'],
  ])('takes %s', (_, text) => {
    expect(compare(text)).toBe('same');
  });

  it.each([
    ['an anchor and alias', 'a: &x 1\nb: *x\n'],
    ['a tag', 'a: !!str 1\n'],
    ['a block scalar', 'a: |\n  text\n'],
    ['a multi-line plain scalar', 'a: one\n  two\n'],
    ['a multi-line flow collection', 'a: [1,\n  2]\n'],
    ['a float', 'a: 1.5\n'],
    ['a duplicate key', 'a: 1\na: 2\n'],
    ['a __proto__ key', '__proto__: 1\n'],
    ['an escape in double quotes', 'a: "x\\ty"\n'],
    ['a tab', 'a:\t1\n'],
    ['CRLF line ends', 'a: 1\r\nb: 2\r\n'],
    ['non-ASCII text', 'a: é\n'],
    ['two documents', 'a: 1\n---\nb: 2\n'],
    ['an empty value', 'a:\nb: 1\n'],
    ['nesting beyond the limit', `${'a:\n'.split('\n')[0]}${' [' .repeat(70)}${']'.repeat(70)}\n`],
  ])('declines %s (the YAML library handles it)', (_, text) => {
    expect(parsePlainYaml(text)).toBeUndefined();
  });

  it('leaves the errors to the YAML library: same message as before', () => {
    expect(() => parseSourceDocument(Buffer.from('a: 1\nb: 2\na: 3\n'), 'f.yaml')).toThrow(InputError);
    expect(() => parseSourceDocument(Buffer.from('a: 1\nb: 2\na: 3\n'), 'f.yaml')).toThrow(/^f\.yaml:3:1: YAML: duplicate key 'a'/);
  });
});

// Every limit of src/limits.ts, crossed: a one-line error (config files, exit 2) or a
// cert/unreadable finding (certificate files) that says which limit, never a crash or a hang.
// Several cases are regressions of crashes and quadratic slow-downs the fuzzer and probes found.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { stringify } from 'yaml';
import { InputError } from '../../src/errors.ts';
import { LIMITS } from '../../src/limits.ts';
import { decodeCertificates, toPem } from '../../src/pki/pem.ts';
import { decodeConfigMap } from '../../src/sources/files.ts';
import { parseSourceDocument } from '../../src/topology/document.ts';
import { validateDocument } from '../../src/topology/schema.ts';
import { runCli } from '../helpers/cli.ts';
import { baseline, evaluate, findings, testPki } from '../helpers/estate.ts';
import { allNodes, derTree, encode } from '../fuzz/mutate.ts';

const parse = (text: string | Uint8Array) => parseSourceDocument(typeof text === 'string' ? Buffer.from(text) : text, 'f.yaml');

function inputError(fn: () => unknown): InputError {
  try {
    fn();
  } catch (err) {
    if (err instanceof InputError) return err;
    throw new Error(`expected an InputError, got ${String(err)}`);
  }
  throw new Error('expected an InputError, nothing was thrown');
}

const HEAD = 'apiVersion: rc-policy/v1\nkind: Topology\nmetadata: {name: x}\n';
const tmp = mkdtempSync(path.join(tmpdir(), 'rc-policy-limits-'));
const write = (name: string, content: string | Uint8Array) => {
  const p = path.join(tmp, name);
  writeFileSync(p, content);
  return p;
};

describe('config files (topology, packs, waivers): one-line errors', () => {
  it('refuses a file over maxConfigFileBytes, reading no more than the limit', () => {
    const file = write('huge.yaml', Buffer.alloc(LIMITS.maxConfigFileBytes + 1, 0x20));
    const r = runCli(['check', file]);
    expect(r.code).toBe(2);
    expect(r.stderr).toBe(`rc-policy: cannot read ${file}: file is ${LIMITS.maxConfigFileBytes + 1} bytes; the limit is ${LIMITS.maxConfigFileBytes} bytes\n`);
  });

  it('ends a topology that never ends (/dev/zero) at the size limit instead of hanging', () => {
    const r = runCli(['check', '/dev/zero']);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/^rc-policy: cannot read \/dev\/zero: file is more than \d+ bytes; the limit is \d+ bytes\n$/);
  });

  it('refuses more lines and flow items than maxConfigItems before parsing', () => {
    const text = `${HEAD}regions: [${'1,'.repeat(LIMITS.maxConfigItems)}1]\n`;
    expect(inputError(() => parse(text)).message).toBe(`f.yaml has more than ${LIMITS.maxConfigItems} lines and flow items; the limit keeps parsing bounded`);
  });

  it('refuses a billion-laughs document by its alias expansion', () => {
    const lines = ['a: &a [lol, lol, lol, lol, lol, lol, lol, lol, lol]'];
    for (let i = 1; i < 10; i++) lines.push(`${'abcdefghij'[i]}: &${'abcdefghij'[i]} [${Array(9).fill(`*${'abcdefghij'[i - 1]}`).join(', ')}]`);
    const err = inputError(() => parse(lines.join('\n')));
    expect(err.message).toMatch(/^f\.yaml:\d+:\d+: YAML aliases expand to more than 100000 values \(a "billion laughs" document\)$/);
  });

  it('refuses more than maxYamlAliasCount aliases', () => {
    const text = `a: &a 1\nb: [${Array(LIMITS.maxYamlAliasCount + 1).fill('*a').join(', ')}]\n`;
    expect(inputError(() => parse(text)).message).toMatch(/more than 1000 YAML aliases$/);
  });

  // Regression: a recursive alias made a circular object, and quoting it in a schema message
  // crashed with "Converting circular structure to JSON".
  it.each([
    ['apiVersion: &a [*a]\nkind: Topology\nmetadata: {name: x}\n', 1, 17],
    ['apiVersion: rc-policy/v1\nkind: Topology\nmetadata: &m {name: x, labels: *m}\n', 3, 32],
    [`${HEAD}regions: &r\n - id: r\n   brokers: *r\n`, 6, 13],
  ])('refuses a recursive alias at its position (%#)', (text, line, column) => {
    expect(inputError(() => parse(text)).message).toBe(`f.yaml:${line}:${column}: YAML: alias *${text.includes('*a') ? 'a' : text.includes('*m') ? 'm' : 'r'} is inside the node it refers to (a recursive alias)`);
  });

  it('refuses nesting deeper than maxNestingDepth, written out or through an alias', () => {
    const deep = `${HEAD}metadata2: ${'['.repeat(70)}${']'.repeat(70)}\n`;
    expect(inputError(() => parse(deep)).message).toMatch(/^f\.yaml:4:\d+: nesting deeper than 64 levels$/);
    const half = `${'['.repeat(40)}1${']'.repeat(40)}`;
    const viaAlias = `a: &a ${half}\nb: ${'['.repeat(40)}*a${']'.repeat(40)}\n`;
    expect(inputError(() => parse(viaAlias)).message).toMatch(/^f\.yaml:2:\d+: nesting deeper than 64 levels \(through alias \*a\)$/);
  });

  it('turns a parser stack overflow (200,000 nested brackets) into the nesting error', () => {
    const text = `${HEAD}x: ${'['.repeat(200_000)}${']'.repeat(200_000)}\n`;
    expect(inputError(() => parse(text)).message).toMatch(/nesting deeper than 64 levels$/);
  });

  it('refuses duplicate keys, including keys that only collide once converted (1 and "1")', () => {
    expect(inputError(() => parse(`${HEAD}metadata: {name: y}\n`)).message).toBe("f.yaml:4:1: YAML: duplicate key 'metadata'");
    expect(inputError(() => parse('{"a": {"1": 1, 1: 2}}')).message).toBe("f.yaml:1:16: YAML: duplicate key '1'");
  });

  // Regression: new URL() threw "Invalid URL" on a host the schema's pattern admits.
  it('reads the vault name of any Key Vault URL the schema admits', async () => {
    const e = await baseline();
    e.topology.regions[0].keyVault = { url: 'https://kv-us.1.2.3.4' };
    const report = await evaluate(e);
    expect(findings(report, 'topology/schema')).toEqual([]);
    expect(findings(report, 'broker/key-vault-region')).toEqual([]);
  });

  it('keeps __proto__ a plain key (no prototype pollution)', () => {
    const doc = parse('__proto__: {polluted: true}\n');
    expect(Object.getPrototypeOf(doc.data)).toBe(Object.prototype);
    expect(Object.keys(doc.data as object)).toEqual(['__proto__']);
    expect(({} as { polluted?: boolean }).polluted).toBeUndefined();
  });

  it('refuses text that is not UTF-8, naming UTF-16 when that is what it is', () => {
    expect(inputError(() => parse(new Uint8Array([0x61, 0x3a, 0x20, 0xc3, 0x28]))).message).toBe('f.yaml is not valid UTF-8 text');
    expect(inputError(() => parse(Buffer.from('\ufeffa: 1', 'utf16le'))).message).toBe('f.yaml is UTF-16 text; save it as UTF-8');
  });

  it('reports at most maxSchemaViolations violations, and counts the rest', () => {
    const doc = parse(`${HEAD}regions: [${Array(1500).fill('1').join(', ')}]\n`);
    const v = validateDocument(doc, 'topology');
    expect(v).toHaveLength(LIMITS.maxSchemaViolations + 1);
    expect(v.at(-1)!.message).toBe('500 more schema violations not shown (at most 1000 are reported)');
  });

  // Regressions: each of these was quadratic (30,000 keys took 35 s; 100,000 list errors and
  // 100,000 allowedCurves entries took minutes). Linear, they take a few seconds at most.
  it('stays linear on 100,000 unknown keys, 200,000 invalid list items and 100,000 curves', () => {
    const run = (scale: number): number => {
      const started = performance.now();
      const keys = Array.from({ length: 100_000 * scale }, (_, i) => `  k${i}: 1`).join('\n');
      expect(validateDocument(parse(`${HEAD.replace('metadata: {name: x}\n', '')}metadata:\n  name: x\n${keys}\n`), 'topology')).toHaveLength(1001);
      expect(validateDocument(parse(`${HEAD}regions:\n${' - 1\n'.repeat(200_000 * scale)}`), 'topology')).toHaveLength(1001);
      const curves = Array.from({ length: 100_000 * scale }, (_, i) => i).join(',');
      expect(validateDocument(parse(`${HEAD}policy:\n  params:\n    allowedCurves: [${curves}]\n`), 'topology').length).toBeGreaterThan(1);
      return performance.now() - started;
    };
    // Four times the input in at most ten times the time: linear gives ~4, quadratic ~16. A ratio,
    // not a wall-clock limit, so that a machine busy with other work does not fail it.
    const quarter = Math.min(run(0.25), run(0.25));
    const whole = run(1);
    expect(whole / quarter).toBeLessThan(10);
  }, 180_000);
});

describe('certificate files: cert/unreadable with the reason', () => {
  it('refuses a certificate file over maxCertFileBytes', async () => {
    const e = await baseline();
    e.files['certs/broker-us-1.pem'] = `${e.files['certs/broker-us-1.pem'] as string}${'#'.repeat(LIMITS.maxCertFileBytes)}`;
    const [f] = findings(await evaluate(e), 'cert/unreadable');
    expect(f?.message).toMatch(/^certs\/broker-us-1\.pem cannot be read: file is \d+ bytes; the limit is 4194304 bytes$/);
  });

  it('refuses an absurd PEM block, also when it is one long line (regression: only lines were counted)', () => {
    const body = 'A'.repeat(LIMITS.maxPemBlockBytes + 4);
    const oneLine = decodeCertificates(Buffer.from(`-----BEGIN CERTIFICATE-----\n${body}\n-----END CERTIFICATE-----\n`), 'x.pem');
    expect(oneLine.problems).toEqual(['line 1: CERTIFICATE block is larger than 262144 bytes']);
    const wrapped = decodeCertificates(Buffer.from(`-----BEGIN CERTIFICATE-----\n${body.replace(/.{64}/g, '$&\n')}\n-----END CERTIFICATE-----\n`), 'x.pem');
    expect(wrapped.problems).toEqual(['line 1: CERTIFICATE block is larger than 262144 bytes']);
  });

  it('refuses more than maxBlocksPerFile PEM blocks', async () => {
    const pem = (await testPki()).root.pem;
    const out = decodeCertificates(Buffer.from(pem.repeat(LIMITS.maxBlocksPerFile + 1)), 'bundle.pem');
    expect(out.certs).toHaveLength(LIMITS.maxBlocksPerFile);
    expect(out.problems).toEqual([`more than ${LIMITS.maxBlocksPerFile} PEM blocks`]);
  });

  it('finds PEM after 64 KiB of leading text (regression: only the first 64 KiB were searched)', async () => {
    const pem = (await testPki()).root.pem;
    const out = decodeCertificates(Buffer.from(`${'# comment\n'.repeat(7000)}${pem}`), 'root.pem');
    expect(out.certs).toHaveLength(1);
    expect(out.problems).toEqual([]);
  });

  it('reads a ConfigMap with the same YAML limits, as a finding instead of a crash (regression)', async () => {
    const laughs = ['a: &a [lol, lol, lol, lol, lol, lol, lol, lol, lol]'];
    for (let i = 1; i < 10; i++) laughs.push(`${'abcdefghij'[i]}: &${'abcdefghij'[i]} [${Array(9).fill(`*${'abcdefghij'[i - 1]}`).join(', ')}]`);
    const cm = decodeConfigMap(Buffer.from(laughs.join('\n')), 'k8s/cm.yaml', 'ca.crt');
    expect(cm.problems).toEqual(['line 6: YAML aliases expand to more than 100000 values (a "billion laughs" document)']);
    const recursive = decodeConfigMap(Buffer.from('kind: ConfigMap\ndata: &d {x: *d}\n'), 'k8s/cm.yaml', 'ca.crt');
    expect(recursive.problems).toEqual(['line 2: YAML: alias *d is inside the node it refers to (a recursive alias)']);
    const pem = (await testPki()).root.pem;
    const proto = decodeConfigMap(Buffer.from(stringify({ kind: 'ConfigMap', data: { 'ca.crt': pem } })), 'k8s/cm.yaml', 'constructor');
    expect(proto.problems).toEqual(["the ConfigMap has no data key 'constructor'"]);
  });

  // Regressions: these threw TypeError/RangeError out of the parser instead of a parse error.
  it.each([
    ['a BMPString of odd length', 0x1e, [0x00, 0x41, 0x00]],
    ['a UniversalString code point above U+10FFFF', 0x1c, [0x7f, 0xff, 0xff, 0xff]],
    ['a UniversalString of 5 bytes', 0x1c, [0, 0, 0, 0x41, 0]],
  ])('a certificate with %s is unreadable, not a crash', async (_what, tag, value) => {
    const tree = derTree((await testPki()).root.cert.der)!;
    const cn = allNodes(tree).find((n) => (n.tag === 0x0c || n.tag === 0x13) && Buffer.from(n.value ?? []).toString() === 'Test Root CA')!;
    cn.tag = tag;
    cn.value = new Uint8Array(value);
    const out = decodeCertificates(Buffer.from(toPem(encode(tree))), 'x.pem');
    expect(out.certs).toHaveLength(0);
    expect(out.problems[0]).toMatch(/^line 1: certificate cannot be parsed \((invalid UTF-16 in BMPString|invalid code point in UniversalString|UniversalString length is not a multiple of 4)\)$/);
  });
});

// Custom rules, one behaviour per case: what the compiler refuses when the pack loads (exit 2 with
// the expression's file:line:column), and how findings behave once the rules run.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { stringify } from 'yaml';
import { loadPack } from '../../src/policy/packs.ts';
import { RULES_BY_ID } from '../../src/rules/index.ts';
import { InputError } from '../../src/errors.ts';
import { baseline, evaluate, findings, problems, type Json } from '../helpers/estate.ts';

const known = new Set(RULES_BY_ID.keys());
const dir = mkdtempSync(path.join(tmpdir(), 'rc-custom-rules-'));

const rule = (o: Json = {}): Json => ({
  id: 'acme/test',
  title: 'A test rule',
  severity: 'error',
  on: 'broker',
  validations: [{ expression: 'object.port == 443' }],
  ...o,
});
const packText = (customRules: Json[], more: Json = {}) =>
  stringify({ apiVersion: 'rc-policy/v1', kind: 'PolicyPack', metadata: { name: 'acme' }, extends: 'rc-default', customRules, ...more });

let n = 0;
function writePack(customRules: Json[], more: Json = {}): string {
  const name = `pack-${n++}.yaml`;
  writeFileSync(path.join(dir, name), packText(customRules, more));
  return name;
}

async function loadError(customRules: Json[], more: Json = {}): Promise<InputError> {
  const err = await loadPack(writePack(customRules, more), dir, known).catch((e: unknown) => e);
  expect(err).toBeInstanceOf(InputError);
  return err as InputError;
}

describe('custom rules: compiled when the pack loads', () => {
  it.each([
    ['a syntax error', { validations: [{ expression: "object.fqdn.startsWith('x'" }] }, /validations\[0\]\.expression: CEL syntax error at character 27/],
    ['an unknown field', { validations: [{ expression: 'object.fqnd == ""' }] }, /CEL type error at character \d+: No such key: fqnd/],
    ['a type mismatch', { validations: [{ expression: 'object.port == "443"' }] }, /CEL type error/],
    ['a validation that is not a bool', { validations: [{ expression: 'object.fqdn' }] }, /must be a bool, but it is a string/],
    ['a messageExpression that is not a string', { validations: [{ expression: 'true', messageExpression: 'object.port' }] }, /messageExpression: the expression must be a string/],
    ['a field of another kind', { on: 'client', validations: [{ expression: 'object.fqdn != ""' }] }, /No such key: fqdn/],
    ['a matchCondition that does not compile', { matchConditions: [{ expression: 'object.nope' }] }, /matchConditions\[0\]\.expression: CEL type error/],
    ['list macros nested three deep', { validations: [{ expression: 'topology.brokers.all(a, topology.brokers.all(b, topology.brokers.all(c, a.port == c.port)))' }] }, /list macros nest more than 2 deep/],
    ['a backtracking regular expression', { validations: [{ expression: "object.fqdn.matches('^(a+)+$')" }] }, /can backtrack exponentially/],
    ['a computed regular expression', { validations: [{ expression: "object.fqdn.matches(object.region)" }] }, /matches\(\) takes a string literal pattern/],
    ['an expression past the length limit', { validations: [{ expression: `object.port == 443${' && true'.repeat(300)}` }] }, /characters long \(limit 2000\)/],
    ['a built-in namespace', { id: 'broker/my-rule' }, /namespace 'broker' belongs to rc-policy's built-in rules/],
  ])('refuses %s, naming the file and line of the expression', async (_, o, message) => {
    const err = await loadError([rule(o)]);
    expect(err.message).toMatch(message);
    expect(err.location?.file).toMatch(/pack-\d+\.yaml$/);
    expect(err.location?.line).toBeGreaterThan(5);
  });

  it('points at the character of the error when the expression sits on one line as written', async () => {
    const name = `pack-${n++}.yaml`;
    const lines = ['apiVersion: rc-policy/v1', 'kind: PolicyPack', 'metadata: { name: acme }', 'customRules:', '  - id: acme/test', '    title: t', '    severity: error', '    on: broker', '    validations:'];
    writeFileSync(
      path.join(dir, name),
      [...lines, '      - expression: object.fqdn.startsWith(object.fqnd)', "      - expression: \"object.port == 'x'\"", '      - expression: >-', '          object.fqdn', '          == 1', ''].join('\n'),
    );
    const err = (await loadPack(name, dir, known).catch((e: unknown) => e)) as InputError;
    // plain scalar at column 21; `fqnd` is its 31st character
    expect(err.location).toEqual({ file: expect.stringMatching(new RegExp(`${name}$`)), line: 10, column: 51 });
    const { locateInExpression } = await import('../../src/rules/custom/compile.ts');
    const { parseYamlText } = await import('../../src/topology/document.ts');
    const text = [...lines, "      - expression: \"object.port == 'x'\"", '      - expression: >-', '          object.fqdn', '          == 1', ''].join('\n');
    const doc = { ...parseYamlText(text, 'p.yaml'), text };
    const at = (i: number) => doc.locate(['customRules', 0, 'validations', i, 'expression']);
    // a quoted scalar: one past the quote
    expect(locateInExpression(doc, at(0), "object.port == 'x'", 15)).toEqual({ file: 'p.yaml', line: 10, column: 37 });
    // a folded block scalar is not the text as written: the scalar's own start
    expect(locateInExpression(doc, at(1), 'object.fqdn == 1', 15)).toEqual(at(1));
  });

  it('refuses a rule id defined twice, and a rules: entry that names no rule', async () => {
    expect((await loadError([rule(), rule()])).message).toMatch(/'acme\/test' is defined twice/);
    expect((await loadError([rule()], { rules: { 'acme/tset': 'warning' } })).message).toMatch(/unknown rule 'acme\/tset' \(did you mean 'acme\/test'\?\)/);
  });

  it('a pack that extends another sees its custom rules and may set their severity', async () => {
    const parent = writePack([rule()]);
    writeFileSync(path.join(dir, 'child.yaml'), packText([], { extends: parent, rules: { 'acme/test': 'warning' } }));
    const p = await loadPack('child.yaml', dir, known);
    expect(p.customRules?.map((r) => r.meta.id)).toEqual(['acme/test']);
    expect(p.rules.get('acme/test')).toBe('warning');
  });
});

describe('custom rules: findings like any other', () => {
  const run = async (customRules: Json[], more: Json = {}, extraFiles: Record<string, string> = {}) => {
    const e = await baseline();
    if (extraFiles['waivers.yaml']) e.topology.policy = { ...e.topology.policy, waivers: 'waivers.yaml' };
    e.files['pack.yaml'] = packText(customRules, more);
    Object.assign(e.files, extraFiles);
    return evaluate(e, { policy: 'pack.yaml' });
  };

  it('one finding per false validation, on the object, with its message or messageExpression', async () => {
    const r = await run([
      rule({
        validations: [
          { expression: "object.region == 'in'", message: 'not in India' },
          { expression: "!object.fqdn.endsWith('.company.com')", messageExpression: "'FQDN ' + object.fqdn + ' is in company.com'" },
        ],
      }),
    ]);
    const f = findings(r, 'acme/test');
    expect(f.filter((x) => x.message === 'not in India').map((x) => x.target).sort()).toEqual(['broker-us-1', 'broker-us-2']);
    expect(f.filter((x) => x.message.startsWith('FQDN ')).map((x) => x.message)).toContain('FQDN broker-in-3.company.com is in company.com');
    expect(f).toHaveLength(5);
  });

  it('matchConditions: a rule applies only where all of them hold', async () => {
    const r = await run([rule({ matchConditions: [{ expression: "object.region == 'us'" }, { expression: 'object.clientAuth.required' }], validations: [{ expression: 'false' }] })]);
    expect(findings(r, 'acme/test').map((f) => f.target).sort()).toEqual(['broker-us-1', 'broker-us-2']);
  });

  it('reads the parsed certificate, params and now (--at)', async () => {
    const expression = 'object.certificate.notAfter - now < duration(string(params.renewBeforeDays * 24) + "h")';
    const soon = await run([rule({ validations: [{ expression: `!(${expression})`, message: 'expires within renewBeforeDays' }] })]);
    expect(findings(soon, 'acme/test')).toHaveLength(0);
    const certs = await run([
      rule({
        validations: [
          { expression: "object.certificate.keyType == 'ec' && object.certificate.curve == 'P-256' && object.certificate.keyBits == 0" },
          { expression: "'serverAuth' in object.certificate.ekus && object.fqdn in object.certificate.sans && object.certificate.sha256.size() == 64" },
          { expression: "object.chain.size() == 2 && !object.certificate.isCa && object.chain[1].isCa && object.certificate.source == 'file'" },
        ],
      }),
    ]);
    expect(problems(certs)).toEqual([]);
  });

  it('reads the whole topology: no client trusts a bundle with more than N roots', async () => {
    const r = await run([
      rule({
        on: 'client',
        validations: [{ expression: 'topology.trustBundles.filter(b, b.id == object.trustBundle).all(b, b.certificates.filter(c, c.selfIssued).size() <= 0)', message: 'too many roots' }],
      }),
    ]);
    expect(findings(r, 'acme/test').map((f) => f.target).sort()).toEqual(['controller-us', 'target-in', 'target-us']);
  });

  it('an expression that fails to evaluate is a finding, not a pass', async () => {
    const r = await run([rule({ validations: [{ expression: 'object.certificate.notAfter > now' }] })], {}, {});
    expect(problems(r)).toEqual([]);
    const e = await baseline();
    delete (e.topology.regions[0].brokers[0] as Json).cert;
    e.files['pack.yaml'] = packText([rule({ validations: [{ expression: 'object.certificate.notAfter > now' }] })]);
    const broken = await evaluate(e, { policy: 'pack.yaml' });
    const [f] = findings(broken, 'acme/test');
    expect(f).toMatchObject({ severity: 'error', target: e.topology.regions[0].brokers[0].id });
    expect(f!.message).toMatch(/^could not evaluate object\.certificate\.notAfter > now: No such key: certificate/);
  });

  it('rules: sets its severity or switches it off; waivers treat it as any rule', async () => {
    const warn = await run([rule({ validations: [{ expression: 'false' }] })], { rules: { 'acme/test': 'warning' } });
    expect(findings(warn, 'acme/test').every((f) => f.severity === 'warning')).toBe(true);
    const off = await run([rule({ validations: [{ expression: 'false' }] })], { rules: { 'acme/test': 'off' } });
    expect(findings(off, 'acme/test')).toEqual([]);
    expect(off.rules).toContainEqual({ id: 'acme/test', status: 'off' });
    const waived = await run([rule({ validations: [{ expression: 'false' }] })], {}, {
      'waivers.yaml': stringify({ apiVersion: 'rc-policy/v1', kind: 'Waivers', waivers: [{ rule: 'acme/test', target: '*', reason: 'accepted until the rename (CHG-1)', expires: '2027-06-01' }] }),
    });
    expect(findings(waived, 'acme/test')).toHaveLength(3);
    expect(findings(waived, 'acme/test').every((f) => f.waived)).toBe(true);
    expect(waived.summary).toMatchObject({ error: 0, waived: 3 });
  });
});

describe('custom rules: hostile expressions', () => {
  it('any string is compiled or refused with an InputError at the expression, never a crash', async () => {
    const fc = await import('fast-check');
    const { compileCustomRule } = await import('../../src/rules/custom/compile.ts');
    const { parseYamlText } = await import('../../src/topology/document.ts');
    const pieces = fc.constantFrom('object', 'topology', 'params', 'now', '.', 'fqdn', 'certificate', '(', ')', '[', ']', '{', '}', ',', "'", '"', '\\', '+', '-', '*', '/', '%', '==', '!', '&&', '||', '?', ':', 'has', 'all', 'exists', 'map', 'filter', 'matches', 'size', '1', '0', '1e999', 'x', ' ', 'b"', 'r"', '"""', 'duration', 'timestamp', 'int', 'dyn', 'null', 'true', '.?', '?.');
    const expression = fc.oneof(fc.string({ maxLength: 80 }), fc.array(pieces, { maxLength: 30 }).map((xs) => xs.join('')));
    const doc = parseYamlText('customRules:\n  - id: acme/x\n', 'pack.yaml');
    fc.assert(
      fc.property(expression, fc.constantFrom('broker', 'client', 'pair', 'certificate'), (source, on) => {
        try {
          compileCustomRule({ id: 'acme/x', title: 't', severity: 'error', on, validations: [{ expression: source }] } as never, 0, doc, new Set());
        } catch (err) {
          expect(err).toBeInstanceOf(InputError);
          expect((err as InputError).message).not.toContain('\n');
        }
      }),
      { numRuns: 3000 },
    );
  });
});

describe('custom rules: texts from the pack', () => {
  it('title, description and remedy are kept to one printable line (no forged output lines, no escapes)', async () => {
    const name = writePack([rule({ title: 'Looks fine\n::error::forged', description: 'why\u001b[2J', remedy: 'fix\r\nit' })]);
    const p = await loadPack(name, dir, known);
    const meta = p.customRules![0]!.meta;
    for (const text of [meta.title, meta.rationale, meta.remedy]) expect(text).not.toMatch(/[\n\r\u001b]/);
  });
});

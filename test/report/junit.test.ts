import { describe, expect, it } from 'vitest';
import { renderJunit, xmlAttr } from '../../src/report/junit.ts';
import { ctxFor, fixtureReport } from './fixture.ts';

/** A small well-formedness check: every element closes in order, attributes are quoted, no raw '<' or '&'. */
function elements(xml: string): { name: string; attrs: Record<string, string>; text: string }[] {
  const out: { name: string; attrs: Record<string, string>; text: string }[] = [];
  const stack: string[] = [];
  const body = xml.replace(/^<\?xml[^?]*\?>\n/, '');
  const re = /<(\/?)([a-z-]+)((?:\s+[a-z]+="[^"<]*")*)\s*(\/?)>|([^<]+)/gy;
  let m: RegExpExecArray | null;
  let last = 0;
  while ((m = re.exec(body))) {
    last = re.lastIndex;
    if (m[5] !== undefined) {
      expect(m[5]).not.toMatch(/&(?!(amp|lt|gt|quot|apos|#\d+);)/);
      if (out.length) out[out.length - 1]!.text += m[5];
      continue;
    }
    const [, close, name, attrText, selfClose] = m;
    if (close) {
      expect(stack.pop()).toBe(name);
      continue;
    }
    const attrs: Record<string, string> = {};
    for (const a of attrText!.matchAll(/([a-z]+)="([^"]*)"/g)) attrs[a[1]!] = a[2]!;
    out.push({ name: name!, attrs, text: '' });
    if (!selfClose) stack.push(name!);
  }
  expect(last).toBe(body.length);
  expect(stack).toEqual([]);
  return out;
}

describe('JUnit XML', () => {
  const xml = renderJunit(fixtureReport(), ctxFor());
  const els = elements(xml);
  const cases = els.filter((e) => e.name === 'testcase');
  const byName = (rule: string, name: string) => cases.find((c) => c.attrs.classname === rule && c.attrs.name === name);
  const following = (c: ReturnType<typeof byName>) => els[els.indexOf(c!) + 1];

  it('is well-formed, with totals that add up', () => {
    const root = els[0]!;
    expect(root.name).toBe('testsuites');
    expect(Number(root.attrs.tests)).toBe(cases.length);
    expect(Number(root.attrs.failures)).toBe(els.filter((e) => e.name === 'failure').length);
    expect(Number(root.attrs.skipped)).toBe(els.filter((e) => e.name === 'skipped').length);
  });

  it('one testcase per rule x target: a failing finding is a <failure> with its location', () => {
    const c = byName('broker/name-mismatch', 'broker-us-2')!;
    expect(c.attrs.file).toBe('estate/rc-topology.yaml');
    expect(c.attrs.line).toBe('41');
    const failure = following(c)!;
    expect(failure.name).toBe('failure');
    expect(failure.attrs.type).toBe('error');
    // Untrusted text is escaped, never markup: the <img> arrives as text.
    expect(failure.text).toContain('&lt;img src=x&gt;');
    expect(xml).not.toContain('<img');
  });

  it('a waived finding is skipped with the waiver; a baseline finding passes and says it is existing', () => {
    const waived = following(byName('broker/wildcard', 'broker-in-3'))!;
    expect(waived.name).toBe('skipped');
    expect(waived.attrs.message).toBe('waived until 2027-01-31: legacy wildcard until the 2027 rotation');
    const existing = following(byName('cert/expiring', 'broker-us-1'))!;
    expect(existing.name).toBe('system-out');
    expect(existing.text).toContain('existing (in the baseline)');
  });

  it('a rule that ran without findings passes; rules that did not run are skipped with the reason', () => {
    expect(following(byName('lb/port-mismatch', 'all targets'))?.name).not.toMatch(/failure|skipped|system-out/);
    expect(following(byName('gateway/plaintext-upstream', 'all targets'))!.attrs.message).toMatch(/does not apply/);
    expect(following(byName('lb/no-tls-termination', 'all targets'))!.attrs.message).toMatch(/switched off/);
    expect(following(byName('live/unreachable', 'all targets'))!.attrs.message).toMatch(/audit only/);
  });

  it('follows --fail-on: a warning fails at warning, passes at error', () => {
    const plain = { ...fixtureReport(), findings: fixtureReport().findings.map((f) => ({ ...f, baseline: undefined })) };
    const atError = elements(renderJunit(plain, ctxFor('error')));
    const atWarning = elements(renderJunit(plain, ctxFor('warning')));
    const next = (list: typeof atError) => list[list.findIndex((e) => e.attrs.classname === 'cert/expiring') + 1]!.name;
    expect(next(atError)).toBe('system-out');
    expect(next(atWarning)).toBe('failure');
  });

  it('without rule statuses (schema failure), other rules are skipped as not evaluated', () => {
    const r = fixtureReport({ rules: undefined, findings: [{ rule: 'topology/schema', severity: 'error', target: 'rc-prod', message: 'regions must be an array', location: { file: 't.yaml', line: 3, column: 1 }, waived: false }] });
    const list = elements(renderJunit(r, ctxFor()));
    expect(list.filter((e) => e.name === 'failure')).toHaveLength(1);
    expect(list.find((e) => e.name === 'skipped')!.attrs.message).toBe('not evaluated: the topology failed the schema');
  });

  it('escapes attributes and drops characters XML cannot carry', () => {
    expect(xmlAttr('a"b\'c<d>&e\nf\u0001g')).toBe('a&quot;b&apos;c&lt;d&gt;&amp;e&#10;fg');
  });
});

// One cause, one finding (ADR 0120), tried as a user would: copies of examples/rc-system with one
// thing broken, checked with the real binary in every format.
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { ROOT, runCli } from '../helpers/cli.ts';

const dirs: string[] = [];
afterAll(() => dirs.forEach((d) => rmSync(d, { recursive: true, force: true })));

/** A copy of the bundled example, changed by `edit` (which gets the folder). */
function example(edit: (dir: string) => void): string {
  const dir = mkdtempSync(path.join(tmpdir(), 'rc-causes-'));
  dirs.push(dir);
  cpSync(path.join(ROOT, 'examples/rc-system'), dir, { recursive: true });
  edit(dir);
  return dir;
}

const replaceIn = (file: string, from: string, to: string) => writeFileSync(file, readFileSync(file, 'utf8').replace(from, to));

interface Json {
  summary: { error: number; warning: number; notEvaluated?: number };
  findings: { rule: string; target: string; severity: string }[];
  notEvaluated?: { rule: string; target: string; because: { rule: string; target: string }[] }[];
  matrix: { client: string; server: string; ok: boolean; serverAuth: { because?: unknown } }[];
}

function checkAll(dir: string, at = '2026-12-01') {
  const text = runCli(['check', '--at', at, '--format', 'text', '--format', 'json=r.json', '--format', 'sarif=r.sarif', '--format', 'junit=r.xml', '--format', 'markdown=r.md', '--format', 'github=r.gh'], { cwd: dir });
  const read = (f: string) => readFileSync(path.join(dir, f), 'utf8');
  return { text, json: JSON.parse(read('r.json')) as Json, sarif: JSON.parse(read('r.sarif')), junit: read('r.xml'), markdown: read('r.md'), github: read('r.gh') };
}

describe('a mistyped path to the root CA file', () => {
  const dir = example((d) => replaceIn(path.join(d, 'rc-topology.yaml'), 'pki/root.pem', 'pki/roots.pem'));
  const out = checkAll(dir);
  const errors = out.json.findings.filter((f) => f.severity === 'error');

  it('is one cert/unreadable on the root CA, not a cascade of errors', () => {
    expect(out.text.code).toBe(1);
    expect(errors.length).toBeLessThanOrEqual(2);
    expect(errors).toContainEqual(expect.objectContaining({ rule: 'cert/unreadable', target: 'root' }));
    // Nobody is told to send the root, and the root is never called an intermediate.
    expect(out.text.stdout).not.toMatch(/intermediate CN=RC Root CA/);
  });

  it('lists everything that depends on the root as not evaluated because of that finding, never as a pass', () => {
    const waiting = out.json.notEvaluated ?? [];
    expect(out.json.summary.notEvaluated).toBe(waiting.length);
    expect(waiting.map((d) => d.rule)).toEqual(expect.arrayContaining(['trust/untrusted-server', 'trust/untrusted-client', 'broker/incomplete-chain']));
    for (const d of waiting) expect(d.because).toEqual([{ rule: 'cert/unreadable', target: 'root' }]);
    expect(out.json.matrix.every((p) => !p.ok && p.serverAuth.because)).toBe(true);
  });

  it('says so in every format', () => {
    expect(out.text.stdout).toMatch(/↳ \d+ checks not evaluated because of this: .*trust\/untrusted-server on 8 pairs/);
    expect(out.text.stdout).toMatch(/1 error on 1 object, .*; \d+ checks not evaluated because of one finding/);
    expect(out.markdown).toMatch(/\| ↳ \| not evaluated \| root \| \d+ checks wait on this finding/);
    const run = out.sarif.runs[0];
    expect(run.results).toHaveLength(1);
    expect(run.results[0].message.text).toMatch(/checks not evaluated because of this/);
    expect(run.invocations[0].toolExecutionNotifications.some((n: { message: { text: string } }) => /not evaluated because of cert\/unreadable on root/.test(n.message.text))).toBe(true);
    expect(out.junit).toMatch(/<skipped message="not evaluated because of cert\/unreadable on root/);
    expect(out.github).toMatch(/checks not evaluated because of this/);
    expect(out.github).toMatch(/checks not evaluated because of another finding/);
  });
});

describe('one swapped broker certificate', () => {
  const dir = example((d) => {
    const a = path.join(d, 'certs/broker-us-1.pem');
    const b = path.join(d, 'certs/broker-us-2.pem');
    const first = readFileSync(a);
    writeFileSync(a, readFileSync(b));
    writeFileSync(b, first);
  });
  const out = checkAll(dir);

  it('is one broker/name-mismatch per broker; the CN, SAN and handshake checks wait on it', () => {
    expect(out.json.findings.map((f) => `${f.rule} ${f.target}`).sort()).toEqual(['broker/name-mismatch broker-us-1', 'broker/name-mismatch broker-us-2']);
    const waiting = out.json.notEvaluated ?? [];
    expect(waiting.filter((d) => d.target === 'broker-us-1').map((d) => d.rule).sort()).toEqual(['broker/cn-mismatch', 'broker/extra-names']);
    expect(waiting.filter((d) => d.rule === 'trust/untrusted-server')).toHaveLength(6);
  });
});

describe('six expired leaves', () => {
  // The example's leaves expire on 2031-12-31, its CAs years later.
  const out = checkAll(example(() => {}), '2032-06-01');

  it('are six cert/expired; the sixteen handshake sides they break wait on them', () => {
    expect(out.json.findings.map((f) => f.rule)).toEqual(Array(6).fill('cert/expired'));
    expect(out.json.notEvaluated).toHaveLength(16);
    expect(out.json.notEvaluated!.every((d) => d.because.length === 1 && d.because[0]!.rule === 'cert/expired')).toBe(true);
  });
});

describe('a cause whose rule is switched off', () => {
  it('leaves its consequences as findings: nothing is dropped', () => {
    const dir = example((d) => {
      replaceIn(path.join(d, 'rc-topology.yaml'), 'maxLeafValidityDays: 2200', 'maxLeafValidityDays: 2200\n  pack: ./pack.yaml');
      replaceIn(path.join(d, 'rc-topology.yaml'), '  pack: rc-default\n', '');
      writeFileSync(path.join(d, 'pack.yaml'), 'apiVersion: rc-policy/v1\nkind: PolicyPack\nmetadata: { name: no-expiry }\nextends: rc-default\nrules:\n  cert/expired: off\n');
    });
    const r = runCli(['check', '--at', '2032-06-01', '--format', 'json'], { cwd: dir });
    const json = JSON.parse(r.stdout) as Json;
    expect(json.findings.filter((f) => f.rule.startsWith('trust/untrusted-'))).toHaveLength(16);
    expect(json.notEvaluated).toBeUndefined();
  });
});

// Text from the input never breaks a line or reaches the terminal raw: a newline in a SAN could
// forge a GitHub workflow command ("::error::..."), an ANSI escape could repaint the summary, a
// bidi override could disguise a name. Each is escaped where it enters a message.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { stringify } from 'yaml';
import { InputError } from '../../src/errors.ts';
import { issue } from '../../src/pki/generate.ts';
import { isPrintable, printable } from '../../src/printable.ts';
import { runCli } from '../helpers/cli.ts';
import { baseline, broker, days, evaluate, findings, writeEstate } from '../helpers/estate.ts';

describe('printable', () => {
  it('escapes controls, separators and bidi overrides, and cuts absurd lengths', () => {
    expect(printable('a\nb\r\u001b[2J\u0085\u2028\u202e\u2066c')).toBe('a\\x0ab\\x0d\\x1b[2J\\x85\\u2028\\u202e\\u2066c');
    expect(printable('x'.repeat(10), 4)).toBe('xxxx… (6 more characters)');
    expect(printable('broker-us-1.company.com — ünïcode ✓')).toBe('broker-us-1.company.com — ünïcode ✓');
    expect(isPrintable('a\tb')).toBe(false);
    expect(isPrintable('plain text')).toBe(true);
  });

  it('keeps InputError one line whatever it quotes', () => {
    expect(new InputError('unknown rule \'a\nb\'', { file: 'p\u001b.yaml', line: 1, column: 2 }).message).toBe("p\\x1b.yaml:1:2: unknown rule 'a\\x0ab'");
  });
});

describe('hostile certificate names and file names in findings', () => {
  it('escapes a SAN that tries to forge a workflow command and an ANSI-coloured, bidi CN', async () => {
    const e = await baseline();
    const forged = await issue({
      subject: 'CN=\u202emoc.ynapmoc.1-su-rekorb, O=Company',
      issuer: e.pki.serverCa,
      dns: ['broker-us-1.company.com\n::error file=rc-topology.yaml,line=1::all good', 'x\u001b[32mok'],
      eku: ['serverAuth'],
      notBefore: days(-10),
      notAfter: days(100),
    });
    e.files['certs/broker-us-1.pem'] = forged.pem + e.pki.serverCa.pem;
    const report = await evaluate(e);
    const mismatch = findings(report, 'broker/name-mismatch');
    expect(mismatch).toHaveLength(1);
    expect(mismatch[0]!.message).toContain('broker-us-1.company.com\\x0a::error file=rc-topology.yaml,line=1::all good');
    expect(mismatch[0]!.message).toContain('x\\x1b[32mok');
    // The CN check waits on the name mismatch (ADR 0120); its message is escaped all the same.
    expect(report.notEvaluated!.find((d) => d.rule === 'broker/cn-mismatch')!.message).toBe('subject CN \\u202emoc.ynapmoc.1-su-rekorb differs from the FQDN broker-us-1.company.com');
    // Printed as a distinguished name, the override is an RFC 4514 hex escape.
    expect(forged.cert.subjectName).toBe('CN=\\e2\\80\\aemoc.ynapmoc.1-su-rekorb, O=Company');
    for (const f of [...report.findings, ...report.notEvaluated!]) expect(isPrintable(f.message), f.message).toBe(true);
  });

  it('prints each finding of the real binary on one line, whatever the file names hold', async () => {
    const e = await baseline();
    broker(e, 'broker-us-1').cert.file = 'certs/\u001b]0;pwned\u0007\n::error::x.pem';
    const file = await writeEstate(e);
    const r = runCli(['check', path.basename(file), '--at', '2026-12-01'], { cwd: path.dirname(file) });
    expect(r.code).toBe(1);
    const line = r.stdout.split('\n').find((l) => l.includes('cert/unreadable'))!;
    expect(line).toContain('certs/\\x1b]0;pwned\\x07\\x0a::error::x.pem does not exist');
    for (const l of r.stdout.split('\n')) expect(isPrintable(l), JSON.stringify(l)).toBe(true);
  });
});

describe('hostile packs', () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'rc-policy-printable-'));

  it('escapes a rule id that is not one, in the one-line exit-2 message', () => {
    writeFileSync(path.join(dir, 'pack.yaml'), stringify({ apiVersion: 'rc-policy/v1', kind: 'PolicyPack', metadata: { name: 'p' }, rules: { 'x\u001b[31m\n::error::y': 'off' } }));
    const r = runCli(['check', 'examples/rc-system/rc-topology.yaml', '--policy', path.join(dir, 'pack.yaml')]);
    expect(r.code).toBe(2);
    expect(r.stderr.split('\n')).toHaveLength(2);
    expect(r.stderr).toContain('\\x1b[31m\\x0a::error::y');
  });

  it('escapes a pack name, which every report prints', () => {
    writeFileSync(path.join(dir, 'named.yaml'), stringify({ apiVersion: 'rc-policy/v1', kind: 'PolicyPack', metadata: { name: 'ok\n::error::forged' }, extends: 'rc-default' }));
    const r = runCli(['check', 'examples/rc-system/rc-topology.yaml', '--policy', path.join(dir, 'named.yaml')]);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('(policy ok\\x0a::error::forged,');
    expect(r.stdout).not.toMatch(/^::error::/m);
  });
});

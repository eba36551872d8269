import { describe, expect, it } from 'vitest';
import { ANNOTATION_LIMIT, escapeData, escapeProperty, renderGithub } from '../../src/report/github.ts';
import type { Finding } from '../../src/report/types.ts';
import { fixtureReport } from './fixture.ts';

const finding = (i: number, severity: Finding['severity']): Finding => ({
  rule: 'broker/extra-names',
  severity,
  target: `broker-${i}`,
  message: `finding ${i}`,
  location: { file: 'rc-topology.yaml', line: i + 1, column: 3 },
  waived: false,
});

describe('GitHub workflow commands', () => {
  it('annotates a finding on its topology line with a title, escaped', () => {
    const out = renderGithub(fixtureReport());
    const lines = out.trimEnd().split('\n');
    expect(lines[0]).toBe(
      '::error file=estate/rc-topology.yaml,line=88,col=7,title=trust/untrusted-client (target-in->broker-in-3)::broker-in-3 rejects target-in: unable to get issuer certificate',
    );
    // The newline in untrusted text cannot start a command of its own.
    expect(lines[1]).toBe(
      '::error file=estate/rc-topology.yaml,line=41,col=9,title=broker/name-mismatch (broker-us-2)::broker-us-2.company.com is not in the SAN (found: DNS:<img src=x>|evil.com%0A::error::injected)',
    );
    expect(lines.every((l) => l.startsWith('::error ') || l.startsWith('::warning ') || l.startsWith('::notice '))).toBe(true);
  });

  it('leaves out waived and baseline findings, and says so in one notice', () => {
    const out = renderGithub(fixtureReport());
    expect(out).not.toContain('broker/wildcard');
    expect(out).not.toContain('cert/expiring');
    expect(out.trimEnd().split('\n').at(-1)).toBe(
      '::notice title=rc-policy%3A more findings::1 waived; 1 existing (in the baseline). All findings are in the job summary and the SARIF/JSON reports.',
    );
  });

  it('keeps within 10 annotations per type, most severe first, and summarises the rest', () => {
    const findings = [...Array.from({ length: 14 }, (_, i) => finding(i, 'info')), ...Array.from({ length: 12 }, (_, i) => finding(100 + i, 'error')), finding(200, 'warning')];
    const lines = renderGithub(fixtureReport({ findings })).trimEnd().split('\n');
    const count = (type: string) => lines.filter((l) => l.startsWith(`::${type} `)).length;
    // The report fails: one error slot stays free for the step's failure line.
    expect(count('error')).toBe(ANNOTATION_LIMIT - 1);
    expect(count('warning')).toBe(1);
    expect(count('notice')).toBe(ANNOTATION_LIMIT); // 9 findings + the summary notice
    expect(lines[0]).toMatch(/^::error /);
    expect(lines.findIndex((l) => l.startsWith('::warning '))).toBeLessThan(lines.findIndex((l) => l.startsWith('::notice ')));
    expect(lines.at(-1)).toContain('8 more not annotated (GitHub shows 10 per type): 3 errors, 5 info');
  });

  it('keeps the slots the caller reserves for its own lines, and all 10 when nothing fails', () => {
    const errors = Array.from({ length: 12 }, (_, i) => finding(i, 'error'));
    const warnings = Array.from({ length: 12 }, (_, i) => finding(i, 'warning'));
    const count = (out: string, type: string) => out.split('\n').filter((l) => l.startsWith(`::${type} `)).length;
    expect(count(renderGithub(fixtureReport({ findings: errors }), undefined, { error: 0 }), 'error')).toBe(ANNOTATION_LIMIT);
    expect(count(renderGithub(fixtureReport({ findings: warnings }), undefined, { warning: 1 }), 'warning')).toBe(ANNOTATION_LIMIT - 1);
    expect(count(renderGithub(fixtureReport({ findings: warnings })), 'warning')).toBe(ANNOTATION_LIMIT); // warnings do not fail at 'error'
  });

  it('prints nothing for a clean report', () => {
    expect(renderGithub(fixtureReport({ findings: [] }))).toBe('');
  });

  it('escapes like @actions/core: data keeps ":" and ",", properties do not', () => {
    expect(escapeData('50% a:b,c\r\nd')).toBe('50%25 a:b,c%0D%0Ad');
    expect(escapeProperty('a:b,c%\n')).toBe('a%3Ab%2Cc%25%0A');
  });
});

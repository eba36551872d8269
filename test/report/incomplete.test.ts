// An incomplete audit in every format (ADR 0070): each output says what could not be evaluated and
// why, the verdict is "incomplete" rather than pass or fail, a waived gap is shown as waived, and
// the reasons — which can quote a server (a Key Vault error message) — are escaped like any
// untrusted text.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import AjvDraft04 from 'ajv-draft-04';
import { describe, expect, it } from 'vitest';
import { renderGithub, ANNOTATION_LIMIT } from '../../src/report/github.ts';
import { renderJunit } from '../../src/report/junit.ts';
import { renderMarkdown } from '../../src/report/markdown.ts';
import { renderSarif } from '../../src/report/sarif.ts';
import { renderText } from '../../src/report/text.ts';
import type { Finding, NotEvaluated, Report } from '../../src/report/types.ts';
import { summarise } from '../../src/report/summary.ts';
import { ROOT } from '../helpers/cli.ts';
import { ctxFor, fixtureReport } from './fixture.ts';

const schema = JSON.parse(readFileSync(path.join(ROOT, 'node_modules/@microsoft/jest-sarif/lib/schemas/sarif-2.1.0-rtm.5.json'), 'utf8'));
const ajv = new AjvDraft04.default({ allErrors: true, strict: false, unicodeRegExp: false });
ajv.addFormat('uri', (s: string) => URL.canParse(s));
ajv.addFormat('uri-reference', (s: string) => URL.canParse(s, 'file:///repo/') && !/\s/.test(s));
ajv.addFormat('date-time', (s: string) => !Number.isNaN(Date.parse(s)) && /^\d{4}-\d{2}-\d{2}T/.test(s));
const validate = ajv.compile(schema);

const loc = (line: number) => ({ file: 'estate/rc-topology.yaml', line, column: 9 });

const RESET: NotEvaluated = {
  target: 'broker-us-1',
  source: 'tls broker-us-1.company.com:443 (DNS: 10.0.1.4)',
  reason: 'the server reset the connection during the TLS handshake, before answering the ClientHello',
  location: loc(31),
};
// A vault's own error text, as a hostile or broken endpoint could write it.
const HOSTILE: NotEvaluated = {
  target: 'target-in',
  source: 'key-vault kv-in/target-in-cert',
  reason: 'HTTP 500 InternalServerError: <img src=x onerror=alert(1)> | cell\n::error::injected & more',
  location: loc(106),
};
const WAIVED: NotEvaluated = { target: 'broker-in-3', source: 'tls broker-in-3.company.com:443', reason: 'connection refused', location: loc(68), waived: true };

const audit = (incomplete: NotEvaluated[], extra: Partial<Report> = {}): Report => fixtureReport({ mode: 'audit', incomplete, ...extra });

describe('an incomplete audit in every format', () => {
  it('text: the gaps above the verdict, and a verdict line of their own', () => {
    const text = renderText(audit([RESET, WAIVED]), { color: false });
    const lines = text.trimEnd().split('\n');
    expect(lines.slice(-6)).toEqual([
      'Not evaluated (the audit could not read these):',
      `  estate/rc-topology.yaml:31:9  gap      broker-us-1: ${RESET.source}: ${RESET.reason}`,
      '  estate/rc-topology.yaml:68:9  waived   broker-in-3: tls broker-in-3.company.com:443: connection refused',
      '',
      expect.stringMatching(/^✖ estate\/rc-topology\.yaml: 2 errors, /),
      '✖ the audit is incomplete: could not evaluate 1 object (broker-us-1)',
    ]);
    // Only waived gaps: listed, but the verdict is the findings'.
    const waivedOnly = renderText(audit([WAIVED], { findings: [], summary: summarise([]) }), { color: false }).trimEnd().split('\n');
    expect(waivedOnly).toContain('Not evaluated (the audit could not read these):');
    expect(waivedOnly.at(-1)).toMatch(/^✔ estate\/rc-topology\.yaml: 0 errors/);
    // A complete audit has no section at all.
    expect(renderText(audit([]), { color: false })).not.toContain('Not evaluated');
  });

  it('text --quiet still shows the gaps: they are what fails the run', () => {
    const ctx = ctxFor();
    const text = renderText(audit([RESET]), { color: false, only: ctx.failing });
    expect(text).toContain(`gap      broker-us-1: ${RESET.source}`);
  });

  it('Markdown: "incomplete" in the heading, a table of the gaps first, untrusted text escaped', () => {
    const md = renderMarkdown(audit([RESET, HOSTILE, WAIVED]), ctxFor('never'));
    expect(md).toMatch(/^## ⛔ rc-policy audit: rc-prod — incomplete\n/);
    const section = md.slice(md.indexOf('### Not evaluated'), md.indexOf('### Findings'));
    expect(section).toContain('⛔ the audit is incomplete: could not evaluate 2 objects \\(broker-us-1, target-in\\)');
    expect(section).toContain('| broker-us-1 | `tls broker-us-1.company.com:443 (DNS: 10.0.1.4)` | the server reset the connection during the TLS handshake, before answering the ClientHello | `estate/rc-topology.yaml:31:9` | **not evaluated** |');
    expect(section).toContain('| broker-in-3 |');
    expect(section).toContain('💤 waived (live/unreachable)');
    expect(section).not.toContain('<img');
    expect(section).toContain('&lt;img src=x onerror=alert\\(1\\)&gt; \\| cell ::error::injected &amp; more');
    expect(md.indexOf('### Not evaluated')).toBeLessThan(md.indexOf('### Findings'));
    // Waived gaps alone: the verdict is the findings', the section says why the gaps do not count.
    const waived = renderMarkdown(audit([WAIVED], { findings: [], summary: summarise([]) }), ctxFor());
    expect(waived).toMatch(/^## ✅ rc-policy audit: rc-prod — pass\n/);
    expect(waived).toContain('Every gap below is waived.');
  });

  it('SARIF: the run did not execute successfully; each gap a notification at its line; valid against the schema', () => {
    const sarif = JSON.parse(renderSarif(audit([RESET, HOSTILE, WAIVED]), ctxFor()));
    expect(validate(sarif), JSON.stringify(validate.errors?.slice(0, 5), null, 2)).toBe(true);
    const [invocation] = sarif.runs[0].invocations;
    expect(invocation.executionSuccessful).toBe(false);
    expect(invocation.toolExecutionNotifications.map((n: { level: string }) => n.level)).toEqual(['error', 'error', 'note']);
    expect(invocation.toolExecutionNotifications[0]).toMatchObject({
      message: { text: `could not evaluate broker-us-1: ${RESET.source}: ${RESET.reason}` },
      locations: [{ physicalLocation: { artifactLocation: { uri: 'estate/rc-topology.yaml' }, region: { startLine: 31 } }, logicalLocations: [{ name: 'broker-us-1' }] }],
      associatedRule: { id: 'live/unreachable' },
    });
    expect(JSON.parse(renderSarif(audit([WAIVED]), ctxFor())).runs[0].invocations[0].executionSuccessful).toBe(true);
    expect(JSON.parse(renderSarif(audit([]), ctxFor())).runs[0].invocations).toEqual([{ executionSuccessful: true }]);
  });

  it('JUnit: one <error> per gap in a suite of its own, counted in the totals; waived gaps skipped', () => {
    const xml = renderJunit(audit([RESET, HOSTILE, WAIVED]), ctxFor());
    expect(xml).toMatch(/<testsuites name="rc-policy audit estate\/rc-topology\.yaml" tests="\d+" failures="\d+" errors="2" skipped="\d+">/);
    const suite = xml.slice(xml.indexOf('<testsuite name="rc-policy/not-evaluated"'), xml.indexOf('</testsuite>') + '</testsuite>'.length);
    expect(suite).toMatch(/^<testsuite name="rc-policy\/not-evaluated" tests="3" failures="0" errors="2" skipped="1" /);
    expect(suite).toContain(`<testcase classname="rc-policy/not-evaluated" name="broker-us-1" file="estate/rc-topology.yaml" line="31">`);
    expect(suite).toContain(`<error type="not-evaluated" message="${RESET.source}: ${RESET.reason}">estate/rc-topology.yaml:31:9: could not evaluate broker-us-1:`);
    expect(suite).toContain('&lt;img src=x onerror=alert(1)&gt; | cell&#10;::error::injected &amp; more');
    expect(suite).toContain('<skipped message="waived (live/unreachable): tls broker-in-3.company.com:443: connection refused"/>');
    // The first suite: a reader sees the gaps before the rules.
    expect(xml.indexOf('rc-policy/not-evaluated')).toBeLessThan(xml.indexOf('<testsuite name="broker/name-mismatch"'));
  });

  it('GitHub: one error first, escaped so that a reason cannot start a workflow command; it takes one of the 10 error slots, the failure line another', () => {
    const out = renderGithub(audit([RESET, HOSTILE]));
    const [first] = out.split('\n');
    expect(first).toBe(
      `::error title=rc-policy%3A audit incomplete::the audit is incomplete: could not evaluate 2 objects (broker-us-1, target-in). broker-us-1: ${RESET.source}: ${RESET.reason}; target-in: key-vault kv-in/target-in-cert: HTTP 500 InternalServerError: <img src=x onerror=alert(1)> | cell%0A::error::injected & more`,
    );
    expect(out.split('\n').filter((l) => l.startsWith('::error::'))).toEqual([]);
    // Ten error findings and a gap: the gap's error, eight findings, and one slot left for the step's
    // failure line (ADR 0101); the other two findings are counted in the closing notice.
    const errors: Finding[] = Array.from({ length: ANNOTATION_LIMIT }, (_, i) => ({
      rule: 'live/unreachable',
      severity: 'error',
      target: `broker-${i}`,
      message: `broker-${i} is unreachable`,
      location: loc(10 + i),
      waived: false,
    }));
    const full = renderGithub(audit([RESET], { findings: errors, summary: summarise(errors) })).trimEnd().split('\n');
    expect(full.filter((l) => l.startsWith('::error '))).toHaveLength(ANNOTATION_LIMIT - 1);
    expect(full.at(-1)).toMatch(/^::notice title=rc-policy%3A more findings::2 more not annotated \(GitHub shows 10 per type\): 2 errors\./);
    // Waived gaps alone: no error of their own.
    expect(renderGithub(audit([WAIVED], { findings: [], summary: summarise([]) }))).toBe('');
  });
});

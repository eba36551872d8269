// The job summary a reviewer reads: a golden file (test/report/golden/summary.md, regenerate with
// UPDATE_GOLDEN=1) plus assertions on what must be in it and what must never get through.
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { code, md, renderMarkdown, MAX_FINDING_ROWS } from '../../src/report/markdown.ts';
import { ganttName, mermaidLabel, MAX_DIAGRAM_NODES } from '../../src/report/mermaid.ts';
import type { EstateNode, Finding } from '../../src/report/types.ts';
import { baseline, evaluate } from '../helpers/estate.ts';
import { ctxFor, fixtureReport } from './fixture.ts';

const GOLDEN = path.join(import.meta.dirname, 'golden/summary.md');
const LINKS = { links: { base: 'https://github.com/acme/estate/blob/0123abc/' } };

const mermaidBlocks = (text: string): string[] => [...text.matchAll(/```mermaid\n([\s\S]*?)```/g)].map((m) => m[1]!);

describe('Markdown job summary', () => {
  const text = renderMarkdown(fixtureReport(), ctxFor('error', LINKS));

  it('matches the golden file', () => {
    if (process.env.UPDATE_GOLDEN) writeFileSync(GOLDEN, text);
    expect(text).toBe(readFileSync(GOLDEN, 'utf8'));
  });

  it('opens with the verdict and the counts', () => {
    expect(text.split('\n')[0]).toBe('## ❌ rc-policy check: rc-prod — fail');
    expect(text).toContain('**2 errors on 2 objects, 1 warning, 1 info, 1 waived \\(3 new, 1 baselined, 2 fixed since the baseline\\)**');
    const pass = renderMarkdown(fixtureReport({ findings: [] }), ctxFor());
    expect(pass.split('\n')[0]).toBe('## ✅ rc-policy check: rc-prod — pass');
  });

  it('has a findings table: rule linked to its doc, location linked to the file line, state', () => {
    expect(text).toContain(
      '| 🟥 error | [broker/name-mismatch](https://github.com/rc-policy/rc-policy/blob/main/docs/rules/broker/name-mismatch.md) | broker-us-2 |',
    );
    expect(text).toContain('[`estate/rc-topology.yaml:41:9`](https://github.com/acme/estate/blob/0123abc/estate/rc-topology.yaml#L41) | **fails** |');
    expect(text).toContain('💤 waived until 2027-01-31: legacy wildcard until the 2027 rotation');
    expect(text).toContain('| existing (baseline) |');
  });

  it('escapes untrusted text: no markup, no table break, no mention', () => {
    expect(text).not.toContain('<img');
    expect(text).toContain('&lt;img src=x&gt;\\|evil.com ::error::injected');
    expect(md('@team *bold* [x](y) `code` <b>')).toBe('&#64;team \\*bold\\* \\[x\\]\\(y\\) \\`code\\` &lt;b&gt;');
    expect(code('a`b|c\nd')).toBe('`a b\\|c d`');
    // One table row per finding: a newline in a message never splits it.
    const rows = text.split('\n').filter((l) => l.startsWith('| 🟥') || l.startsWith('| 🟨') || l.startsWith('| 🟦'));
    expect(rows).toHaveLength(5);
  });

  it('renders the handshake matrix as a grid and lists the failing pairs with reasons', () => {
    expect(text).toContain('2 of 4 client→server handshakes succeed.');
    expect(text).toContain('| client ↓ server → | broker-us-1 | broker-us-2 | broker-in-3 |');
    expect(text).toContain('| controller-us | ✅ | ❌ server | ✅ |');
    expect(text).toContain('| target-in | · | · | ❌ client |');
    expect(text).toContain('| target-in | broker-in-3 | accepted | rejected: unable to get issuer certificate |');
  });

  it('draws the topology: global LB -> regional LBs -> brokers, clients, coloured by status', () => {
    const flow = mermaidBlocks(text)[0]!;
    expect(flow.split('\n')[0]).toBe('flowchart LR');
    expect(flow).toContain('n0{{"crlb<br/>rc.company.com"}}');
    expect(flow).toContain('subgraph region0 ["region us"]');
    expect(flow).toMatch(/n0 ==> n1\n/);
    expect(flow).toContain('n6 --> n0'); // controller-us connects to crlb
    // broker-us-2 has an error; broker-us-1 only a baseline warning (still a warning); broker-in-3 a
    // failing handshake (target-in->broker-in-3), its wildcard warning is waived.
    const classOf = (key: string) => flow.split('\n').find((l) => l.trim().startsWith('class ') && l.split(' ').at(-2)!.split(',').includes(key))?.trim().split(' ').at(-1);
    expect(classOf('n4')).toBe('error');
    expect(classOf('n3')).toBe('warning');
    expect(classOf('n5')).toBe('error');
    expect(classOf('n7')).toBe('error'); // target-in
    expect(classOf('n0')).toBe('ok');
  });

  it('draws a gantt of validity windows with the evaluation time and the rollover', () => {
    const gantt = mermaidBlocks(text)[1]!;
    expect(gantt).toContain('dateFormat YYYY-MM-DD');
    expect(gantt).toContain('section Root CAs');
    expect(gantt).toContain('broker-us-1 :crit, c3, 2026-01-01, 2026-12-11');
    expect(gantt).toContain('broker-us-2 :active, c5, 2026-10-15, 2027-10-15');
    expect(gantt).toContain('evaluated :milestone, m0, 2026-12-01, 0d');
    expect(gantt).toContain('section Rollover root-2025 to root-2026');
    expect(gantt).toContain('both roots valid :active, r2, 2026-06-01, 2027-03-01');
    expect(gantt).toContain('phase trust-both (declared) :milestone, r3, 2026-12-01, 0d');
  });

  it('lists waivers and the baseline', () => {
    expect(text).toContain('| broker/wildcard | broker-in-3 | ✅ active | 1 | 2027-01-31 | platform-team | CHG-1234 |');
    expect(text).toContain('| lb/port-mismatch | slb-in | 💤 unused | 0 |');
    expect(text).toContain('Compared with `previous-report.json`: 1 existing findings do not fail the run; 2 baseline findings are fixed.');
  });

  it('keeps Mermaid labels and gantt names free of anything that could end the block or inject', () => {
    expect(mermaidLabel('a"b`c<d>\n#1;')).toBe('a_b_c_d___1_');
    expect(ganttName('x:crit, y;#z->w')).toBe('x_crit_ y__z to w');
    const evil: EstateNode = { id: '```\n<script>', kind: 'broker', region: 'us"]\nclick', location: { file: 'f', line: 1, column: 1 } };
    const out = renderMarkdown(fixtureReport({ estate: { ...fixtureReport().estate!, nodes: [evil] } }), ctxFor());
    const flow = mermaidBlocks(out)[0]!;
    expect(flow).not.toContain('`');
    expect(flow).not.toContain('<script>');
    expect(flow).not.toMatch(/\nclick/);
  });

  it('stays readable for a large estate: capped table and diagram, with what was left out said', () => {
    const findings: Finding[] = Array.from({ length: 450 }, (_, i) => ({
      rule: 'cert/expiring',
      severity: 'warning',
      target: `broker-${i}`,
      message: 'expires soon',
      location: { file: 'rc-topology.yaml', line: i + 1, column: 1 },
      waived: false,
    }));
    const nodes: EstateNode[] = Array.from({ length: 500 }, (_, i) => ({ id: `broker-${i}`, kind: 'broker', region: 'us', location: { file: 'f', line: 1, column: 1 } }));
    const out = renderMarkdown(fixtureReport({ findings, estate: { ...fixtureReport().estate!, nodes } }), ctxFor());
    expect(out).toContain(`… and ${450 - MAX_FINDING_ROWS} more findings`);
    expect(out).toContain(`${500 - MAX_DIAGRAM_NODES} more objects not drawn`);
    expect(Buffer.byteLength(out)).toBeLessThan(1024 * 1024); // GitHub's job summary limit
  });

  it('renders a real run: the diagrams come from the topology and its certificates', async () => {
    const report = await evaluate(await baseline());
    const out = renderMarkdown(report, ctxFor());
    const [flow, gantt] = mermaidBlocks(out);
    expect(flow).toContain('"broker-us-1<br/>broker-us-1.company.com"');
    expect(flow).toContain('subgraph region1 ["region in"]');
    expect(gantt).toContain('root (root) :active');
    expect(gantt).toContain('server-issuing (intermediate) :active');
    expect(gantt).toMatch(/controller-us :active, c\d+, 2026-11-01, 2027-09-27/);
  });
});

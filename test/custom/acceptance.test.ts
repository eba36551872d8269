// Issue 13's acceptance: a pack with one custom CEL rule on examples/rc-system behaves like a
// built-in rule in every format, in `rules`, and fails closed on a broken expression.
import { mkdtemp, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../helpers/cli.ts';

const TOPOLOGY = 'examples/rc-system/rc-topology.yaml';
const AT = ['--at', '2026-12-01T00:00:00Z'];

const pack = (expression: string) => `apiVersion: rc-policy/v1
kind: PolicyPack
metadata: { name: acceptance }
extends: rc-default
customRules:
  - id: acme/not-broker-us-1
    title: No broker is named broker-us-1
    severity: error
    on: broker
    remedy: Rename the broker.
    validations:
      - expression: ${JSON.stringify(expression)}
        message: the broker is broker-us-1
`;

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(path.join(os.tmpdir(), 'rc-custom-'));
  await writeFile(path.join(dir, 'pack.yaml'), pack("!object.fqdn.startsWith('broker-us-1')"));
  await writeFile(path.join(dir, 'syntax.yaml'), pack("!object.fqdn.startsWith('broker-us-1'"));
});

describe('a custom rule on examples/rc-system', () => {
  it('gives exactly one error, on broker-us-1, exit 1, in text', () => {
    const r = runCli(['check', TOPOLOGY, ...AT, '--policy', path.join(dir, 'pack.yaml')]);
    expect(r.code).toBe(1);
    expect(r.stdout).toMatch(/broker-us-1\n\s+examples\/rc-system\/rc-topology\.yaml:\d+:\d+\s+error\s+the broker is broker-us-1\s+acme\/not-broker-us-1/);
    expect(r.stdout).toMatch(/1 error, 0 warnings/);
  });

  it('in JSON: one finding, the rule listed as ran', () => {
    const r = runCli(['check', TOPOLOGY, ...AT, '--policy', path.join(dir, 'pack.yaml'), '--format', 'json']);
    expect(r.code).toBe(1);
    const report = JSON.parse(r.stdout);
    expect(report.findings).toEqual([expect.objectContaining({ rule: 'acme/not-broker-us-1', severity: 'error', target: 'broker-us-1', waived: false })]);
    expect(report.summary).toMatchObject({ error: 1, warning: 0 });
    expect(report.rules).toContainEqual({ id: 'acme/not-broker-us-1', status: 'ran' });
    expect(report).not.toHaveProperty('descriptors');
  });

  it('in SARIF: one result, with the rule in tool.driver.rules', () => {
    const r = runCli(['check', TOPOLOGY, ...AT, '--policy', path.join(dir, 'pack.yaml'), '--format', 'sarif']);
    expect(r.code).toBe(1);
    const run = JSON.parse(r.stdout).runs[0];
    expect(run.results).toHaveLength(1);
    const [result] = run.results;
    expect(result).toMatchObject({ ruleId: 'acme/not-broker-us-1', level: 'error', locations: [{ logicalLocations: [{ name: 'broker-us-1' }] }] });
    const rule = run.tool.driver.rules[result.ruleIndex];
    expect(rule).toMatchObject({ id: 'acme/not-broker-us-1', shortDescription: { text: 'No broker is named broker-us-1' }, defaultConfiguration: { level: 'error' } });
    expect(rule.help.text).toContain('Remedy: Rename the broker.');
  });

  it('in JUnit, GitHub annotations and Markdown too; a baseline holding it makes the run pass', async () => {
    const pack = path.join(dir, 'pack.yaml');
    const junit = runCli(['check', TOPOLOGY, ...AT, '--policy', pack, '--format', 'junit']);
    expect(junit.stdout).toMatch(/<testsuite name="acme\/not-broker-us-1"[^>]*failures="1"/);
    const github = runCli(['check', TOPOLOGY, ...AT, '--policy', pack, '--format', 'github']);
    expect(github.stdout).toMatch(/^::error file=examples\/rc-system\/rc-topology\.yaml,line=\d+,col=\d+,title=acme\/not-broker-us-1.*::.*broker-us-1/m);
    const markdown = runCli(['check', TOPOLOGY, ...AT, '--policy', pack, '--format', 'markdown']);
    expect(markdown.stdout).toContain('acme/not-broker-us-1');
    runCli(['check', TOPOLOGY, ...AT, '--policy', pack, '--format', `json=${path.join(dir, 'previous.json')}`]);
    const again = runCli(['check', TOPOLOGY, ...AT, '--policy', pack, '--baseline', path.join(dir, 'previous.json')]);
    expect(again.code).toBe(0);
    expect(again.stdout).toContain('(existing: in the baseline)');
  });

  it('rc-policy rules --policy <pack> lists it, and explain describes it', () => {
    const rules = runCli(['rules', '--policy', path.join(dir, 'pack.yaml')]);
    expect(rules.code).toBe(0);
    expect(rules.stdout).toMatch(/acme\/not-broker-us-1\s+error\s+No broker is named broker-us-1 \(custom\)/);
    const json = JSON.parse(runCli(['rules', '--policy', path.join(dir, 'pack.yaml'), '--format', 'json']).stdout);
    expect(json).toContainEqual(expect.objectContaining({ id: 'acme/not-broker-us-1', custom: true, remedy: 'Rename the broker.' }));
    const explain = runCli(['explain', 'acme/not-broker-us-1', '--policy', path.join(dir, 'pack.yaml')]);
    expect(explain.code).toBe(0);
    expect(explain.stdout).toContain('No broker is named broker-us-1');
    expect(explain.stdout).toContain('Remedy: Rename the broker.');
  });

  it('a CEL syntax error is exit 2 naming the pack file and the line of the expression', () => {
    const r = runCli(['check', TOPOLOGY, ...AT, '--policy', path.join(dir, 'syntax.yaml')]);
    expect(r.code).toBe(2);
    expect(r.stdout).toBe('');
    // Line 12 of the pack holds the expression.
    expect(r.stderr).toMatch(/^rc-policy: .*syntax\.yaml:12:\d+: custom rule 'acme\/not-broker-us-1' validations\[0\]\.expression: CEL syntax error at character \d+: .+\n$/);
  });
});

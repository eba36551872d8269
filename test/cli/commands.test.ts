import { mkdtempSync, readFileSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCli } from '../helpers/cli.ts';

describe('rc-policy rules / explain / schema / init', () => {
  it('rules --format json lists every rule with its metadata', () => {
    const r = runCli(['rules', '--format', 'json']);
    expect(r.code).toBe(0);
    const rules = JSON.parse(r.stdout) as { id: string; severity: string; rationale: string; helpUri: string }[];
    expect(rules.map((x) => x.id)).toContain('broker/name-mismatch');
    for (const rule of rules) {
      expect(rule.rationale.length, rule.id).toBeGreaterThan(40);
      expect(rule.helpUri).toMatch(new RegExp(`docs/rules/${rule.id}\\.md$`));
    }
  });

  it('rules prints a table', () => {
    const r = runCli(['rules']);
    expect(r.stdout).toMatch(/^broker\/wildcard\s+warning\s+Server certificates name their server/m);
  });

  it('explain prints the rationale and the remedy; an unknown id is exit 2', () => {
    const r = runCli(['explain', 'lb/no-tls-termination']);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^Source: docs\/architectures\/rc-system\.md#load-balancers-pass-tls-through; /m);
    expect(r.stdout).not.toMatch(/seed/i);
    expect(r.stdout).toMatch(/^Remedy: /m);
    const bad = runCli(['explain', 'lb/nope']);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/unknown rule 'lb\/nope'/);
  });

  it('schema prints the JSON Schemas', () => {
    expect(JSON.parse(runCli(['schema']).stdout).$schema).toBe('https://json-schema.org/draft/2020-12/schema');
    expect(JSON.parse(runCli(['schema', 'policy']).stdout).title).toMatch(/policy pack/);
    expect(runCli(['schema', 'nope']).code).toBe(2);
  });

  it('init writes a working example (public certificates only) that checks clean', () => {
    const dir = path.join(mkdtempSync(path.join(tmpdir(), 'rc-init-')), 'estate');
    const r = runCli(['init', dir]);
    expect(r.code).toBe(0);
    const check = runCli(['check', '--format', 'json'], { cwd: dir });
    expect(check.code).toBe(0);
    expect(JSON.parse(check.stdout).summary).toEqual({ error: 0, warning: 0, info: 0, waived: 0 });
    const all = readdirSync(dir, { recursive: true, withFileTypes: true }).filter((f) => f.isFile());
    for (const f of all) expect(readFileSync(path.join(f.parentPath, f.name), 'utf8')).not.toMatch(/PRIVATE KEY/);
    expect(runCli(['init', dir]).code).toBe(2);
  });

  it('no command prints help and exits 2; an unknown command is exit 2', () => {
    expect(runCli([]).code).toBe(2);
    const r = runCli(['chekc']);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/unknown command 'chekc' \(did you mean 'check'\?\)/);
  });

  it('writes several formats in one run', () => {
    const out = path.join(mkdtempSync(path.join(tmpdir(), 'rc-fmt-')), 'report.json');
    const r = runCli(['check', 'examples/rc-system/rc-topology.yaml', '--format', 'text', '--format', `json=${out}`]);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/0 errors/);
    expect(JSON.parse(readFileSync(out, 'utf8')).tool.name).toBe('rc-policy');
  });
});

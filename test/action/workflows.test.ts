// The Action's contract (action.yml) and the shipped workflows, read as data: the inputs the code
// reads are the ones declared, and the workflows keep the security properties the README promises.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { ROOT } from '../helpers/cli.ts';

// eslint-disable-next-line @typescript-eslint/no-explicit-any
const load = (file: string): any => parse(readFileSync(path.join(ROOT, file), 'utf8'));
const action = load('action.yml');
const source = readFileSync(path.join(ROOT, 'src/action.ts'), 'utf8');

describe('action.yml', () => {
  it('runs the committed bundle on node24', () => {
    expect(action.runs).toEqual({ using: 'node24', main: 'dist/index.js' });
  });

  it('declares the inputs and outputs of spec §7 (plus soft-fail), and exactly the ones the code uses', () => {
    const inputs = Object.keys(action.inputs);
    expect(inputs).toEqual(expect.arrayContaining(['topology', 'policy', 'waivers', 'mode', 'fail-on', 'sarif-file', 'annotations', 'summary', 'soft-fail']));
    const read = [...source.matchAll(/(?:choice|flag|optional)\('([a-z-]+)'/g)].map((m) => m[1]!);
    expect(new Set(read)).toEqual(new Set(inputs));
    const outputs = Object.keys(action.outputs);
    expect(outputs).toEqual(expect.arrayContaining(['errors', 'warnings', 'result', 'report-json', 'sarif-file']));
    const set = [...source.matchAll(/core\.setOutput\('([a-z-]+)'/g)].map((m) => m[1]!);
    expect(new Set(set)).toEqual(new Set(outputs));
  });
});

const steps = (wf: { jobs: Record<string, { steps: { uses?: string }[] }> }) => Object.values(wf.jobs).flatMap((j) => j.steps);

describe('workflows', () => {
  const pr = load('.github/workflows/rc-policy.yml');
  const audit = load('.github/workflows/rc-policy-audit.yml');

  it('pins every third-party action by full commit SHA', () => {
    for (const s of [...steps(pr), ...steps(audit)]) {
      if (!s.uses || s.uses === './') continue;
      expect(s.uses).toMatch(/^[\w.-]+\/[\w./-]+@[0-9a-f]{40}$/);
    }
  });

  it('the PR check runs on pull_request (never pull_request_target), from this repo, with minimal permissions, and uploads SARIF', () => {
    expect(Object.keys(pr.on)).toContain('pull_request');
    expect(Object.keys(pr.on)).not.toContain('pull_request_target');
    expect(pr.permissions).toEqual({});
    expect(pr.jobs.check.permissions).toEqual({ contents: 'read', 'security-events': 'write' });
    const uses = steps(pr).map((s) => s.uses);
    expect(uses).toContain('./');
    expect(uses.some((u) => u?.startsWith('github/codeql-action/upload-sarif@'))).toBe(true);
    expect(JSON.stringify(pr)).not.toMatch(/secrets\./);
  });

  it('the drift audit is scheduled and dispatchable, logs in with OIDC, runs mode: audit and keeps one issue', () => {
    expect(Object.keys(audit.on).sort()).toEqual(['schedule', 'workflow_dispatch']);
    expect(audit.permissions).toEqual({});
    expect(audit.jobs.audit.permissions).toEqual({ contents: 'read', 'id-token': 'write', issues: 'write' });
    const all = steps(audit) as { uses?: string; with?: Record<string, unknown>; run?: string }[];
    expect(all.find((s) => s.uses?.startsWith('azure/login@'))?.with).toMatchObject({ 'client-id': '${{ vars.AZURE_CLIENT_ID }}' });
    expect(all.find((s) => s.uses === './')?.with).toMatchObject({ mode: 'audit' });
    const script = all.map((s) => s.run ?? '').join('\n');
    expect(script).toMatch(/gh issue list .*--label rc-policy-drift --state open/);
    expect(script).toMatch(/gh issue comment/);
    expect(script).toMatch(/gh issue create/);
    // No expression is interpolated into a shell script: values reach scripts through env.
    expect(script).not.toMatch(/\$\{\{/);
    expect(JSON.stringify(audit)).not.toMatch(/secrets\./);
  });
});

// The Action's contract (action.yml) and the shipped workflows, read as data: the inputs the code
// reads are the ones declared, and the workflows keep the security properties the README promises.
import { readdirSync, readFileSync } from 'node:fs';
import { spawnSync } from 'node:child_process';
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
    // actions: read — upload-sarif reads the workflow run (private repositories refuse it otherwise).
    expect(pr.jobs.check.permissions).toEqual({ contents: 'read', 'security-events': 'write', actions: 'read' });
    const uses = steps(pr).map((s) => s.uses);
    expect(uses).toContain('./');
    const upload = (steps(pr) as { uses?: string; if?: string }[]).find((s) => s.uses?.startsWith('github/codeql-action/upload-sarif@'));
    // Uploads only a report rc-policy wrote, and can be switched off where code scanning is unavailable.
    expect(upload?.if).toBe("always() && steps.rc-policy.outputs.sarif-file != '' && vars.RC_POLICY_UPLOAD_SARIF != 'false'");
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

describe('every workflow (this repository’s own and the documented examples)', () => {
  const files = ['.github/workflows', 'examples/workflows'].flatMap((dir) => {
    try {
      return readdirSync(path.join(ROOT, dir)).filter((n) => /\.ya?ml$/.test(n)).map((n) => `${dir}/${n}`);
    } catch {
      return [];
    }
  });
  type Step = { uses?: string; run?: string };
  const stepsOf = (wf: { jobs: Record<string, { steps?: Step[] }> }): Step[] => Object.values(wf.jobs).flatMap((j) => j.steps ?? []);

  it.each(files)('%s pins third-party actions by full SHA, starts with no permissions, and passes values to scripts through env', (file) => {
    const wf = load(file);
    expect(wf.permissions).toEqual({});
    for (const s of stepsOf(wf)) {
      if (s.uses && !s.uses.startsWith('./')) expect(s.uses).toMatch(/^[\w.-]+\/[\w./-]+@[0-9a-f]{40}$/);
      expect(s.run ?? '').not.toMatch(/\$\{\{/);
    }
  });
});

describe('CI and release', () => {
  const ci = load('.github/workflows/ci.yml');
  const release = load('.github/workflows/release.yml');
  const runs = (wf: { jobs: Record<string, { steps?: { run?: string }[] }> }) => Object.values(wf.jobs).flatMap((j) => j.steps ?? []).map((s) => s.run ?? '').join('\n');

  it('CI runs on pull requests: tests on Node 22 and 24 (on that Node, not the pinned one), check-dist, actionlint, the ways in', () => {
    expect(Object.keys(ci.on)).toEqual(expect.arrayContaining(['pull_request', 'workflow_call']));
    expect(ci.jobs.test.strategy.matrix.node).toEqual([22, 24]);
    const script = runs(ci);
    expect(script).toContain('rm -f node_modules/.bin/node');
    for (const command of ['npm test', 'npm run check-dist', 'npm run lint:workflows', '.ci/ways-in']) expect(script).toContain(command);
  });

  it('release runs CI on a version tag, then publishes with provenance, creates the release from CHANGELOG.md and moves the major tag', () => {
    expect(release.on.push.tags).toEqual(['v*.*.*']);
    expect(release.jobs.ci.uses).toBe('./.github/workflows/ci.yml');
    expect(release.jobs.release.needs).toBe('ci');
    expect(release.jobs.release.permissions).toEqual({ contents: 'write', 'id-token': 'write' });
    const script = runs(release);
    expect(script).toContain('npm run check-dist');
    expect(script).toMatch(/npm publish --provenance/);
    expect(script).toMatch(/node scripts\/release-notes\.mjs/);
    expect(script).toMatch(/gh release create "\$TAG" --verify-tag/);
    expect(script).toMatch(/git push --force origin "refs\/tags\/\$major"/);
  });

  it('the release notes come from CHANGELOG.md, and a version without notes stops the release', () => {
    const notes = (v: string) => spawnSync(process.execPath, [path.join(ROOT, 'scripts/release-notes.mjs'), v], { encoding: 'utf8' });
    const version = (JSON.parse(readFileSync(path.join(ROOT, 'package.json'), 'utf8')) as { version: string }).version;
    const ok = notes(`v${version}`);
    expect(ok.status).toBe(0);
    expect(ok.stdout.trim().length).toBeGreaterThan(0);
    const missing = notes('0.0.0-none');
    expect(missing.status).toBe(1);
    expect(missing.stderr).toMatch(/no section/);
  });
});

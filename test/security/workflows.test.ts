// The rules of docs/security.md for GitHub workflows, enforced on every workflow the repository
// ships (.github/workflows, example workflows, action.yml): actions pinned to a full commit SHA,
// permissions declared, and never pull_request_target together with a checkout of the PR's head.
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { ROOT } from '../helpers/cli.ts';

type Json = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

/** What is wrong with one workflow (or action.yml), in words. */
function workflowProblems(text: string): string[] {
  const doc = (parse(text) ?? {}) as Json;
  const problems: string[] = [];
  const jobs = Object.entries((doc.jobs ?? {}) as Json);
  const steps: Json[] = [...jobs.flatMap(([, j]) => (j.steps ?? []) as Json[]), ...((doc.runs?.steps ?? []) as Json[])];
  for (const [name, job] of jobs) if (typeof job.uses === 'string') steps.push({ uses: job.uses, name });
  for (const s of steps) {
    const uses = s.uses as string | undefined;
    if (!uses || uses.startsWith('./') || uses.startsWith('docker://')) continue;
    if (!/@[0-9a-f]{40}$/.test(uses)) problems.push(`${uses} is not pinned to a full commit SHA`);
  }
  if (doc.jobs) {
    const top = doc.permissions !== undefined;
    for (const [name, job] of jobs) if (!top && job.permissions === undefined) problems.push(`job ${name} declares no permissions (and the workflow none)`);
    if (doc.permissions === 'write-all') problems.push('permissions: write-all');
  }
  const on = doc.on ?? doc[true as unknown as string]; // YAML 1.1 readers turn `on` into true
  const triggers = typeof on === 'string' ? [on] : Array.isArray(on) ? on : Object.keys(on ?? {});
  if (triggers.includes('pull_request_target')) {
    const checksOutHead = steps.some((s) => /actions\/checkout@/.test(s.uses ?? '') && /head|merge|github\.event\.pull_request/.test(JSON.stringify(s.with ?? {})));
    if (checksOutHead) problems.push('pull_request_target with a checkout of the pull request head');
  }
  return problems;
}

const SHA = 'b4ffde65f46336ab88eb53be808477a3936bae11';

describe('workflow rules (docs/security.md)', () => {
  it('accepts a pinned, least-privilege pull_request workflow', () => {
    const good = `on: pull_request\npermissions: { contents: read, security-events: write }\njobs:\n  check:\n    runs-on: ubuntu-latest\n    steps:\n      - uses: actions/checkout@${SHA} # v4\n      - uses: ./\n`;
    expect(workflowProblems(good)).toEqual([]);
  });

  it('rejects tags, missing permissions and pull_request_target with the head checked out', () => {
    const bad = `on: [pull_request_target]\njobs:\n  check:\n    runs-on: ubuntu-latest\n    steps:\n      - uses: actions/checkout@v4\n        with: { ref: '\${{ github.event.pull_request.head.sha }}' }\n      - uses: someone/action@main\n`;
    expect(workflowProblems(bad)).toEqual([
      'actions/checkout@v4 is not pinned to a full commit SHA',
      'someone/action@main is not pinned to a full commit SHA',
      'job check declares no permissions (and the workflow none)',
      'pull_request_target with a checkout of the pull request head',
    ]);
    expect(workflowProblems(`runs:\n  using: composite\n  steps:\n    - uses: actions/setup-node@v4\n`)).toEqual(['actions/setup-node@v4 is not pinned to a full commit SHA']);
  });

  it('holds for every workflow the repository ships (action.yml, .github/workflows, example workflows)', () => {
    const files = [
      ...['.github/workflows', 'examples/workflows', 'examples/github-workflows'].flatMap((d) =>
        existsSync(path.join(ROOT, d)) ? readdirSync(path.join(ROOT, d)).filter((f) => /\.ya?ml$/.test(f)).map((f) => path.join(d, f)) : [],
      ),
      ...(existsSync(path.join(ROOT, 'action.yml')) ? ['action.yml'] : []),
    ];
    const problems = Object.fromEntries(files.map((f) => [f, workflowProblems(readFileSync(path.join(ROOT, f), 'utf8'))]).filter(([, p]) => p!.length > 0));
    expect(problems).toEqual({});
  });
});

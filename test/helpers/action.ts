// Runs the Action as the runner does: `node dist/index.js` (the committed bundle) with INPUT_*
// variables (hyphens kept, as the runner sets them), a workspace, and the files behind
// GITHUB_OUTPUT and GITHUB_STEP_SUMMARY; reads back what a workflow would see.
import { spawn } from 'node:child_process';
import { mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { ROOT } from './cli.ts';

export interface Step {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
  readonly outputs: Record<string, string>;
  /** GITHUB_OUTPUT as written, before parsing. */
  readonly outputFile: string;
  readonly summary: string;
  readonly workspace: string;
}

/** Parses GITHUB_OUTPUT as the runner does: `name<<delimiter`, value lines, delimiter. */
export function parseOutputs(text: string): Record<string, string> {
  const out: Record<string, string> = {};
  const lines = text.split('\n');
  for (let i = 0; i < lines.length; i++) {
    const m = /^([^<=]+)<<(.+)$/.exec(lines[i]!);
    if (!m) continue;
    const end = lines.indexOf(m[2]!, i + 1);
    out[m[1]!] = lines.slice(i + 1, end).join('\n');
    i = end;
  }
  return out;
}

/** The workflow commands of one type in a step's log (`::error ...` or `::error::...`). */
export const commandLines = (stdout: string, type: string): string[] => stdout.split('\n').filter((l) => l.startsWith(`::${type} `) || l.startsWith(`::${type}::`));

/**
 * Runs dist/index.js in a fresh temporary runner folder whose `repo/` is the workspace that
 * `prepare` fills. Asynchronous, so that servers in the test process keep answering meanwhile.
 */
export async function runDist(inputs: Record<string, string>, prepare: (workspace: string) => Promise<void>, extraEnv: Record<string, string> = {}): Promise<Step> {
  const base = await mkdtemp(path.join(tmpdir(), 'rc-policy-action-'));
  const workspace = path.join(base, 'repo');
  await prepare(workspace);
  const outputFile = path.join(base, 'output.txt');
  const summaryFile = path.join(base, 'summary.md');
  await writeFile(outputFile, '');
  await writeFile(summaryFile, '');
  const env: Record<string, string> = {
    PATH: process.env.PATH ?? '',
    GITHUB_ACTIONS: 'true',
    CI: 'true',
    GITHUB_WORKSPACE: workspace,
    GITHUB_OUTPUT: outputFile,
    GITHUB_STEP_SUMMARY: summaryFile,
    RUNNER_TEMP: base,
    GITHUB_SERVER_URL: 'https://github.com',
    GITHUB_REPOSITORY: 'acme/estate',
    GITHUB_SHA: '0123456789abcdef0123456789abcdef01234567',
    ...extraEnv,
  };
  for (const [name, value] of Object.entries(inputs)) env[`INPUT_${name.toUpperCase()}`] = value;
  // The runner starts the step in the workspace; rc-policy must not depend on it, so start elsewhere.
  const child = spawn(process.execPath, [path.join(ROOT, 'dist/index.js')], { cwd: base, env, stdio: ['ignore', 'pipe', 'pipe'], timeout: 60_000 });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (d) => (stdout += d));
  child.stderr.on('data', (d) => (stderr += d));
  const code = await new Promise<number>((resolve, reject) => {
    child.on('error', reject);
    child.on('close', (c) => resolve(c ?? -1));
  });
  const output = await readFile(outputFile, 'utf8');
  return { code, stdout, stderr, outputs: parseOutputs(output), outputFile: output, summary: await readFile(summaryFile, 'utf8'), workspace };
}

// Runs one `uses: ./<path>` step of a workflow the way the GitHub runner runs a node action: reads
// the action's action.yml, requires `runs.using: node24`, sets INPUT_<NAME> from the step's `with:`
// over the action's defaults, and starts `node <action>/<runs.main>` in the workspace with the files
// behind GITHUB_OUTPUT and GITHUB_STEP_SUMMARY. Exits with the step's exit code.
//
//   node .ci/run-action-step.mjs <workspace> <workflow file, relative to it> <step id> <runner temp>
import { spawnSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import YAML from 'yaml';

const [workspace, workflowFile, stepId, runnerTemp] = process.argv.slice(2);
const fail = (why) => {
  console.error(`run-action-step: ${why}`);
  process.exit(3);
};
const workflow = YAML.parse(readFileSync(path.join(workspace, workflowFile), 'utf8'));
const step = Object.values(workflow.jobs ?? {}).flatMap((job) => job.steps ?? []).find((s) => s.id === stepId);
if (!step) fail(`no step with id '${stepId}' in ${workflowFile}`);
if (!String(step.uses).startsWith('./')) fail(`step '${stepId}' does not use a local action (uses: ${step.uses})`);

const actionDir = path.join(workspace, step.uses);
const action = YAML.parse(readFileSync(path.join(actionDir, 'action.yml'), 'utf8'));
if (action.runs?.using !== 'node24') fail(`action.yml runs.using is '${action.runs?.using}', the runner here emulates node24`);

const env = {
  PATH: process.env.PATH,
  HOME: process.env.HOME,
  CI: 'true',
  GITHUB_ACTIONS: 'true',
  GITHUB_WORKSPACE: workspace,
  GITHUB_OUTPUT: path.join(runnerTemp, 'output.txt'),
  GITHUB_STEP_SUMMARY: path.join(runnerTemp, 'summary.md'),
  GITHUB_ACTION_PATH: actionDir,
  RUNNER_TEMP: runnerTemp,
  GITHUB_SERVER_URL: 'https://github.com',
  GITHUB_REPOSITORY: 'acme/estate',
  GITHUB_SHA: '0123456789abcdef0123456789abcdef01234567',
};
const given = step.with ?? {};
for (const name of Object.keys(given)) if (!(name in (action.inputs ?? {}))) fail(`step '${stepId}' sets input '${name}', which action.yml does not declare`);
for (const [name, input] of Object.entries(action.inputs ?? {})) {
  const value = name in given ? String(given[name]) : input.default !== undefined ? String(input.default) : '';
  if (value.includes('${{')) fail(`input '${name}' holds an expression; this emulation takes literal values only`);
  env[`INPUT_${name.replace(/ /g, '_').toUpperCase()}`] = value;
}
writeFileSync(env.GITHUB_OUTPUT, '');
writeFileSync(env.GITHUB_STEP_SUMMARY, '');
const run = spawnSync(process.execPath, [path.join(actionDir, action.runs.main)], { cwd: workspace, env, stdio: 'inherit', timeout: 120_000 });
process.exit(run.status ?? 1);

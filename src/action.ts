// The GitHub Action shell (action.yml): inputs -> the library's check() (or audit) -> outputs,
// annotations on the topology lines, and the job summary. No logic of its own beyond that wiring;
// the formats are the same pure renderers the CLI uses.
import * as core from '@actions/core';
import { randomUUID } from 'node:crypto';
import { mkdir, mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { audit } from './audit.ts';
import { check, type CheckOptions } from './check.ts';
import { parseAt } from './commands/args.ts';
import { InputError } from './errors.ts';
import { renderGithub } from './report/github.ts';
import { renderJson } from './report/json.ts';
import { renderMarkdown } from './report/markdown.ts';
import { renderSarif } from './report/sarif.ts';
import { renderText } from './report/text.ts';
import type { RenderContext } from './report/formats.ts';
import { fails, isFailing, type FailOn } from './report/summary.ts';
import { incompleteVerdict, openGaps } from './report/incomplete.ts';
import { redact, secretValues } from './redact.ts';

const MODES = ['check', 'audit'] as const;
const FAIL_ON: readonly FailOn[] = ['error', 'warning', 'info', 'never'];

function choice<T extends string>(name: string, allowed: readonly T[], fallback: T): T {
  const v = core.getInput(name);
  if (v === '') return fallback;
  if ((allowed as readonly string[]).includes(v)) return v as T;
  throw new InputError(`input '${name}' must be one of ${allowed.join(', ')} (got '${v}')`);
}

function flag(name: string, fallback: boolean): boolean {
  const v = core.getInput(name);
  if (v === '') return fallback;
  if (['true', 'True', 'TRUE'].includes(v)) return true;
  if (['false', 'False', 'FALSE'].includes(v)) return false;
  throw new InputError(`input '${name}' must be true or false (got '${v}')`);
}

const optional = (name: string): string | undefined => core.getInput(name) || undefined;

/** Prints text from untrusted files into the log with workflow commands switched off around it. */
function logUntrusted(title: string, text: string): void {
  const token = randomUUID();
  core.startGroup(title);
  process.stdout.write(`::stop-commands::${token}\n${text}${text.endsWith('\n') ? '' : '\n'}::${token}::\n`);
  core.endGroup();
}

export async function run(env: NodeJS.ProcessEnv = process.env): Promise<void> {
  // Everything the Action writes (files, log, annotations, summary, errors) leaves secret-free
  // (docs/decisions/0053): the runner's environment holds the job's tokens.
  const secrets = secretValues(env);
  const clean = (text: string): string => redact(text, secrets);
  try {
    const workspace = env.GITHUB_WORKSPACE || process.cwd();
    const mode = choice('mode', MODES, 'check');
    const failOn = choice('fail-on', FAIL_ON, 'error');
    const softFail = flag('soft-fail', false);
    const annotate = flag('annotations', true);
    const summarise = flag('summary', true);
    const at = optional('at');
    const options: CheckOptions = {
      topology: optional('topology') ?? 'rc-topology.yaml',
      cwd: workspace,
      at: parseAt(at),
      ...(optional('policy') && { policy: optional('policy') }),
      ...(optional('waivers') && { waivers: optional('waivers') }),
      ...(optional('baseline') && { baseline: optional('baseline') }),
    };
    const report = mode === 'audit' ? await audit(options) : await check(options);

    const ctx: RenderContext = {
      color: false,
      quiet: false,
      failOn,
      failing: (f) => isFailing(f, failOn),
      ...(env.GITHUB_SERVER_URL && env.GITHUB_REPOSITORY && env.GITHUB_SHA && { links: { base: `${env.GITHUB_SERVER_URL}/${env.GITHUB_REPOSITORY}/blob/${env.GITHUB_SHA}/` } }),
    };
    const failed = fails(report.findings, failOn);
    // An audit that could not evaluate part of the estate is an error, not a finding (ADR 0070).
    const gaps = openGaps(report);

    // Files first, so the outputs point at something even if a later step of this one fails.
    const dir = await mkdtemp(path.join(env.RUNNER_TEMP || tmpdir(), 'rc-policy-'));
    const reportJson = path.join(dir, 'report.json');
    const reportMarkdown = path.join(dir, 'summary.md');
    const sarifFile = path.resolve(workspace, optional('sarif-file') ?? path.join(dir, 'results.sarif'));
    const markdown = clean(renderMarkdown(report, ctx));
    await writeFile(reportJson, clean(renderJson(report)));
    await writeFile(reportMarkdown, markdown);
    await mkdir(path.dirname(sarifFile), { recursive: true });
    await writeFile(sarifFile, clean(renderSarif(report, ctx)));

    core.setOutput('errors', String(report.summary.error));
    core.setOutput('warnings', String(report.summary.warning));
    core.setOutput('result', gaps.length > 0 ? 'error' : failed ? 'fail' : 'pass');
    core.setOutput('report-json', reportJson);
    core.setOutput('report-markdown', reportMarkdown);
    core.setOutput('sarif-file', sarifFile);

    logUntrusted('rc-policy report', clean(renderText(report, { color: false })));
    // The step's own failure line takes an annotation slot too: keep one for it (ADR 0101).
    const failsStep = gaps.length > 0 || (failed && !softFail);
    if (annotate) process.stdout.write(clean(renderGithub(report, ctx, { error: failsStep ? 1 : 0, warning: failed && !failsStep ? 1 : 0 })));
    if (summarise) {
      if (env.GITHUB_STEP_SUMMARY) await core.summary.addRaw(markdown).write();
      else core.warning('GITHUB_STEP_SUMMARY is not set: no job summary written');
    }

    if (gaps.length > 0) {
      // soft-fail forgives findings only: a partial audit must not pass.
      core.setFailed(`rc-policy: ${incompleteVerdict(gaps)}; see "Not evaluated" in the job summary`);
    } else if (failed) {
      const n = report.findings.filter(ctx.failing).length;
      const why = `rc-policy: ${n} finding${n === 1 ? '' : 's'} at or above '${failOn}' (${report.summary.error} errors, ${report.summary.warning} warnings); all findings are in ${summarise ? 'the job summary and ' : ''}the JSON and SARIF reports (outputs report-json, sarif-file)`;
      if (softFail) core.warning(`${why}; not failing the step (soft-fail)`);
      else core.setFailed(why);
    }
  } catch (err) {
    // rc-policy could not do its job (exit 2 in the CLI): that fails the step even with soft-fail.
    core.setOutput('result', 'error');
    const msg = err instanceof Error ? err.message : String(err);
    core.setFailed(clean(`rc-policy: ${err instanceof InputError ? msg : `unexpected error: ${msg.split('\n')[0]}`}`));
    if (!(err instanceof InputError) && err instanceof Error && err.stack) core.debug(clean(err.stack));
  }
}

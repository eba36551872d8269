// The GitHub Action shell (action.yml): inputs -> the library's check() (or audit) -> outputs,
// annotations on the topology lines, and the job summary. No logic of its own beyond that wiring;
// the formats are the same pure renderers the CLI uses.
import * as core from '@actions/core';
import { randomUUID } from 'node:crypto';
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { audit } from './audit.ts';
import { check } from './check.ts';
import { InputError } from './errors.ts';
import { redact, secretValues } from './redact.ts';
import { renderGithub } from './report/github.ts';
import { actionInputName, auditOptionsOf, checkOptionsOf, clientCertificateOf, failOnOf } from './shell/options.ts';
import { render, renderContext, writeOutputs } from './shell/outputs.ts';
import { verdictOf } from './shell/verdict.ts';

const MODES = ['check', 'audit'] as const;
/** The inputs that only `mode: audit` reads: given with `check`, they are a mistake, not a no-op. */
const AUDIT_INPUTS = ['regions', 'resolve', 'timeout', 'concurrency', 'client-cert', 'client-key', 'azure-credential'] as const;

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
const list = (value: string | undefined, split = /\n/): string[] | undefined => {
  const items = (value ?? '').split(split).map((s) => s.trim()).filter(Boolean);
  return items.length > 0 ? items : undefined;
};

/**
 * The live options of `mode: audit`. The client key comes from a secret, which the runner already
 * masks in the log (an ::add-mask:: of our own would print it to stdout); rc-policy also redacts it,
 * whole and line by line, from everything it writes.
 */
async function auditInputs(secrets: string[]) {
  const key = optional('client-key');
  if (key) secrets.unshift(key, ...key.split(/\r?\n/).map((l) => l.trim()).filter((l) => l.length >= 8 && !l.startsWith('-----')));
  const live = auditOptionsOf(
    { resolve: list(optional('resolve')), region: list(optional('regions'), /[\s,]+/), concurrency: optional('concurrency'), timeout: optional('timeout'), 'azure-credential': optional('azure-credential') },
    actionInputName,
  );
  const clientCertificate = await clientCertificateOf({}, { cert: optional('client-cert'), key }, "inputs 'client-cert' and 'client-key'");
  return { ...live, ...(clientCertificate && { clientCertificate }) };
}

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
    const failOn = failOnOf({ 'fail-on': optional('fail-on') }, actionInputName);
    const softFail = flag('soft-fail', false);
    const annotate = flag('annotations', true);
    const summarise = flag('summary', true);
    const options = {
      topology: optional('topology') ?? 'rc-topology.yaml',
      cwd: workspace,
      ...checkOptionsOf({ at: optional('at'), policy: optional('policy'), waivers: optional('waivers'), baseline: optional('baseline'), matrix: optional('matrix') }, actionInputName),
    };
    if (mode === 'check') {
      const stray = AUDIT_INPUTS.find((name) => optional(name) !== undefined);
      if (stray) throw new InputError(`input '${stray}' applies to mode: audit only`);
    }
    const report = mode === 'audit' ? await audit({ ...options, ...(await auditInputs(secrets)) }) : await check(options);

    const ctx = renderContext(failOn, {
      ...(env.GITHUB_SERVER_URL && env.GITHUB_REPOSITORY && env.GITHUB_SHA && { links: { base: `${env.GITHUB_SERVER_URL}/${env.GITHUB_REPOSITORY}/blob/${env.GITHUB_SHA}/` } }),
    });
    const verdict = verdictOf(report, failOn);
    const failed = verdict.failing > 0;
    // An audit that could not evaluate part of the estate is an error, not a finding (ADR 0070).
    const gaps = verdict.gaps;

    // Files first, so the outputs point at something even if a later step of this one fails.
    const dir = await mkdtemp(path.join(env.RUNNER_TEMP || tmpdir(), 'rc-policy-'));
    const reportJson = path.join(dir, 'report.json');
    const reportMarkdown = path.join(dir, 'summary.md');
    const sarifFile = path.resolve(workspace, optional('sarif-file') ?? path.join(dir, 'results.sarif'));
    const markdown = render(report, 'markdown', ctx, secrets);
    await writeOutputs(report, [{ format: 'json', file: reportJson }, { format: 'markdown', file: reportMarkdown }, { format: 'sarif', file: sarifFile }], ctx, secrets);

    core.setOutput('errors', String(report.summary.error));
    core.setOutput('warnings', String(report.summary.warning));
    core.setOutput('result', verdict.result);
    core.setOutput('report-json', reportJson);
    core.setOutput('report-markdown', reportMarkdown);
    core.setOutput('sarif-file', sarifFile);

    logUntrusted('rc-policy report', render(report, 'text', ctx, secrets));
    // The step's own failure line takes an annotation slot too: keep one for it (ADR 0101).
    const failsStep = gaps.length > 0 || (failed && !softFail);
    if (annotate) process.stdout.write(clean(renderGithub(report, ctx, { error: failsStep ? 1 : 0, warning: failed && !failsStep ? 1 : 0 })));
    if (summarise) {
      if (env.GITHUB_STEP_SUMMARY) await core.summary.addRaw(markdown).write();
      else core.warning('GITHUB_STEP_SUMMARY is not set: no job summary written');
    }

    if (gaps.length > 0) {
      // soft-fail forgives findings only: a partial audit must not pass.
      core.setFailed(`rc-policy: ${verdict.incomplete}; see "Not evaluated" in the job summary`);
    } else if (failed) {
      const n = verdict.failing;
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

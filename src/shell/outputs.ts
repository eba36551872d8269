import { mkdir, open, stat } from 'node:fs/promises';
import path from 'node:path';
import { InputError } from '../errors.ts';
import { describeIoError } from '../topology/document.ts';
// What both shells (the CLI and the Action) write, and how: every format through the same
// renderers, every byte through redaction (ADR 0053, ADR 0081).
import { FORMATS, type RenderContext } from '../report/formats.ts';
import type { Report } from '../domain/report.ts';
import { redact, redactLines, secretValues } from '../redact.ts';
import { jsonLines } from '../report/json.ts';
import { isFailing, type FailOn } from '../report/summary.ts';

export interface OutputTarget {
  readonly format: string;
  /** undefined = stdout */
  readonly file?: string;
}

/** `--format text --format sarif=results.sarif`: several formats in one run, at most one on stdout. */
export function parseFormats(values: string[] | undefined): OutputTarget[] {
  const targets = (values?.length ? values : ['text']).map((v): OutputTarget => {
    const eq = v.indexOf('=');
    const format = eq < 0 ? v : v.slice(0, eq);
    const file = eq < 0 ? undefined : v.slice(eq + 1);
    if (!FORMATS[format]) throw new InputError(`unknown format '${format}' (formats: ${Object.keys(FORMATS).join(', ')})`);
    if (file === '') throw new InputError(`--format ${format}= needs a file name after '='`);
    return file === undefined ? { format } : { format, file };
  });
  if (targets.filter((t) => !t.file).length > 1) {
    throw new InputError('only one --format can go to stdout; write the others to files (--format sarif=results.sarif)');
  }
  return targets;
}

export function useColor(flag: boolean | undefined, stream: NodeJS.WriteStream = process.stdout): boolean {
  if (flag !== undefined) return flag;
  if ('NO_COLOR' in process.env && process.env.NO_COLOR !== '') return false;
  if (process.env.FORCE_COLOR && process.env.FORCE_COLOR !== '0') return true;
  return stream.isTTY === true;
}

/** How a run renders at --fail-on: `failing` marks the findings that fail it. */
export const renderContext = (failOn: FailOn, o: { color?: boolean; quiet?: boolean; links?: RenderContext['links'] } = {}): RenderContext => ({
  color: o.color ?? false,
  quiet: o.quiet ?? false,
  failOn,
  failing: (f) => isFailing(f, failOn),
  ...(o.links && { links: o.links }),
});

/** One format of the report, secret-free: reports go to public CI logs and code-scanning UIs (docs/security.md). */
export const render = (report: Report, format: string, ctx: RenderContext, secrets: readonly string[] = secretValues()): string =>
  redact(FORMATS[format]!(report, ctx), secrets);

const EXTENSION: Readonly<Record<string, string>> = { text: 'txt', json: 'json', sarif: 'sarif', junit: 'xml', markdown: 'md', github: 'txt' };

export async function writeOutputs(report: Report, targets: readonly OutputTarget[], ctx: RenderContext, secrets: readonly string[] = secretValues()): Promise<void> {
  for (const t of targets) {
    const chunks = redactedChunks(report, t.format, t.file ? { ...ctx, color: false } : ctx, secrets);
    if (!t.file) {
      writeToStdout(chunks);
      continue;
    }
    if (await stat(t.file).then((st) => st.isDirectory(), () => false)) {
      throw new InputError(`--format ${t.format}=${t.file}: ${t.file} is a folder; name a file in it, e.g. --format ${t.format}=${path.join(t.file, `rc-policy.${EXTENSION[t.format] ?? t.format}`)}`);
    }
    try {
      await mkdir(path.dirname(path.resolve(t.file)), { recursive: true });
      await writeToFile(t.file, chunks);
    } catch (err) {
      throw new InputError(`cannot write ${t.file}: ${describeIoError(err)}`);
    }
  }
}

/**
 * The JSON report is written as it is rendered and redacted, a batch of lines at a time, never
 * whole: a large audit's report would otherwise be held as text next to the report (ADR 0118).
 * The bytes are `render`'s.
 */
const redactedChunks = (report: Report, format: string, ctx: RenderContext, secrets: readonly string[]): Iterable<string> =>
  format === 'json' ? redactLines(jsonLines(report), secrets) : [render(report, format, ctx, secrets)];

/**
 * No wait for 'drain': a reader that goes away (`| head`) ends the run from src/cli.ts with the exit
 * code the command has set by then. On Linux, writes to a pipe, file or terminal are synchronous.
 */
function writeToStdout(chunks: Iterable<string>): void {
  for (const chunk of chunks) {
    if (process.stdout.destroyed) return;
    process.stdout.write(chunk);
  }
}

async function writeToFile(file: string, chunks: Iterable<string>): Promise<void> {
  const handle = await open(file, 'w');
  try {
    for (const chunk of chunks) await handle.write(chunk);
  } finally {
    await handle.close();
  }
}

import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { InputError } from '../errors.ts';
import { FORMATS, type RenderContext } from '../report/formats.ts';
import type { Report } from '../domain/report.ts';
import { redact, secretValues } from '../redact.ts';

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

export async function writeOutputs(report: Report, targets: OutputTarget[], ctx: RenderContext): Promise<void> {
  const secrets = secretValues();
  for (const t of targets) {
    // Reports go to public CI logs and code-scanning UIs: nothing secret leaves (docs/security.md).
    const text = redact(FORMATS[t.format]!(report, t.file ? { ...ctx, color: false } : ctx), secrets);
    if (!t.file) {
      process.stdout.write(text);
      continue;
    }
    try {
      await mkdir(path.dirname(path.resolve(t.file)), { recursive: true });
      await writeFile(t.file, text);
    } catch (err) {
      throw new InputError(`cannot write ${t.file}: ${(err as NodeJS.ErrnoException).code ?? String(err)}`);
    }
  }
}

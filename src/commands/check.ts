import { check, DEFAULT_TOPOLOGY, type CheckOptions } from '../check.ts';
import { fails, isFailing, type FailOn } from '../report/summary.ts';
import { oneOf, onePositional, parse, parseAt } from './args.ts';
import type { Finding } from '../domain/finding.ts';
import type { MatrixListing, Report } from '../domain/report.ts';
import { parseFormats, useColor, writeOutputs, type OutputTarget } from './output.ts';

export const CHECK_OPTIONS = {
  policy: { type: 'string' },
  waivers: { type: 'string' },
  baseline: { type: 'string' },
  at: { type: 'string' },
  'fail-on': { type: 'string' },
  format: { type: 'string', multiple: true, short: 'f' },
  color: { type: 'boolean' },
  quiet: { type: 'boolean', short: 'q' },
  'allow-outside-repo': { type: 'boolean' },
  'follow-symlinks': { type: 'boolean' },
  matrix: { type: 'string' },
  debug: { type: 'boolean' },
  help: { type: 'boolean', short: 'h' },
} as const;

export const CHECK_HELP = `Usage: rc-policy check [topology] [options]

Checks a topology offline: schema, certificate files and every policy rule.
The topology defaults to ./${DEFAULT_TOPOLOGY}.

Options:
  --policy <pack>        built-in pack name or pack file (replaces policy.pack)
  --waivers <file>       waivers file (replaces policy.waivers)
  --baseline <report>    a previous JSON report: its findings (rule + target) are
                         shown as existing and do not fail the run
  --at <time>            evaluate as of an ISO date/time or an offset (+30d, -12h, +2w)
  --fail-on <level>      error | warning | info | never (default: error)
  -f, --format <fmt>     text | json | sarif | junit | markdown | github, optionally
                         =<file>; repeat for several outputs
                         e.g. --format text --format sarif=results.sarif
  --no-color             no ANSI colours (NO_COLOR is honoured too)
  -q, --quiet            show only the findings that fail the run
  --allow-outside-repo   read files the topology references outside its repository
  --follow-symlinks      read files the topology references through symlinks
  --matrix <listing>     the handshake pairs the report lists: auto (default: every
                         pair up to 1000 pairs, else only those not ok), full, problems
  --debug                print stack traces for unexpected errors

Exit codes: 0 nothing at or above --fail-on, 1 findings at or above it, 2 could not evaluate.
`;

/** The parsed values of CHECK_OPTIONS, which audit's options extend. */
type CommonValues = {
  policy?: string;
  waivers?: string;
  baseline?: string;
  at?: string;
  'fail-on'?: string;
  format?: string[];
  color?: boolean;
  quiet?: boolean;
  'allow-outside-repo'?: boolean;
  'follow-symlinks'?: boolean;
  matrix?: string;
};

/** What check and audit read the same way from the command line; validated before anything runs. */
export function commonOptions(values: CommonValues) {
  const failOn = oneOf<FailOn>('--fail-on', values['fail-on'], ['error', 'warning', 'info', 'never'], 'error');
  const targets = parseFormats(values.format);
  const options = {
    at: parseAt(values.at),
    ...(values.policy !== undefined && { policy: values.policy }),
    ...(values.waivers !== undefined && { waivers: values.waivers }),
    ...(values.baseline !== undefined && { baseline: values.baseline }),
    allowOutsideRepo: values['allow-outside-repo'] ?? false,
    followSymlinks: values['follow-symlinks'] ?? false,
    matrix: oneOf<MatrixListing>('--matrix', values.matrix, ['auto', 'full', 'problems'], 'auto'),
  } satisfies CheckOptions;
  return { failOn, targets, options };
}

/** Writes the report in every requested format; returns the exit code for --fail-on. */
export async function emitReport(report: Report, values: CommonValues, failOn: FailOn, targets: OutputTarget[]): Promise<number> {
  const ctx = { color: useColor(values.color), quiet: values.quiet ?? false, failOn, failing: (f: Finding) => isFailing(f, failOn) };
  await writeOutputs(report, targets, ctx);
  return fails(report.findings, failOn) ? 1 : 0;
}

export async function runCheck(argv: string[]): Promise<number> {
  const { values, positionals } = parse(argv, CHECK_OPTIONS, 'check');
  if (values.help) {
    process.stdout.write(CHECK_HELP);
    return 0;
  }
  const { failOn, targets, options } = commonOptions(values);
  const report = await check({ topology: onePositional(positionals, 'check', 'topology file') ?? DEFAULT_TOPOLOGY, ...options });
  return emitReport(report, values, failOn, targets);
}

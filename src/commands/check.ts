import { check, DEFAULT_TOPOLOGY, type CheckOptions } from '../check.ts';
import type { FailOn } from '../report/summary.ts';
import { onePositional, parse } from './args.ts';
import type { Report } from '../domain/report.ts';
import { parseFormats, renderContext, useColor, writeOutputs, type OutputTarget } from '../shell/outputs.ts';
import { checkOptionsOf, failOnOf, type RunValues } from '../shell/options.ts';
import { verdictOf } from '../shell/verdict.ts';

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
  region: { type: 'string', multiple: true },
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
  --region <id>          report only this region's objects and those outside every region
                         (repeatable): one shard, for rc-policy merge
  --matrix <listing>     the handshake pairs the report lists: auto (default: every
                         pair up to 1000 pairs, else only those not ok), full, problems
  --debug                print stack traces for unexpected errors

Exit codes: 0 nothing at or above --fail-on, 1 findings at or above it, 2 could not evaluate.
`;

/** The parsed values of CHECK_OPTIONS, which audit's options extend. */
type CommonValues = RunValues & { format?: string[]; color?: boolean; quiet?: boolean; region?: string[] };

/** What check and audit read the same way from the command line; validated before anything runs. */
export function commonOptions(values: CommonValues) {
  const failOn = failOnOf(values);
  const targets = parseFormats(values.format);
  return { failOn, targets, options: { ...checkOptionsOf(values), ...(values.region && { regions: values.region }) } };
}

/** Writes the report in every requested format; returns the exit code for --fail-on (an incomplete audit: see runAudit). */
export async function emitReport(report: Report, values: CommonValues, failOn: FailOn, targets: OutputTarget[]): Promise<number> {
  await writeOutputs(report, targets, renderContext(failOn, { color: useColor(values.color), quiet: values.quiet ?? false }));
  return verdictOf(report, failOn).failing > 0 ? 1 : 0;
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

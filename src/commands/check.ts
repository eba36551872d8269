import { check, DEFAULT_TOPOLOGY } from '../check.ts';
import { fails, isFailing, type FailOn } from '../report/summary.ts';
import { oneOf, onePositional, parse, parseAt } from './args.ts';
import type { Finding } from '../report/types.ts';
import { parseFormats, useColor, writeOutputs } from './output.ts';

export const CHECK_OPTIONS = {
  policy: { type: 'string' },
  at: { type: 'string' },
  'fail-on': { type: 'string' },
  format: { type: 'string', multiple: true, short: 'f' },
  color: { type: 'boolean' },
  quiet: { type: 'boolean', short: 'q' },
  'allow-outside-repo': { type: 'boolean' },
  'follow-symlinks': { type: 'boolean' },
  debug: { type: 'boolean' },
  help: { type: 'boolean', short: 'h' },
} as const;

export const CHECK_HELP = `Usage: rc-policy check [topology] [options]

Checks a topology offline: schema, certificate files and every policy rule.
The topology defaults to ./${DEFAULT_TOPOLOGY}.

Options:
  --policy <pack>        built-in pack name or pack file (replaces policy.pack)
  --at <time>            evaluate as of an ISO date/time or an offset (+30d, -12h, +2w)
  --fail-on <level>      error | warning | info | never (default: error)
  -f, --format <fmt>     text | json, optionally =<file>; repeat for several outputs
                         e.g. --format text --format json=report.json
  --no-color             no ANSI colours (NO_COLOR is honoured too)
  -q, --quiet            show only the findings that fail the run
  --allow-outside-repo   read files the topology references outside its repository
  --follow-symlinks      read files the topology references through symlinks
  --debug                print stack traces for unexpected errors

Exit codes: 0 nothing at or above --fail-on, 1 findings at or above it, 2 could not evaluate.
`;

export async function runCheck(argv: string[]): Promise<number> {
  const { values, positionals } = parse(argv, CHECK_OPTIONS, 'check');
  if (values.help) {
    process.stdout.write(CHECK_HELP);
    return 0;
  }
  const failOn = oneOf<FailOn>('--fail-on', values['fail-on'], ['error', 'warning', 'info', 'never'], 'error');
  const targets = parseFormats(values.format);
  const at = parseAt(values.at);
  const report = await check({
    topology: onePositional(positionals, 'check', 'topology file') ?? DEFAULT_TOPOLOGY,
    at,
    ...(values.policy !== undefined && { policy: values.policy }),
    allowOutsideRepo: values['allow-outside-repo'] ?? false,
    followSymlinks: values['follow-symlinks'] ?? false,
  });
  const ctx = { color: useColor(values.color), quiet: values.quiet ?? false, failOn, failing: (f: Finding) => isFailing(f, failOn) };
  await writeOutputs(report, targets, ctx);
  return fails(report.findings, failOn) ? 1 : 0;
}

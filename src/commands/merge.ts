import path from 'node:path';
import { InputError } from '../errors.ts';
import { mergeReports, type ShardReport } from '../merge.ts';
import { incompleteVerdict, openGaps } from '../report/incomplete.ts';
import type { Report } from '../report/types.ts';
import { describeIoError } from '../topology/document.ts';
import { readBounded } from '../sources/read.ts';
import { CHECK_OPTIONS, commonOptions, emitReport } from './check.ts';
import { parse } from './args.ts';

const { format, color, quiet, 'fail-on': failOn, help } = CHECK_OPTIONS;
const MERGE_OPTIONS = { format, color, quiet, 'fail-on': failOn, help } as const;

const MERGE_HELP = `Usage: rc-policy merge <report.json>... [options]

Combines the JSON reports of the shards of one estate (rc-policy check or audit with --region,
one run per region) into the report a single run would give — findings, checks waiting on a cause,
handshake counts, what the audit probed, gaps — and its exit code. Objects outside every region
(CAs, trust bundles, cross-region load balancers, clients without a region) are reported by every
shard and appear once; what a shard could not evaluate is kept.

Exit 2, with one line saying why, when the reports are not shards of one run, a region is
missing or given twice, two shards disagree about an object they both audited, or the shards
list their handshake pairs differently (give every shard the same --matrix).

Options:
  --fail-on <level>      error | warning | info | never (default: error)
  -f, --format <fmt>     text | json | sarif | junit | markdown | github, optionally =<file>;
                         repeat for several outputs
  --no-color             no ANSI colours (NO_COLOR is honoured too)
  -q, --quiet            show only the findings that fail the run

Exit codes: 0 nothing at or above --fail-on, 1 findings at or above it, 2 could not evaluate
(as for the runs merged: a shard that could not read part of the estate makes the merge exit 2).
`;

/** A merged report can be as large as the sum of its shards: JSON reports of 10,000 brokers run to megabytes. */
const MAX_REPORT_BYTES = 512 * 1024 * 1024;

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/** The fields merge relies on, checked; the rest is carried as the shard wrote it. */
function asReport(data: unknown, file: string): Report {
  const bad = (why: string) => new InputError(`${file}: not an rc-policy JSON report (rc-policy check/audit --format json): ${why}`);
  if (!isObject(data)) throw bad('expected an object');
  if (!isObject(data.tool) || data.tool.name !== 'rc-policy') throw bad("tool.name is not 'rc-policy'");
  if (data.mode !== 'check' && data.mode !== 'audit') throw bad('mode is not check or audit');
  if (typeof data.topology !== 'string' || typeof data.evaluatedAt !== 'string' || !isObject(data.policy)) throw bad('topology, evaluatedAt or policy is missing');
  if (!Array.isArray(data.findings)) throw bad('findings is not a list');
  data.findings.forEach((f: unknown, i) => {
    const ok =
      isObject(f) &&
      typeof f.rule === 'string' &&
      typeof f.target === 'string' &&
      typeof f.message === 'string' &&
      (f.severity === 'error' || f.severity === 'warning' || f.severity === 'info') &&
      typeof f.waived === 'boolean' &&
      isObject(f.location) &&
      typeof f.location.file === 'string' &&
      typeof f.location.line === 'number' &&
      typeof f.location.column === 'number';
    if (!ok) throw bad(`findings[${i}] lacks rule, target, message, severity, waived or location`);
  });
  for (const list of ['matrix', 'rules', 'waivers', 'incomplete'] as const) {
    if (data[list] !== undefined && !Array.isArray(data[list])) throw bad(`${list} is not a list`);
  }
  const scope = data.scope;
  if (scope !== undefined) {
    const strings = (v: unknown) => Array.isArray(v) && v.every((x) => typeof x === 'string');
    if (!isObject(scope) || !strings(scope.regions) || !strings(scope.allRegions) || !strings(scope.shared)) throw bad('scope needs regions, allRegions and shared, each a list of ids');
  }
  return data as unknown as Report;
}

async function readReport(file: string): Promise<ShardReport> {
  let text: string;
  try {
    text = (await readBounded(path.resolve(file), { limit: MAX_REPORT_BYTES })).toString('utf8');
  } catch (err) {
    throw new InputError(`cannot read ${file}: ${describeIoError(err)}`);
  }
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch (err) {
    throw new InputError(`${file}: not JSON (${(err as Error).message.split('\n')[0]}); merge reads rc-policy's --format json reports`);
  }
  return { file, report: asReport(data, file) };
}

export async function runMerge(argv: string[]): Promise<number> {
  const { values, positionals } = parse(argv, MERGE_OPTIONS, 'merge');
  if (values.help) {
    process.stdout.write(MERGE_HELP);
    return 0;
  }
  const { failOn: threshold, targets } = commonOptions(values);
  if (positionals.length === 0) throw new InputError('rc-policy merge needs the JSON reports of the shards (rc-policy merge audit-us.json audit-eu.json)');
  const shards: ShardReport[] = [];
  for (const file of positionals) shards.push(await readReport(file));
  const report = mergeReports(shards);
  const code = await emitReport(report, values, threshold, targets);
  const gaps = openGaps(report);
  if (gaps.length === 0) return code;
  process.stderr.write(`rc-policy: ${incompleteVerdict(gaps)}; see "Not evaluated" in the report\n`);
  return 2;
}

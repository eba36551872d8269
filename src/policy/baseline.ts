// Baselines: adopting rc-policy in a repo that already has debt. A previous JSON report lists the
// findings that exist today; a run with --baseline fails only on findings that are not in it
// (matched by rule + target, the same identity as SARIF's partialFingerprints), and shows the rest
// as existing. The file is untrusted input: anything that is not a report is exit 2.
import { InputError } from '../errors.ts';
import { readSourceDocument, type SourceDocument } from '../topology/document.ts';
import type { BaselineSummary } from '../domain/report.ts';
import type { Finding } from '../domain/finding.ts';

export interface Baseline {
  /** As shown in reports. */
  readonly file: string;
  /** `rule\ttarget` of every finding in the previous report. */
  readonly keys: ReadonlySet<string>;
}

export const findingKey = (f: Pick<Finding, 'rule' | 'target'>): string => `${f.rule}\t${f.target}`;

export async function loadBaseline(absolute: string, display: string): Promise<Baseline> {
  return parseBaseline(await readSourceDocument(absolute, display));
}

export function parseBaseline(doc: SourceDocument): Baseline {
  const data = doc.data as { tool?: { name?: unknown }; findings?: unknown } | null;
  const notReport = (why: string, at: (string | number)[] = []) =>
    new InputError(`--baseline must be a JSON report from rc-policy check --format json: ${why}`, doc.locate(at));
  if (data === null || typeof data !== 'object' || Array.isArray(data)) throw notReport('expected an object');
  if (data.tool?.name !== 'rc-policy') throw notReport("tool.name is not 'rc-policy'", ['tool']);
  if (!Array.isArray(data.findings)) throw notReport('findings is not a list', ['findings']);
  const keys = new Set<string>();
  data.findings.forEach((f: unknown, i: number) => {
    const { rule, target } = (f ?? {}) as { rule?: unknown; target?: unknown };
    if (typeof rule !== 'string' || typeof target !== 'string') throw notReport(`findings[${i}] has no string rule and target`, ['findings', i]);
    keys.add(findingKey({ rule, target }));
  });
  return { file: doc.file, keys };
}

/** Marks the findings the baseline already had; counts what is existing and what was fixed since. */
export function applyBaseline(findings: readonly Finding[], baseline: Baseline): { findings: Finding[]; summary: BaselineSummary } {
  const seen = new Set<string>();
  let existing = 0;
  const out = findings.map((f): Finding => {
    const key = findingKey(f);
    seen.add(key);
    if (!baseline.keys.has(key)) return f;
    if (!f.waived) existing++;
    return { ...f, baseline: true };
  });
  const fixed = [...baseline.keys].filter((k) => !seen.has(k)).length;
  return { findings: out, summary: { file: baseline.file, existing, fixed } };
}

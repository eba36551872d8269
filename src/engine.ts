// The pipeline: rule phases over what a job loaded, then waivers, the waivers phase, the baseline
// and the report (ADR 0080). It knows nothing about any specific rule: what a rule is for (its
// phase, what it concerns) comes from its descriptor, and the rules come from a rule set.
import path from 'node:path';
import type { Model } from './model/types.ts';
import type { Pack, RuleSetting } from './policy/packs.ts';
import type { Cause, DependentCheck, Finding } from './domain/finding.ts';
import type { Severity, Violation } from './domain/finding.ts';
import { hasConcern, phaseOf, type RuleDescriptor, type RulePhase, type RuleRun } from './domain/rule.ts';
import type { MatrixListing, Report } from './domain/report.ts';
import { printable } from './printable.ts';
import { formatMessage, isDocumentRule, type AnyRule, type DocumentInput, type Rule } from './rules/rule.ts';
import { ruleSet, type RuleSet } from './rules/index.ts';
import { summarise } from './report/summary.ts';
import { VERSION } from './package.ts';
import { handshakeMatrix, matrixForReport } from './matrix.ts';
import { estateOf } from './model/estate.ts';
import { notEvaluated, withWaivers } from './model/coverage.ts';
import { applyWaivers, type LoadedWaiver } from './policy/waivers.ts';
import { applyBaseline, type Baseline } from './policy/baseline.ts';
import type { LoadedTopology } from './topology/load.ts';

export type { RuleSet };

/** The rule set of a run with this pack: the built-ins, then the pack's custom rules (the seam of ADR 0080). */
export const ruleSetOf = (pack: Pack): RuleSet => ruleSet(pack.customRules);

export class RuleError extends Error {
  constructor(ruleId: string, cause: unknown) {
    super(`rule ${ruleId} failed: ${cause instanceof Error ? cause.message : String(cause)}`, { cause });
    this.name = 'RuleError';
  }
}

type Described = { readonly meta: RuleDescriptor };

/** The severity a finding gets: the pack's setting wins; otherwise the violation's own, then the rule's. */
export function severityOf(rule: Described, setting: RuleSetting | undefined, v: Violation): Severity | 'off' {
  return setting ?? v.severity ?? rule.meta.severity;
}

/** A finding as the engine hands it on: `because` is settled by resolveDependents, then dropped. */
export type RawFinding = Finding & { readonly because?: readonly Cause[] };

export function toFinding(rule: Described, v: Violation, severity: Severity): RawFinding {
  const template = rule.meta.messages[v.messageId];
  if (template === undefined) throw new RuleError(rule.meta.id, new Error(`unknown message id '${v.messageId}'`));
  return {
    rule: rule.meta.id,
    severity,
    target: printable(v.target, 600),
    message: formatMessage(template, v.data),
    location: v.location,
    waived: false,
    ...(rule.meta.remedy !== undefined && { remedy: rule.meta.remedy }),
    ...(v.related?.length && { related: v.related }),
    ...(v.because?.length && { because: v.because.map((c) => ({ rule: c.rule, target: printable(c.target, 600) })) }),
  };
}

/**
 * One cause, one finding (ADR 0120): a finding that names the findings it follows from becomes a
 * dependent check when all of them are raised; otherwise it stays a finding, so switching the
 * cause's rule off never hides the consequence.
 */
export function resolveDependents(raw: readonly RawFinding[]): { findings: Finding[]; notEvaluated: DependentCheck[] } {
  const raised = new Set(raw.filter((f) => !f.because).map(findingKey));
  const findings: Finding[] = [];
  const notEvaluated: DependentCheck[] = [];
  for (const { because, ...f } of raw) {
    if (because && because.every((c) => raised.has(findingKey(c)))) {
      notEvaluated.push({ rule: f.rule, target: f.target, message: f.message, location: f.location, because });
    } else findings.push(f);
  }
  return { findings, notEvaluated: sortDependents(notEvaluated) };
}

/** Waiting checks in report order: by place, rule, target (and message, so that merged shards order them as one run). */
export function sortDependents(checks: DependentCheck[]): DependentCheck[] {
  return checks.sort((a, b) => a.location.file.localeCompare(b.location.file) || a.location.line - b.location.line || a.rule.localeCompare(b.rule) || a.target.localeCompare(b.target) || a.message.localeCompare(b.message));
}

const findingKey = (f: { rule: string; target: string }): string => `${f.rule}\t${f.target}`;

type Record_ = Map<string, RuleRun['status']>;

/** One phase: the rules of `phase` over its input. `record`, when given, learns how each rule fared. */
function runPhase(phase: RulePhase, input: { model?: Model; document?: DocumentInput }, rules: readonly AnyRule[], pack: Pack, record?: Record_): RawFinding[] {
  const findings: RawFinding[] = [];
  for (const rule of rules) {
    if (phaseOf(rule.meta) !== phase) continue;
    const setting = pack.rules.get(rule.meta.id);
    const status = (s: RuleRun['status']) => record?.set(rule.meta.id, s);
    if (setting === 'off') {
      status('off');
      continue;
    }
    if (rule.meta.live && input.model?.mode !== 'audit') {
      status('audit-only');
      continue;
    }
    try {
      let violations: Iterable<Violation>;
      if (isDocumentRule(rule)) violations = rule.check(input.document!);
      else {
        if (rule.applies && !rule.applies(input.model!)) {
          status('not-applicable');
          continue;
        }
        violations = rule.check(input.model!);
      }
      status('ran');
      for (const v of violations) {
        const severity = severityOf(rule, setting, v);
        if (severity !== 'off') findings.push(toFinding(rule, v, severity));
      }
    } catch (err) {
      if (err instanceof RuleError) throw err;
      throw new RuleError(rule.meta.id, err);
    }
  }
  return findings;
}

/** The model-phase rules over the model, sorted (the rules of other phases are left out). */
export function runRules(model: Model, rules: readonly AnyRule[], pack: Pack, record?: Record_): RawFinding[] {
  return sortFindings(runPhase('model', { model }, rules, pack, record));
}

const RANK: Record<Severity, number> = { error: 0, warning: 1, info: 2 };

/** Most severe first, then by position in the file, so output is stable across runs. */
export function sortFindings<F extends Finding>(findings: F[]): F[] {
  return findings.sort(
    (a, b) =>
      RANK[a.severity] - RANK[b.severity] ||
      a.location.file.localeCompare(b.location.file) ||
      a.location.line - b.location.line ||
      a.location.column - b.location.column ||
      a.rule.localeCompare(b.rule) ||
      a.target.localeCompare(b.target) ||
      a.message.localeCompare(b.message),
  );
}

/** Report sections beyond spec §5's core, each optional (docs/decisions/0031). */
export type ReportExtras = Partial<Pick<Report, 'matrix' | 'matrixSummary' | 'rules' | 'waivers' | 'baseline' | 'estate' | 'incomplete' | 'descriptors' | 'notEvaluated'>>;

export function buildReport(topologyFile: string, at: Date, mode: Report['mode'], pack: Pack, findings: Finding[], extras: ReportExtras = {}): Report {
  const summary = summarise(findings);
  return {
    tool: { name: 'rc-policy', version: VERSION },
    topology: topologyFile,
    evaluatedAt: at.toISOString(),
    mode,
    policy: { pack: pack.name, packs: pack.chain },
    summary: {
      ...summary,
      ...(extras.baseline && { baseline: extras.baseline.existing }),
      ...(extras.notEvaluated?.length && { notEvaluated: extras.notEvaluated.length }),
    },
    findings,
    ...extras,
  };
}

/** What a run evaluates against besides its input: the pack, its rule set, waivers and baseline. */
export interface RunPolicy {
  readonly pack: Pack;
  /** Default: ruleSetOf(pack). */
  readonly rules?: RuleSet;
  readonly waivers?: readonly LoadedWaiver[];
  readonly baseline?: Baseline;
  /** Which handshake pairs the report lists (default auto: every pair of a small matrix, else only those not ok; ADR 0110). */
  readonly matrix?: MatrixListing;
}

const documentInput = (loaded: Pick<LoadedTopology, 'document' | 'violations'>): DocumentInput => ({
  data: loaded.document.data,
  violations: loaded.violations,
  file: path.basename(loaded.document.file),
});

/**
 * A topology that violates the schema: only the document phase runs, as no other rule could trust
 * its input. Waivers do not apply to its findings (the document phase cannot be weakened, ADR 0003).
 */
export function evaluateDocument(loaded: Pick<LoadedTopology, 'document' | 'violations'>, at: Date, mode: Report['mode'], policy: RunPolicy): Report {
  const rules = policy.rules ?? ruleSetOf(policy.pack);
  const findings = runPhase('document', { document: documentInput(loaded) }, rules.rules, policy.pack);
  const applied = policy.baseline ? applyBaseline(findings, policy.baseline) : undefined;
  return buildReport(loaded.document.file, at, mode, policy.pack, sortFindings(applied?.findings ?? findings), {
    ...(applied && { baseline: applied.summary }),
    descriptors: rules.descriptors,
  });
}

/** The handshake matrix for the report, when the pack runs a rule that reads it (SPEC §5). */
function reportMatrix(model: Model, pack: Pack, rules: RuleSet, listing: MatrixListing = 'auto'): Pick<ReportExtras, 'matrix' | 'matrixSummary'> {
  const runs = rules.rules.some((r) => hasConcern(r.meta, 'handshakes') && pack.rules.get(r.meta.id) !== 'off');
  if (!runs) return {};
  const { matrix, summary } = matrixForReport(handshakeMatrix(model), listing);
  return { matrix, matrixSummary: summary };
}

/**
 * A topology that passed the schema, as a model: the document phase (passing), the model phase,
 * waivers, the waivers phase over what became of them, the baseline, and the report.
 */
export function evaluateModel(topologyFile: string, model: Model, policy: RunPolicy): Report {
  const { pack, waivers, baseline } = policy;
  const rules = policy.rules ?? ruleSetOf(pack);
  const ran: Record_ = new Map();
  runPhase('document', { document: { data: undefined, violations: [], file: path.basename(topologyFile) } }, rules.rules, pack, ran);
  const resolved = resolveDependents(runPhase('model', { model }, rules.rules, pack, ran));
  let findings = sortFindings(resolved.findings);
  const matrix = reportMatrix(model, pack, rules, policy.matrix);
  const extras: { -readonly [K in keyof ReportExtras]: ReportExtras[K] } = {};
  if (resolved.notEvaluated.length > 0) extras.notEvaluated = resolved.notEvaluated;
  let outcomes;
  if (waivers) {
    const applied = applyWaivers(findings, waivers, model.at);
    extras.waivers = outcomes = applied.outcomes;
    findings = applied.findings;
  }
  // Without waivers the waivers phase still runs, to record each rule as off or not applicable.
  findings = [...findings, ...sortFindings(runPhase('waivers', { model: outcomes ? { ...model, waivers: outcomes } : model }, rules.rules, pack, ran))];
  if (baseline) {
    const applied = applyBaseline(findings, baseline, resolved.notEvaluated);
    extras.baseline = applied.summary;
    findings = applied.findings;
  }
  extras.rules = rules.rules.map((r) => ({ id: r.meta.id, status: ran.get(r.meta.id) ?? 'not-applicable' }));
  findings = sortFindings(findings);
  const gapRules = new Set(rules.descriptors.filter((d) => hasConcern(d, 'gaps')).map((d) => d.id));
  return buildReport(topologyFile, model.at, model.mode, pack, findings, {
    ...extras,
    estate: estateOf(model),
    ...matrix,
    // What an audit could not evaluate is reported whatever the pack says (ADR 0070).
    ...(model.mode === 'audit' && { incomplete: withWaivers(notEvaluated(model), findings, gapRules) }),
    descriptors: rules.descriptors,
  });
}

/** The common end of check and audit (kept with its old signature for callers of check.ts's evaluate). */
export const evaluate = (topologyFile: string, model: Model, pack: Pack, waivers: readonly LoadedWaiver[] | undefined, baseline: Baseline | undefined): Report =>
  evaluateModel(topologyFile, model, { pack, ...(waivers && { waivers }), ...(baseline && { baseline }) });

// The offline job: topology -> certificate files -> rules -> report.
import path from 'node:path';
import { runRules, sortFindings, toFinding } from './engine.ts';
import { readCertificateFiles } from './sources/files.ts';
import { loadTopology, type LoadedTopology } from './topology/load.ts';
import { fileAccess } from './sources/containment.ts';
import { InputError } from './errors.ts';
import { loadPack, withParams, type Pack } from './policy/packs.ts';
import { ALL_RULES, RULES_BY_ID } from './rules/index.ts';
import type { Rule } from './rules/rule.ts';
import { rule as schemaRule, schemaViolations } from './rules/topology/schema.ts';
import { summarise } from './report/summary.ts';
import { VERSION } from './package.ts';
import type { Model } from './model/types.ts';
import type { Finding } from './domain/finding.ts';
import type { MatrixListing, Report } from './domain/report.ts';
import type { RuleRun } from './domain/rule.ts';
import { handshakeMatrix, HANDSHAKE_RULES, matrixForReport } from './matrix.ts';
import type { Topology } from './topology/model.ts';
import { applyWaivers, loadWaivers, type LoadedWaiver } from './policy/waivers.ts';
import { applyBaseline, loadBaseline, type Baseline } from './policy/baseline.ts';
import { rules as POLICY_RULES } from './rules/policy/index.ts';
import { estateOf } from './model/estate.ts';
import { displayPath } from './topology/load.ts';

export interface CheckOptions {
  /** Path to the topology file (default ./rc-topology.yaml). */
  readonly topology?: string;
  /** Evaluation time (default: now). */
  readonly at?: Date;
  /** A built-in pack name or a pack file path; replaces the topology's policy.pack. */
  readonly policy?: string;
  /** Working directory for relative paths (default: process.cwd()). */
  readonly cwd?: string;
  /** A waivers file (relative to cwd); replaces the topology's policy.waivers. */
  readonly waivers?: string;
  /** A previous JSON report (relative to cwd): its findings (rule + target) are existing, not failing. */
  readonly baseline?: string;
  /** Read files the topology references outside its repository (default: refused; docs/security.md). */
  readonly allowOutsideRepo?: boolean;
  /** Read files the topology references through symlinks (default: refused; docs/security.md). */
  readonly followSymlinks?: boolean;
  /** Which handshake pairs the report lists (default auto: every pair of a small matrix, else only the pairs that are not ok). */
  readonly matrix?: MatrixListing;
}

export const DEFAULT_TOPOLOGY = 'rc-topology.yaml';

const KNOWN_RULES: ReadonlySet<string> = new Set(RULES_BY_ID.keys());

/** The rules a run with this pack evaluates: the built-ins, then the pack's custom rules. */
const rulesOf = (pack: Pack): readonly Rule[] => (pack.customRules?.length ? [...ALL_RULES, ...pack.customRules] : ALL_RULES);

/** The pack a run uses: --policy (relative to cwd), else policy.pack (relative to the topology), else rc-default. */
export async function selectPack(topology: Topology | undefined, options: CheckOptions): Promise<Pack> {
  const cwd = options.cwd ?? process.cwd();
  if (options.policy) return withParams(await loadPack(options.policy, cwd, KNOWN_RULES), topology?.policy.params ?? {});
  if (!topology?.policy.pack) return withParams(await loadPack('rc-default', cwd, KNOWN_RULES), topology?.policy.params ?? {});
  const access = await fileAccess(topology.dir, options, (p) => displayPath(p, cwd));
  const pack = await loadPack(topology.policy.pack, topology.dir, KNOWN_RULES, topology.policy.packLocation, access);
  return withParams(pack, topology.policy.params);
}

/** Report sections beyond spec §5's core, each optional (docs/decisions/0031). */
export type ReportExtras = Partial<Pick<Report, 'matrix' | 'matrixSummary' | 'rules' | 'waivers' | 'baseline' | 'estate'>>;

export function buildReport(topologyFile: string, at: Date, mode: Report['mode'], pack: Pack, findings: Finding[], extras: ReportExtras = {}): Report {
  const summary = summarise(findings);
  return {
    tool: { name: 'rc-policy', version: VERSION },
    topology: topologyFile,
    evaluatedAt: at.toISOString(),
    mode,
    policy: { pack: pack.name, packs: pack.chain },
    summary: extras.baseline ? { ...summary, baseline: extras.baseline.existing } : summary,
    findings,
    descriptors: rulesOf(pack).map((r) => r.meta),
    ...extras,
  };
}

/** The waivers of a run: --waivers (relative to cwd) replaces policy.waivers (relative to the topology). */
export async function selectWaivers(topology: Topology | undefined, options: CheckOptions, pack?: Pack): Promise<LoadedWaiver[] | undefined> {
  const cwd = options.cwd ?? process.cwd();
  // A waiver may name a custom rule of the run's pack as well as a built-in one.
  const knownRules = pack?.customRules?.length ? new Set([...KNOWN_RULES, ...pack.customRules.map((r) => r.meta.id)]) : KNOWN_RULES;
  if (options.waivers) {
    const absolute = path.resolve(cwd, options.waivers);
    return loadWaivers(absolute, displayPath(absolute, cwd), knownRules);
  }
  const ref = topology?.policy.waivers;
  if (!topology || !ref) return undefined;
  // A waivers file the topology names is confined like every file it references (docs/decisions/0050).
  const access = await fileAccess(topology.dir, options, (p) => displayPath(p, cwd));
  const refused = await access.refusal(ref.absolute);
  if (refused) throw new InputError(`waivers file ${displayPath(ref.absolute, cwd)}: ${refused}`, ref.location);
  return loadWaivers(ref.absolute, displayPath(ref.absolute, cwd), knownRules, { regularOnly: true, noFollow: !access.followSymlinks });
}

export async function selectBaseline(options: CheckOptions): Promise<Baseline | undefined> {
  if (!options.baseline) return undefined;
  const cwd = options.cwd ?? process.cwd();
  const absolute = path.resolve(cwd, options.baseline);
  return loadBaseline(absolute, displayPath(absolute, cwd));
}

/**
 * Everything after the rules: waivers, then the policy/* rules that read what became of them, then
 * the baseline. Shared by check and audit so both treat exceptions the same way.
 */
export function settle(
  model: Model,
  pack: Pack,
  findings: Finding[],
  ran: Map<string, RuleRun['status']>,
  waivers: readonly LoadedWaiver[] | undefined,
  baseline: Baseline | undefined,
): { findings: Finding[]; extras: ReportExtras } {
  let out = findings;
  const extras: { -readonly [K in keyof ReportExtras]: ReportExtras[K] } = {};
  if (waivers) {
    const applied = applyWaivers(out, waivers, model.at);
    extras.waivers = applied.outcomes;
    out = [...applied.findings, ...runRules({ ...model, waivers: applied.outcomes }, POLICY_RULES, pack, ran)];
  }
  if (baseline) {
    const applied = applyBaseline(out, baseline);
    extras.baseline = applied.summary;
    out = applied.findings;
  }
  extras.rules = rulesOf(pack).map((r) => ({ id: r.meta.id, status: ran.get(r.meta.id) ?? 'not-applicable' }));
  return { findings: sortFindings(out), extras };
}

/** The handshake matrix for the report, when the pack runs a handshake rule (SPEC §5). */
export function reportMatrix(model: Model, pack: Pack, listing: MatrixListing = 'auto'): Pick<ReportExtras, 'matrix' | 'matrixSummary'> {
  const runs = HANDSHAKE_RULES.some((id) => pack.rules.get(id) !== 'off');
  if (!runs) return {};
  const { matrix, summary } = matrixForReport(handshakeMatrix(model), listing);
  return { matrix, matrixSummary: summary };
}

/** Evaluates a topology offline (SPEC §4 `check`). Throws InputError when it cannot do its job. */
export async function check(options: CheckOptions = {}): Promise<Report> {
  const cwd = options.cwd ?? process.cwd();
  const at = options.at ?? new Date();
  const file = options.topology ?? DEFAULT_TOPOLOGY;
  const loaded = await loadTopology(file, cwd);
  const pack = await selectPack(loaded.topology, options);
  // Inputs are read before any evaluation, so a broken waiver or baseline file is exit 2 either way.
  const waivers = await selectWaivers(loaded.topology, options, pack);
  const baseline = await selectBaseline(options);
  if (!loaded.topology) return schemaFailureReport(loaded, at, 'check', pack, baseline);
  const model: Model = {
    topology: loaded.topology,
    at,
    params: pack.params,
    files: await readCertificateFiles(loaded.topology, cwd, options),
    mode: 'check',
  };
  return evaluate(loaded.document.file, model, pack, waivers, baseline, options.matrix);
}

/** A topology that violates the schema: only topology/schema findings, as no other rule could trust its input. */
export function schemaFailureReport(loaded: LoadedTopology, at: Date, mode: Report['mode'], pack: Pack, baseline: Baseline | undefined): Report {
  // Waivers do not apply to schema violations: topology/schema cannot be weakened (decision 0003).
  const fallback = path.basename(loaded.document.file);
  const schemaFindings = schemaViolations(loaded.violations, loaded.document.data, fallback).map((v) => toFinding(schemaRule, v, 'error'));
  const applied = baseline ? applyBaseline(schemaFindings, baseline) : undefined;
  return buildReport(loaded.document.file, at, mode, pack, sortFindings(applied?.findings ?? schemaFindings), applied ? { baseline: applied.summary } : {});
}

/** Every rule over the model, then waivers and baseline: the common end of check and audit. */
export function evaluate(
  topologyFile: string,
  model: Model,
  pack: Pack,
  waivers: readonly LoadedWaiver[] | undefined,
  baseline: Baseline | undefined,
  listing: MatrixListing = 'auto',
): Report {
  const ran = new Map<string, RuleRun['status']>();
  const findings = runRules(model, rulesOf(pack), pack, ran);
  ran.set(schemaRule.meta.id, 'ran'); // the loader ran it: the file passed the schema
  const matrix = reportMatrix(model, pack, listing);
  const settled = settle(model, pack, findings, ran, waivers, baseline);
  return buildReport(topologyFile, model.at, model.mode, pack, settled.findings, { ...settled.extras, estate: estateOf(model), ...matrix });
}

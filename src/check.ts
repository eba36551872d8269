// The offline job: topology -> certificate files -> the engine -> report.
import path from 'node:path';
import { evaluateDocument, evaluateModel, ruleSetOf } from './engine.ts';
import { readCertificateFiles } from './sources/files.ts';
import { preloadCertificateFiles, type Preload } from './sources/preload.ts';
import { loadTopology } from './topology/load.ts';
import { fileAccess } from './sources/containment.ts';
import { InputError } from './errors.ts';
import { loadPack, withParams, type Pack } from './policy/packs.ts';
import { BUILTIN_RULES, type RuleSet } from './rules/index.ts';
import type { CertFile, Model } from './model/types.ts';
import type { MatrixListing, Report } from './domain/report.ts';
import type { Topology } from './topology/model.ts';
import { loadWaivers, targetsOf, type LoadedWaiver } from './policy/waivers.ts';
import { loadBaseline, type Baseline } from './policy/baseline.ts';
import { displayPath } from './topology/load.ts';
import { handshakeMatrix } from './matrix.ts';
import { scopeToRegions } from './shard.ts';

// The pipeline's pieces, where callers of the library found them before ADR 0080.
export { buildReport, evaluate, type ReportExtras } from './engine.ts';

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
  /**
   * Report only these regions' objects, plus those that belong to no region: one shard of a large
   * estate, for `rc-policy merge` (ADR 0115). An audit also probes and reads only these regions.
   */
  readonly regions?: readonly string[];
  /** Which handshake pairs the report lists (default auto: every pair of a small matrix, else only the pairs that are not ok). */
  readonly matrix?: MatrixListing;
}

export const DEFAULT_TOPOLOGY = 'rc-topology.yaml';

const KNOWN_RULES: ReadonlySet<string> = new Set(BUILTIN_RULES.byId.keys());

/** The pack a run uses: --policy (relative to cwd), else policy.pack (relative to the topology), else rc-default. */
export async function selectPack(topology: Topology | undefined, options: CheckOptions): Promise<Pack> {
  const cwd = options.cwd ?? process.cwd();
  if (options.policy) return withParams(await loadPack(options.policy, cwd, KNOWN_RULES), topology?.policy.params ?? {});
  if (!topology?.policy.pack) return withParams(await loadPack('rc-default', cwd, KNOWN_RULES), topology?.policy.params ?? {});
  const access = await fileAccess(topology.dir, options, (p) => displayPath(p, cwd));
  const pack = await loadPack(topology.policy.pack, topology.dir, KNOWN_RULES, topology.policy.packLocation, access);
  return withParams(pack, topology.policy.params);
}

/** The waivers of a run: --waivers (relative to cwd) replaces policy.waivers (relative to the topology). */
export async function selectWaivers(topology: Topology | undefined, options: CheckOptions, rules: RuleSet = BUILTIN_RULES): Promise<LoadedWaiver[] | undefined> {
  const cwd = options.cwd ?? process.cwd();
  const knownRules = new Set(rules.byId.keys());
  if (options.waivers) {
    const absolute = path.resolve(cwd, options.waivers);
    return loadWaivers(absolute, displayPath(absolute, cwd), knownRules, {}, topology && targetsOf(new Set(topology.byId.keys())));
  }
  const ref = topology?.policy.waivers;
  if (!topology || !ref) return undefined;
  // A waivers file the topology names is confined like every file it references (docs/decisions/0050).
  const access = await fileAccess(topology.dir, options, (p) => displayPath(p, cwd));
  const refused = await access.refusal(ref.absolute);
  if (refused) throw new InputError(`waivers file ${displayPath(ref.absolute, cwd)}: ${refused}`, ref.location);
  return loadWaivers(ref.absolute, displayPath(ref.absolute, cwd), knownRules, { regularOnly: true, noFollow: !access.followSymlinks }, targetsOf(new Set(topology.byId.keys())));
}

export async function selectBaseline(options: CheckOptions): Promise<Baseline | undefined> {
  if (!options.baseline) return undefined;
  const cwd = options.cwd ?? process.cwd();
  const absolute = path.resolve(cwd, options.baseline);
  return loadBaseline(absolute, displayPath(absolute, cwd));
}

/** The certificate files, some already read by a preload; its thread is stopped before evaluation starts. */
async function readFiles(topology: Topology, cwd: string, options: CheckOptions, preload: Preload | undefined): Promise<Map<string, CertFile>> {
  try {
    return await readCertificateFiles(topology, cwd, options, undefined, { preload });
  } finally {
    preload?.close();
  }
}

/** Evaluates a topology offline (SPEC §4 `check`). Throws InputError when it cannot do its job. */
export async function check(options: CheckOptions = {}): Promise<Report> {
  // A large estate's certificate files are read while the topology is parsed (ADR 0131).
  let preload: Preload | undefined;
  const onText = (text: string, absolute: string): void => {
    try {
      preload = preloadCertificateFiles(text, absolute, options);
    } catch {
      // a guess that cannot be made: every file is read when it is needed
    }
  };
  try {
    return await checkTopology(options, onText, () => preload);
  } finally {
    preload?.close();
  }
}

async function checkTopology(options: CheckOptions, onText: (text: string, absolute: string) => void, preloaded: () => Preload | undefined): Promise<Report> {
  const cwd = options.cwd ?? process.cwd();
  const at = options.at ?? new Date();
  const file = options.topology ?? DEFAULT_TOPOLOGY;
  const loaded = await loadTopology(file, cwd, onText);
  const pack = await selectPack(loaded.topology, options);
  const rules = ruleSetOf(pack);
  // Inputs are read before any evaluation, so a broken waiver or baseline file is exit 2 either way.
  const waivers = await selectWaivers(loaded.topology, options, rules);
  const baseline = await selectBaseline(options);
  if (!loaded.topology) return evaluateDocument(loaded, at, 'check', { pack, rules, ...(baseline && { baseline }) });
  const model: Model = {
    topology: loaded.topology,
    at,
    params: pack.params,
    files: await readFiles(loaded.topology, cwd, options, preloaded()),
    mode: 'check',
  };
  const report = evaluateModel(loaded.document.file, model, { pack, rules, ...(waivers && { waivers }), ...(baseline && { baseline }), ...(options.matrix && { matrix: options.matrix }) });
  return options.regions?.length ? scopeToRegions(report, loaded.topology, options.regions, { pairs: () => handshakeMatrix(model), ...(baseline && { baseline }) }) : report;
}

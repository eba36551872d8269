// The offline job: topology -> certificate files -> rules -> report.
import path from 'node:path';
import { runRules, sortFindings, toFinding } from './engine.ts';
import { readCertificateFiles } from './sources/files.ts';
import { displayPath, loadTopology } from './topology/load.ts';
import { fileAccess } from './sources/containment.ts';
import { loadPack, withParams, type Pack } from './policy/packs.ts';
import { ALL_RULES, RULES_BY_ID } from './rules/index.ts';
import { rule as schemaRule, schemaViolations } from './rules/topology/schema.ts';
import { summarise } from './report/summary.ts';
import { VERSION } from './package.ts';
import type { Model } from './model/types.ts';
import type { Finding, Report } from './report/types.ts';
import type { Topology } from './topology/model.ts';

export interface CheckOptions {
  /** Path to the topology file (default ./rc-topology.yaml). */
  readonly topology?: string;
  /** Evaluation time (default: now). */
  readonly at?: Date;
  /** A built-in pack name or a pack file path; replaces the topology's policy.pack. */
  readonly policy?: string;
  /** Working directory for relative paths (default: process.cwd()). */
  readonly cwd?: string;
  /** Read files the topology references outside its repository (default: refused; docs/security.md). */
  readonly allowOutsideRepo?: boolean;
  /** Read files the topology references through symlinks (default: refused; docs/security.md). */
  readonly followSymlinks?: boolean;
}

export const DEFAULT_TOPOLOGY = 'rc-topology.yaml';

const knownRules = new Set(RULES_BY_ID.keys());

/** The pack a run uses: --policy (relative to cwd), else policy.pack (relative to the topology), else rc-default. */
export async function selectPack(topology: Topology | undefined, options: CheckOptions): Promise<Pack> {
  const cwd = options.cwd ?? process.cwd();
  if (options.policy) return withParams(await loadPack(options.policy, cwd, knownRules), topology?.policy.params ?? {});
  if (!topology?.policy.pack) return withParams(await loadPack('rc-default', cwd, knownRules), topology?.policy.params ?? {});
  const access = await fileAccess(topology.dir, options, (p) => displayPath(p, cwd));
  const pack = await loadPack(topology.policy.pack, topology.dir, knownRules, topology.policy.packLocation, access);
  return withParams(pack, topology.policy.params);
}

export function buildReport(topologyFile: string, at: Date, mode: Report['mode'], pack: Pack, findings: Finding[]): Report {
  return {
    tool: { name: 'rc-policy', version: VERSION },
    topology: topologyFile,
    evaluatedAt: at.toISOString(),
    mode,
    policy: { pack: pack.name, packs: pack.chain },
    summary: summarise(findings),
    findings,
  };
}

/** Evaluates a topology offline (SPEC §4 `check`). Throws InputError when it cannot do its job. */
export async function check(options: CheckOptions = {}): Promise<Report> {
  const cwd = options.cwd ?? process.cwd();
  const at = options.at ?? new Date();
  const file = options.topology ?? DEFAULT_TOPOLOGY;
  const loaded = await loadTopology(file, cwd);
  const pack = await selectPack(loaded.topology, options);
  if (!loaded.topology) {
    const fallback = path.basename(loaded.document.file);
    const findings = schemaViolations(loaded.violations, loaded.document.data, fallback).map((v) => toFinding(schemaRule, v, 'error'));
    return buildReport(loaded.document.file, at, 'check', pack, sortFindings(findings));
  }
  const model: Model = {
    topology: loaded.topology,
    at,
    params: pack.params,
    files: await readCertificateFiles(loaded.topology, cwd, options),
    mode: 'check',
  };
  return buildReport(loaded.document.file, at, 'check', pack, runRules(model, ALL_RULES, pack));
}

import type { Severity } from './finding.ts';

/**
 * When a rule runs, and what it reads (ADR 0080):
 * - `document`: the loaded file before it is typed (topology/schema); runs even when the file fails
 *   the schema, and is the only phase that does;
 * - `model`: the typed model (the default);
 * - `waivers`: the model once waivers were applied (policy/*); its findings are about waivers
 *   themselves, so they cannot be waived.
 */
export type RulePhase = 'document' | 'model' | 'waivers';

/**
 * What a rule's findings are about, for the parts of the pipeline and the renderers that treat
 * them specially, so that none of them names a rule:
 * - `handshakes`: the rule reads the handshake matrix (the report carries the matrix when one runs);
 * - `validity`: the findings are about a certificate's validity window (the diagrams mark it);
 * - `gaps`: the findings are what an audit could not evaluate (a waiver of it accepts the gap, ADR 0070).
 */
export type RuleConcern = 'handshakes' | 'validity' | 'gaps';

/** A rule as everything outside the rule sees it: its metadata, without its check. */
export interface RuleDescriptor {
  /** `family/name`; built-in ids are fixed by the spec. */
  readonly id: string;
  readonly severity: Severity;
  /** One line: what the rule wants to be true. */
  readonly title: string;
  /** Why, citing the design: which RFC, BR section or architecture page. */
  readonly rationale: string;
  /** The document and section the rule comes from. */
  readonly source: string;
  /** What to do about a finding. */
  readonly remedy: string;
  /** Message templates by id; `{{name}}` is filled from the violation's data. */
  readonly messages: Readonly<Record<string, string>>;
  /** Runs only in `rc-policy audit`. */
  readonly live?: boolean;
  /** Default `model`. */
  readonly phase?: RulePhase;
  readonly concerns?: readonly RuleConcern[];
  /** Why a pack may not change the rule's severity; absent: it may. */
  readonly fixed?: string;
  /** Where the rule is documented; default: the built-in rule page (docs/rules/<id>.md). */
  readonly helpUri?: string;
}

export const phaseOf = (d: Pick<RuleDescriptor, 'phase'>): RulePhase => d.phase ?? 'model';
export const hasConcern = (d: Pick<RuleDescriptor, 'concerns'>, c: RuleConcern): boolean => d.concerns?.includes(c) ?? false;

/**
 * `ran`: the rule evaluated the model (passing when it has no findings); `not-applicable`: nothing
 * in this estate for it to evaluate; `off`: switched off by the pack; `audit-only`: a live rule in check.
 */
export interface RuleRun {
  readonly id: string;
  readonly status: 'ran' | 'not-applicable' | 'off' | 'audit-only';
}

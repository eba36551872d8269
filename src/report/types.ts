import type { Severity } from '../rules/rule.ts';
import type { Location } from '../topology/model.ts';

export interface Waiver {
  readonly rule: string;
  readonly target: string;
  readonly reason: string;
  readonly expires: string;
  readonly owner?: string;
  readonly ticket?: string;
}

export interface Finding {
  readonly rule: string;
  readonly severity: Severity;
  readonly target: string;
  readonly message: string;
  readonly location: Location;
  readonly waived: boolean;
  readonly waiver?: Waiver;
}

export interface Summary {
  readonly error: number;
  readonly warning: number;
  readonly info: number;
  readonly waived: number;
}

/** The report every output format is rendered from (and, as JSON, the stable output of spec §5). */
export interface Report {
  readonly tool: { readonly name: 'rc-policy'; readonly version: string };
  readonly topology: string;
  readonly evaluatedAt: string;
  readonly mode: 'check' | 'audit';
  readonly policy: { readonly pack: string; readonly packs: readonly string[] };
  readonly summary: Summary;
  readonly findings: readonly Finding[];
}

import type { Location } from './location.ts';

export type Severity = 'error' | 'warning' | 'info';
export const SEVERITIES: readonly Severity[] = ['error', 'warning', 'info'];

/** One thing wrong, as a rule sees it. The engine turns it into a Finding. */
export interface Violation {
  readonly target: string;
  readonly messageId: string;
  readonly data?: Readonly<Record<string, string | number | undefined>>;
  readonly location: Location;
  /** For rules with two levels (broker/incomplete-chain): overrides the rule's default severity. */
  readonly severity?: Severity;
}

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
  /** Set (true) when --baseline was given and the previous report has a finding with this rule and target: existing debt, it does not fail the run. */
  readonly baseline?: true;
}

export interface WaiverOutcome {
  readonly waiver: Waiver;
  /** Where the waiver is written. */
  readonly location: Location;
  /** active: waived at least one finding; unused: matched nothing; expired: past `expires`, waives nothing. */
  readonly status: 'active' | 'unused' | 'expired';
  /** Findings it waived. */
  readonly matched: number;
}

/** The target of a finding about a waiver: the rule and target it names, e.g. `broker/wildcard@broker-eu-1`. */
export const waiverTarget = (w: Waiver): string => `${w.rule}@${w.target}`;

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
  /**
   * The findings that already name the cause of this one (ADR 0120). When every one of them is
   * raised, this is listed as not evaluated because of them instead of as a finding of its own;
   * when one is not (its rule is off), it stays a finding: nothing is dropped.
   */
  readonly because?: readonly Cause[];
  /** Other places the violation is about (both declarations of a duplicate id). */
  readonly related?: readonly RelatedLocation[];
}

export interface RelatedLocation {
  readonly location: Location;
  readonly message: string;
}

/** A finding named by its identity (rule + target), as a cause of what could not be evaluated. */
export interface Cause {
  readonly rule: string;
  readonly target: string;
}

/**
 * A check a rule could not evaluate because another finding already names the cause (ADR 0120):
 * the handshakes through a trust bundle whose root cannot be read, the name checks of a certificate
 * that belongs to another broker. Never a pass; listed apart from findings and counted apart.
 */
export interface DependentCheck {
  readonly rule: string;
  readonly target: string;
  /** What the rule saw, as it would have said it. */
  readonly message: string;
  readonly location: Location;
  /** The findings it waits on; each is in `findings`. */
  readonly because: readonly Cause[];
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
  /** What to do about it: the rule's one-line remedy (`rc-policy explain <rule>` says more). */
  readonly remedy?: string;
  /** Other places the finding is about (both declarations of a duplicate id). */
  readonly related?: readonly RelatedLocation[];
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

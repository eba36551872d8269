// The report types live in the domain module (src/domain/, ADR 0080); this re-export keeps old imports working.
export type * from '../domain/report.ts';
export type { Finding, Waiver, WaiverOutcome } from '../domain/finding.ts';
export type { RuleRun } from '../domain/rule.ts';

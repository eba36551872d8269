import { hasConcern, type RuleConcern } from '../domain/rule.ts';
import type { Report } from '../domain/report.ts';

/** The ids of the report's rules with this concern (ADR 0080): renderers ask the report, never name a rule. */
export const rulesConcerning = (report: Pick<Report, 'descriptors'>, concern: RuleConcern): ReadonlySet<string> =>
  new Set((report.descriptors ?? []).filter((d) => hasConcern(d, concern)).map((d) => d.id));

// Waivers (SPEC §2): accepted exceptions, each naming a rule and a target, with a reason and an
// expiry. A waiver file is untrusted input (it comes with the pull request), so it is schema-checked
// and every problem is a one-line file:line error (exit 2), never a silently ignored entry.
import { InputError, InputErrors } from '../errors.ts';
import { didYouMean } from '../suggest.ts';
import { phaseOf } from '../domain/rule.ts';
import { RULES_BY_ID } from '../rules/index.ts';
import { printable } from '../printable.ts';
import type { Location } from '../domain/location.ts';
import { readSourceDocument, type SourceDocument } from '../topology/document.ts';
import { closest, validateDocument } from '../topology/schema.ts';
import type { Finding, Waiver, WaiverOutcome } from '../domain/finding.ts';

/** A waiver as loaded: where it is written and the instant it stops waiving. */
export interface LoadedWaiver {
  readonly waiver: Waiver;
  readonly location: Location;
  /** `expires` is the last day the waiver holds: it stops at 00:00 UTC the day after. */
  readonly endsAt: Date;
}

/** Rules of the waivers phase report on waivers themselves: waiving their findings would be circular. */
const aboutWaivers = (ruleId: string): boolean => {
  const rule = RULES_BY_ID.get(ruleId);
  return rule !== undefined && phaseOf(rule.meta) === 'waivers';
};

/** `read` restricts what the path may be when the topology named it (docs/decisions/0050). */
/** Which waiver targets can name something: `*`, an object id, or a `client->server` pair of ids. */
export type TargetCheck = (target: string) => string | undefined;

/** `read` restricts what the path may be when the topology named it (docs/decisions/0050). */
export async function loadWaivers(
  absolute: string,
  display: string,
  knownRules: ReadonlySet<string>,
  read: Parameters<typeof readSourceDocument>[2] = {},
  checkTarget?: TargetCheck,
): Promise<LoadedWaiver[]> {
  return parseWaivers(await readSourceDocument(absolute, display, read), knownRules, checkTarget);
}

/** Rules whose findings no waiver may cover, and why. */
const UNWAIVABLE: readonly [RegExp, string][] = [
  [/^policy\//, 'findings are about waivers themselves and cannot be waived; renew or remove the waiver instead'],
  [/^topology\/schema$/, 'cannot be waived: a topology that violates the schema is not evaluated at all; fix the file instead'],
];

/**
 * Every problem of the file at once (one line each, exit 2), so a reviewer fixes them in one pass.
 * `checkTarget`, when given, says why a target can match no finding of this topology.
 */
export function parseWaivers(doc: SourceDocument, knownRules: ReadonlySet<string>, checkTarget?: TargetCheck): LoadedWaiver[] {
  const violations = validateDocument(doc, 'waivers');
  if (violations.length > 0) {
    throw new InputErrors(`invalid waivers file: ${violations.length} problems`, violations.map((v) => new InputError(`invalid waivers file: ${v.message}`, v.location)));
  }
  const entries = (doc.data as { waivers: Waiver[] }).waivers;
  const errors: InputError[] = [];
  const loaded = entries.flatMap((w, i): LoadedWaiver[] => {
    const at = (field?: string): Location => doc.locate(field ? ['waivers', i, field] : ['waivers', i]);
    const before = errors.length;
    if (!knownRules.has(w.rule)) {
      const guess = closest(w.rule, [...knownRules]);
      errors.push(new InputError(`waivers[${i}].rule: unknown rule '${w.rule}'${guess ? ` (did you mean '${guess}'?)` : ''}`, at('rule')));
    }
    const refused = UNWAIVABLE.find(([re]) => re.test(w.rule));
    if (refused) errors.push(new InputError(`waivers[${i}].rule: ${w.rule} ${refused[1]}`, at('rule')));
    const day = new Date(`${w.expires}T00:00:00Z`);
    if (Number.isNaN(day.getTime()) || day.toISOString().slice(0, 10) !== w.expires) {
      errors.push(new InputError(`waivers[${i}].expires: '${w.expires}' is not a calendar date (YYYY-MM-DD)`, at('expires')));
    }
    const wrongTarget = w.target === '*' ? undefined : checkTarget?.(w.target);
    if (wrongTarget) errors.push(new InputError(`waivers[${i}].target: '${w.target}' ${wrongTarget}`, at('target')));
    if (errors.length > before) return [];
    // Free text from the waiver file is echoed in every report: one printable line each, like
    // finding targets (which go through the same function, so targets still match).
    const waiver: Waiver = {
      rule: w.rule,
      target: printable(w.target),
      reason: printable(w.reason),
      expires: w.expires,
      ...(w.owner !== undefined && { owner: printable(w.owner) }),
      ...(w.ticket !== undefined && { ticket: printable(w.ticket) }),
    };
    return [{ waiver, location: at(), endsAt: new Date(day.getTime() + 86_400_000) }];
  });
  if (errors.length > 0) throw new InputErrors(`${errors.length} problems in the waivers file ${doc.file}:`, errors);
  return loaded;
}

/**
 * A target check for a topology: a target is an object id or a `client->server` pair of ids, as
 * findings name them (SPEC §5). Anything else — a glob inside a pair, a typo — could never match.
 */
export function targetsOf(ids: ReadonlySet<string>): TargetCheck {
  return (target) => {
    const parts = target.split('->');
    if (parts.length <= 2 && parts.every((p) => ids.has(p))) return undefined;
    if (parts.length === 2 && parts.some((p) => p.includes('*'))) {
      return "matches no finding: '*' stands alone (every target); inside a 'client->server' pair both sides must be ids";
    }
    const unknown = parts.filter((p) => !ids.has(p));
    const hint = unknown.length === 1 ? didYouMean(unknown[0]!, ids) : '';
    return `matches no finding: ${unknown.map((u) => `'${u}'`).join(' and ')} ${unknown.length === 1 ? 'is' : 'are'} no id of the topology${hint}`;
  };
}

export const isExpired = (w: LoadedWaiver, at: Date): boolean => at.getTime() >= w.endsAt.getTime();

const matches = (w: Waiver, f: Finding): boolean => w.rule === f.rule && (w.target === '*' || w.target === f.target);

/**
 * Marks the findings that unexpired waivers cover (an exact target wins over "*" for the record;
 * every matching waiver counts as used) and says what became of each waiver.
 */
export function applyWaivers(findings: readonly Finding[], waivers: readonly LoadedWaiver[], at: Date): { findings: Finding[]; outcomes: WaiverOutcome[] } {
  const live = waivers.filter((w) => !isExpired(w, at));
  const matched = new Map<LoadedWaiver, number>();
  const out = findings.map((f): Finding => {
    if (aboutWaivers(f.rule)) return f;
    const hits = live.filter((w) => matches(w.waiver, f));
    if (hits.length === 0) return f;
    for (const w of hits) matched.set(w, (matched.get(w) ?? 0) + 1);
    const chosen = hits.find((w) => w.waiver.target !== '*') ?? hits[0]!;
    return { ...f, waived: true, waiver: chosen.waiver };
  });
  const outcomes = waivers.map((w): WaiverOutcome => {
    const n = matched.get(w) ?? 0;
    return { waiver: w.waiver, location: w.location, status: isExpired(w, at) ? 'expired' : n > 0 ? 'active' : 'unused', matched: n };
  });
  return { findings: out, outcomes };
}

/**
 * What became of each waiver over part of a run's findings (a shard's) or the findings of several
 * parts (merged shards): the findings it matches, counted as applyWaivers counts them. An expired
 * waiver stays expired.
 */
export function recountWaivers(outcomes: readonly WaiverOutcome[], findings: readonly Finding[]): WaiverOutcome[] {
  return outcomes.map((o) => {
    if (o.status === 'expired') return o;
    const matched = findings.filter((f) => !aboutWaivers(f.rule) && matches(o.waiver, f)).length;
    return { ...o, status: matched > 0 ? 'active' : 'unused', matched };
  });
}

export { waiverTarget } from '../domain/finding.ts';

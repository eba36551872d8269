// Waivers (SPEC §2): accepted exceptions, each naming a rule and a target, with a reason and an
// expiry. A waiver file is untrusted input (it comes with the pull request), so it is schema-checked
// and every problem is a one-line file:line error (exit 2), never a silently ignored entry.
import { InputError } from '../errors.ts';
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

/** The rule family whose findings are about waivers themselves: waiving them would be circular. */
const POLICY_FAMILY = 'policy/';

/** `read` restricts what the path may be when the topology named it (docs/decisions/0050). */
export async function loadWaivers(absolute: string, display: string, knownRules: ReadonlySet<string>, read: Parameters<typeof readSourceDocument>[2] = {}): Promise<LoadedWaiver[]> {
  return parseWaivers(await readSourceDocument(absolute, display, read), knownRules);
}

export function parseWaivers(doc: SourceDocument, knownRules: ReadonlySet<string>): LoadedWaiver[] {
  const violations = validateDocument(doc, 'waivers');
  if (violations.length > 0) {
    const v = violations[0]!;
    const more = violations.length > 1 ? ` (and ${violations.length - 1} more)` : '';
    throw new InputError(`invalid waivers file: ${v.message}${more}`, v.location);
  }
  const entries = (doc.data as { waivers: Waiver[] }).waivers;
  return entries.map((w, i) => {
    const at = (field?: string): Location => doc.locate(field ? ['waivers', i, field] : ['waivers', i]);
    if (!knownRules.has(w.rule)) {
      const guess = closest(w.rule, [...knownRules]);
      throw new InputError(`waivers[${i}].rule: unknown rule '${w.rule}'${guess ? ` (did you mean '${guess}'?)` : ''}`, at('rule'));
    }
    if (w.rule.startsWith(POLICY_FAMILY)) {
      throw new InputError(`waivers[${i}].rule: ${w.rule} findings are about waivers themselves and cannot be waived; renew or remove the waiver instead`, at('rule'));
    }
    const day = new Date(`${w.expires}T00:00:00Z`);
    if (Number.isNaN(day.getTime()) || day.toISOString().slice(0, 10) !== w.expires) {
      throw new InputError(`waivers[${i}].expires: '${w.expires}' is not a calendar date (YYYY-MM-DD)`, at('expires'));
    }
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
    return { waiver, location: at(), endsAt: new Date(day.getTime() + 86_400_000) };
  });
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
    if (f.rule.startsWith(POLICY_FAMILY)) return f;
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

/** The target of a finding about a waiver: the rule and target it names, e.g. `broker/wildcard@broker-eu-1`. */
export const waiverTarget = (w: Waiver): string => `${w.rule}@${w.target}`;

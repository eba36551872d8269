// "Did you mean …?" for names a person typed: options, params, ids, endpoint names.
import { closest, distance } from 'fastest-levenshtein';

/** The candidate nearest to `typed` when it is near enough to be a typo (a third of its length, at least 2 edits), else undefined. */
export function nearest(typed: string, candidates: Iterable<string>): string | undefined {
  const list = [...candidates];
  if (list.length === 0) return undefined;
  const best = closest(typed.toLowerCase(), list.map((c) => c.toLowerCase()));
  const index = list.findIndex((c) => c.toLowerCase() === best);
  return distance(typed.toLowerCase(), best) <= Math.max(2, Math.floor(typed.length / 3)) ? list[index] : undefined;
}

/** " (did you mean 'x'?)" or "". */
export const didYouMean = (typed: string, candidates: Iterable<string>, quote = "'"): string => {
  const n = nearest(typed, candidates);
  return n === undefined ? '' : ` (did you mean ${quote}${n}${quote}?)`;
};

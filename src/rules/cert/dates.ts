// Date arithmetic shared by the certificate rules.
export const DAY_MS = 86_400_000;

export const isoDate = (d: Date): string => d.toISOString().slice(0, 10);

/** Whole days from `from` to `to`, rounded down (negative when `to` is earlier). */
export const daysBetween = (from: Date, to: Date): number => Math.floor((to.getTime() - from.getTime()) / DAY_MS);

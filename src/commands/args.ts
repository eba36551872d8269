import { parseArgs, type ParseArgsConfig } from 'node:util';
import { InputError } from '../errors.ts';
import { nearest } from '../suggest.ts';

type Options = NonNullable<ParseArgsConfig['options']>;

/** node:util parseArgs with one-line errors a person can act on. */
export function parse<O extends Options>(argv: string[], options: O, command: string) {
  try {
    return parseArgs({ args: argv, options: { ...options, debug: { type: 'boolean' } }, allowPositionals: true, strict: true, allowNegative: true });
  } catch (err) {
    const msg = err instanceof Error ? err.message : String(err);
    const unknown = /Unknown option '([^']+)'/.exec(msg);
    if (unknown) {
      const typed = unknown[1]!.split('=')[0]!;
      const names = [...Object.keys(options), 'debug'].flatMap((o) => (options[o]?.type === 'boolean' ? [`--${o}`, `--no-${o}`] : [`--${o}`]));
      const guess = typed.startsWith('--') ? nearest(typed, names) : undefined;
      throw new InputError(`unknown option '${unknown[1]}'${guess ? ` (did you mean '${guess}'?)` : ''} (see rc-policy ${command} --help)`);
    }
    throw new InputError(`${msg.split('\n')[0]!.split('. ')[0]!.replace(/\.$/, '')} (see rc-policy ${command} --help)`);
  }
}

const RELATIVE = /^([+-])(\d+)([dhwm]?)$/;
const UNIT_MS: Record<string, number> = { '': 86_400_000, d: 86_400_000, h: 3_600_000, w: 7 * 86_400_000, m: 30 * 86_400_000 };

// Certificates can only say 1950-9999 (UTCTime/GeneralizedTime); outside that, date arithmetic
// in the rules would leave JavaScript's date range (+99999999999d crashed them).
const EARLIEST_AT = Date.UTC(1950, 0, 1);
const LATEST_AT = Date.UTC(9999, 11, 31, 23, 59, 59);

/** --at: an ISO date or date-time, or an offset from now such as +30d, -12h, +2w. */
export function parseAt(value: string | undefined, now = new Date()): Date {
  if (value === undefined) return now;
  const rel = RELATIVE.exec(value);
  let d: Date | undefined;
  if (rel) d = new Date(now.getTime() + (rel[1] === '-' ? -1 : 1) * Number(rel[2]) * UNIT_MS[rel[3]!]!);
  else if (/^\d{4}-\d{2}-\d{2}([T ]\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:?\d{2})?)?$/.test(value)) {
    d = new Date(/^\d{4}-\d{2}-\d{2}$/.test(value) ? `${value}T00:00:00Z` : value);
  }
  const t = d?.getTime() ?? Number.NaN;
  if (t >= EARLIEST_AT && t <= LATEST_AT) return d!;
  if (rel || !Number.isNaN(t)) throw new InputError(`--at must fall between 1950 and 9999, the years a certificate can state (got '${value}')`);
  throw new InputError(`--at must be an ISO date (2026-12-01, 2026-12-01T12:00:00Z) or an offset such as +30d (got '${value}')`);
}

export function oneOf<T extends string>(name: string, value: string | undefined, allowed: readonly T[], fallback: T): T {
  if (value === undefined) return fallback;
  if ((allowed as readonly string[]).includes(value)) return value as T;
  throw new InputError(`${name} must be one of ${allowed.join(', ')} (got '${value}')`);
}

export function onePositional(positionals: string[], command: string, what: string): string | undefined {
  if (positionals.length > 1) throw new InputError(`rc-policy ${command} takes one ${what} (got ${positionals.length}: ${positionals.join(' ')})`);
  return positionals[0];
}

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

export { oneOf, parseAt } from '../shell/options.ts';

export function onePositional(positionals: string[], command: string, what: string): string | undefined {
  if (positionals.length > 1) throw new InputError(`rc-policy ${command} takes one ${what} (got ${positionals.length}: ${positionals.join(' ')})`);
  return positionals[0];
}

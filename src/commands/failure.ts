import { InputError, InputErrors } from '../errors.ts';
import { printable } from '../printable.ts';
import { redact } from '../redact.ts';

/**
 * What the CLI prints for an error that stopped the run: one line (an InputError's own, or
 * "unexpected error: ..."), plus with --debug the stack and its causes. Secrets are removed from
 * all of it: a library error can quote a header or a connection string.
 */
export function describeFailure(err: unknown, debug: boolean): string {
  let out: string;
  if (err instanceof InputErrors) out = `rc-policy: ${err.lines.join('\n')}\n`;
  else if (err instanceof InputError) out = `rc-policy: ${err.message}\n`;
  else {
    const msg = err instanceof Error ? err.message : String(err);
    out = `rc-policy: unexpected error: ${printable(msg.split('\n')[0] ?? '')}${debug ? '' : ' (run with --debug for details)'}\n`;
  }
  if (debug) {
    let e: unknown = err;
    for (let depth = 0; e instanceof Error && depth < 5; depth++, e = e.cause) {
      if (e.stack) out += `${depth > 0 ? 'caused by: ' : ''}${e.stack}\n`;
    }
  }
  return redact(out);
}

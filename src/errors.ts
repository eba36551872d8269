import type { Location } from './domain/location.ts';
import { printable } from './printable.ts';

/**
 * The tool cannot do its job with this input (exit 2). The message is one line and names the
 * file:line it is about; the CLI prints it without a stack trace.
 */
export class InputError extends Error {
  readonly location?: Location;
  /** The reason without the location: "line 3: ..." style callers (cert/unreadable) add their own. */
  readonly detail: string;

  constructor(message: string, location?: Location) {
    // The message often quotes the input (a file name, a YAML key): keep it one printable line.
    super(printable(location ? `${formatLocation(location)}: ${message}` : message));
    this.name = 'InputError';
    this.location = location;
    this.detail = printable(location ? `line ${location.line}: ${message}` : message);
  }
}

export const formatLocation = (l: Location): string => `${l.file}:${l.line}:${l.column}`;

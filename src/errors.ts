import type { Location } from './topology/model.ts';

/**
 * The tool cannot do its job with this input (exit 2). The message is one line and names the
 * file:line it is about; the CLI prints it without a stack trace.
 */
export class InputError extends Error {
  readonly location?: Location;

  constructor(message: string, location?: Location) {
    super(location ? `${formatLocation(location)}: ${message}` : message);
    this.name = 'InputError';
    this.location = location;
  }
}

export const formatLocation = (l: Location): string => `${l.file}:${l.line}:${l.column}`;

// What a renderer is told besides the report (its own module, so renderers and the format table do not import each other).
import type { FailOn } from './summary.ts';
import type { Finding } from '../domain/finding.ts';

export interface RenderContext {
  readonly color: boolean;
  readonly quiet: boolean;
  readonly failOn: FailOn;
  /** Whether a finding fails the run at --fail-on. */
  readonly failing: (f: Finding) => boolean;
  /** Markdown: link locations to the repository, e.g. https://github.com/o/r/blob/<sha>/ (the Action sets it). */
  readonly links?: { readonly base: string };
}

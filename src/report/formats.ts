// One module per output format, each a pure function from the report to text (conftest/Checkov style).
import type { FailOn } from './summary.ts';
import type { Finding, Report } from './types.ts';
import { renderJson } from './json.ts';
import { renderText } from './text.ts';

export interface RenderContext {
  readonly color: boolean;
  readonly quiet: boolean;
  readonly failOn: FailOn;
  /** Whether a finding fails the run at --fail-on. */
  readonly failing: (f: Finding) => boolean;
}

export type Renderer = (report: Report, ctx: RenderContext) => string;

export const FORMATS: Readonly<Record<string, Renderer>> = {
  text: (report, ctx) => renderText(report, { color: ctx.color, ...(ctx.quiet && { only: ctx.failing }) }),
  json: (report) => renderJson(report),
};

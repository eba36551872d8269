// One module per output format, each a pure function from the report to text (conftest/Checkov style).
import type { FailOn } from './summary.ts';
import type { Finding } from '../domain/finding.ts';
import type { Report } from '../domain/report.ts';
import { renderJson } from './json.ts';
import { renderText } from './text.ts';
import { renderSarif } from './sarif.ts';
import { renderJunit } from './junit.ts';
import { renderMarkdown } from './markdown.ts';
import { renderGithub } from './github.ts';

export interface RenderContext {
  readonly color: boolean;
  readonly quiet: boolean;
  readonly failOn: FailOn;
  /** Whether a finding fails the run at --fail-on. */
  readonly failing: (f: Finding) => boolean;
  /** Markdown: link locations to the repository, e.g. https://github.com/o/r/blob/<sha>/ (the Action sets it). */
  readonly links?: { readonly base: string };
}

export type Renderer = (report: Report, ctx: RenderContext) => string;

export const FORMATS: Readonly<Record<string, Renderer>> = {
  text: (report, ctx) => renderText(report, { color: ctx.color, ...(ctx.quiet && { only: ctx.failing }) }),
  json: (report) => renderJson(report),
  sarif: (report, ctx) => renderSarif(report, ctx),
  junit: (report, ctx) => renderJunit(report, ctx),
  markdown: (report, ctx) => renderMarkdown(report, ctx),
  github: (report, ctx) => renderGithub(report, ctx),
};

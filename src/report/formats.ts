// One module per output format, each a pure function from the report to text (conftest/Checkov style).
import type { RenderContext } from './context.ts';
import type { Report } from '../domain/report.ts';
import { renderJson } from './json.ts';
import { renderText } from './text.ts';
import { renderSarif } from './sarif.ts';
import { renderJunit } from './junit.ts';
import { renderMarkdown } from './markdown.ts';
import { renderGithub } from './github.ts';

export type { RenderContext };

export type Renderer = (report: Report, ctx: RenderContext) => string;

export const FORMATS: Readonly<Record<string, Renderer>> = {
  text: (report, ctx) => renderText(report, { color: ctx.color, ...(ctx.quiet && { only: ctx.failing }) }),
  json: (report) => renderJson(report),
  sarif: (report, ctx) => renderSarif(report, ctx),
  junit: (report, ctx) => renderJunit(report, ctx),
  markdown: (report, ctx) => renderMarkdown(report, ctx),
  github: (report, ctx) => renderGithub(report, ctx),
};

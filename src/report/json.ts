import type { Report } from '../domain/report.ts';

/** SPEC §5: the stable JSON report (without the rule descriptors, which are for the other renderers). */
export function renderJson(report: Report): string {
  const { descriptors: _, ...stable } = report;
  return `${JSON.stringify(stable, null, 2)}\n`;
}

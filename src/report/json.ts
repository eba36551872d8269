import type { Report } from '../domain/report.ts';

/** SPEC §5: the stable JSON report. */
export const renderJson = (report: Report): string => `${JSON.stringify(report, null, 2)}\n`;

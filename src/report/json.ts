import type { Report } from './types.ts';

/** SPEC §5: the stable JSON report. */
export const renderJson = (report: Report): string => `${JSON.stringify(report, null, 2)}\n`;

import type { Report } from '../domain/report.ts';

/** SPEC §5: the stable JSON report. The rule descriptors are for the renderers, not part of it. */
export const renderJson = ({ descriptors: _, ...report }: Report): string => `${JSON.stringify(report, null, 2)}\n`;

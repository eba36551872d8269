import type { Report } from '../domain/report.ts';

/**
 * SPEC §5: the stable JSON report. The report and its sections are indented; each element of a list
 * (a finding, a pair, a node, a certificate) is one line: as readable and greppable as full
 * indentation, at about half the size and time for a large estate (docs/decisions/0110). The rule
 * descriptors are for the renderers, not part of it.
 */
export const renderJson = ({ descriptors: _, ...report }: Report): string => `${layout(report, '', 0)}\n`;

/** Objects down to this depth are spread over lines; anything deeper is written on one line. */
const SPREAD_DEPTH = 1;

function layout(value: unknown, indent: string, depth: number): string {
  if (Array.isArray(value)) {
    if (value.length === 0) return '[]';
    const inner = `${indent}  `;
    return `[\n${value.map((v) => inner + (JSON.stringify(v) ?? 'null')).join(',\n')}\n${indent}]`;
  }
  if (value === null || typeof value !== 'object' || depth > SPREAD_DEPTH || 'toJSON' in value) return JSON.stringify(value);
  const inner = `${indent}  `;
  const entries: string[] = [];
  for (const [key, v] of Object.entries(value)) {
    if (v === undefined || typeof v === 'function' || typeof v === 'symbol') continue; // as JSON.stringify
    entries.push(`${inner}${JSON.stringify(key)}: ${layout(v, inner, depth + 1)}`);
  }
  return entries.length === 0 ? '{}' : `{\n${entries.join(',\n')}\n${indent}}`;
}

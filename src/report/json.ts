import type { Report } from '../domain/report.ts';

/**
 * SPEC §5: the stable JSON report. The report and its sections are indented; each element of a list
 * (a finding, a pair, a node, a certificate) is one line: as readable and greppable as full
 * indentation, at about half the size and time for a large estate (docs/decisions/0110). The rule
 * descriptors are for the renderers, not part of it.
 */
export const renderJson = (report: Report): string => [...jsonLines(report)].join('');

/**
 * The JSON report line by line, each line with its '\n': written as it is rendered, a large
 * report is never held as one string (docs/decisions/0118).
 */
export function* jsonLines({ descriptors: _, ...report }: Report): Generator<string> {
  yield* layout(report, '', 0, '\n');
}

/** Objects down to this depth are spread over lines; anything deeper is written on one line. */
const SPREAD_DEPTH = 1;

/** `value`'s lines: the first continues the current line, the last ends with `end`. */
function* layout(value: unknown, indent: string, depth: number, end: string): Generator<string> {
  const inner = `${indent}  `;
  if (Array.isArray(value)) {
    if (value.length === 0) return yield `[]${end}`;
    yield '[\n';
    for (let i = 0; i < value.length; i++) yield `${inner}${JSON.stringify(value[i]) ?? 'null'}${i < value.length - 1 ? ',' : ''}\n`;
    return yield `${indent}]${end}`;
  }
  if (value === null || typeof value !== 'object' || depth > SPREAD_DEPTH || 'toJSON' in value) return yield `${JSON.stringify(value)}${end}`;
  const entries = Object.entries(value).filter(([, v]) => v !== undefined && typeof v !== 'function' && typeof v !== 'symbol'); // as JSON.stringify
  if (entries.length === 0) return yield `{}${end}`;
  yield '{\n';
  for (let i = 0; i < entries.length; i++) {
    const [key, v] = entries[i]!;
    const lines = layout(v, inner, depth + 1, i < entries.length - 1 ? ',\n' : '\n');
    const first = lines.next();
    if (!first.done) yield `${inner}${JSON.stringify(key)}: ${first.value}`;
    yield* lines;
  }
  yield `${indent}}${end}`;
}

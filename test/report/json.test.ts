// The JSON report's layout (one line per list element) must never change what it says: whatever the
// report holds, parsing it gives exactly what JSON.stringify would have written.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { renderJson } from '../../src/report/json.ts';
import type { Report } from '../../src/report/types.ts';
import { fixtureReport } from './fixture.ts';

const REPORT = fixtureReport();

describe('the JSON report layout', () => {
  it('parses to what JSON.stringify writes, for any JSON-like report', () => {
    fc.assert(
      fc.property(fc.object({ withNullPrototype: false, maxDepth: 4 }), (value) => {
        expect(JSON.parse(renderJson(value as unknown as Report))).toEqual(JSON.parse(JSON.stringify(value)));
      }),
      { numRuns: 500, seed: 110 },
    );
  });

  it('keeps the report and its sections indented and each list element on one line', () => {
    const text = renderJson(REPORT);
    const { descriptors: _, ...stable } = REPORT;
    expect(JSON.parse(text)).toEqual(JSON.parse(JSON.stringify(stable)));
    const lines = text.split('\n');
    expect(lines[0]).toBe('{');
    expect(lines).toContain('  "summary": {');
    expect(lines.filter((l) => l.startsWith('    {"rule":'))).toHaveLength(REPORT.findings.length);
    expect(text.endsWith('}\n')).toBe(true);
  });
});

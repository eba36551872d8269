// Table-driven rule tests (ESLint RuleTester style): each case reads as one sentence, starts from the
// clean baseline estate, breaks one thing, and names the finding it expects.
import { describe, expect, it } from 'vitest';
import type { Severity } from '../../src/rules/rule.ts';
import { baseline, evaluate, findings, type Estate } from './estate.ts';

export interface InvalidCase {
  readonly name: string;
  readonly change: (e: Estate) => unknown;
  readonly target: string;
  readonly message?: RegExp;
  readonly severity?: Severity;
  readonly at?: Date;
  readonly policy?: string;
}

export interface ValidCase {
  readonly name: string;
  readonly change: (e: Estate) => unknown;
  readonly at?: Date;
  readonly policy?: string;
}

export function ruleTester(rule: string, cases: { valid?: ValidCase[]; invalid: InvalidCase[] }): void {
  describe(rule, () => {
    it('does not fire on the clean baseline estate', async () => {
      const report = await evaluate(await baseline());
      expect(findings(report, rule)).toEqual([]);
    });
    for (const c of cases.valid ?? []) {
      it(`passes: ${c.name}`, async () => {
        const e = await baseline();
        await c.change(e);
        const report = await evaluate(e, { ...(c.at && { at: c.at }), ...(c.policy && { policy: c.policy }) });
        expect(findings(report, rule)).toEqual([]);
      });
    }
    for (const c of cases.invalid) {
      it(`fires: ${c.name}`, async () => {
        const e = await baseline();
        await c.change(e);
        const report = await evaluate(e, { ...(c.at && { at: c.at }), ...(c.policy && { policy: c.policy }) });
        const got = findings(report, rule);
        expect(got.map((f) => f.target), JSON.stringify(report.findings, null, 1)).toContain(c.target);
        const f = got.find((x) => x.target === c.target)!;
        if (c.message) expect(f.message).toMatch(c.message);
        expect(f.severity).toBe(c.severity ?? f.severity);
        expect(f.location.line).toBeGreaterThan(0);
      });
    }
  });
}

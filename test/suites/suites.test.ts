// The vendored public suites (docs/suites.md): BoringSSL's verify_certificate_chain_unittest and NIST
// PKITS, every case through verifyChain. The committed tables must be what rc-policy computes today.
import { describe, expect, it } from 'vitest';
import { committedTables, loadAllCases, readOpenssl, renderTables, runAll, type Outcome } from '../../scripts/suites/report.ts';

/** Each argued in docs/verify.md, "Where a suite's trust model is not rc-policy's". */
const TRUST_MODEL_EXCEPTIONS = [
  'boringssl:target-eku-clientauth/clientauth-strict',
  'boringssl:target-only/trusted_anchor',
  'boringssl:target-selfissued/trusted_anchor',
];

/** The error codes a false reject may carry, each argued in docs/suites.md, "The false rejects that stay". */
const JUSTIFIED_REJECTIONS = new Set([
  'eku-missing',
  'eku-forbidden',
  'ca-as-leaf',
  'key-usage',
  'not-a-ca',
  'extension-criticality',
  'path-len-exceeded',
  'expired',
  'not-yet-valid',
  'certificate-policy',
  'unknown-critical-extension',
  'signature-algorithm',
  'key-type',
  'cn-not-in-san',
]);

describe('public path-validation suites', async () => {
  const cases = loadAllCases();
  const outcomes: Outcome[] = await runAll(cases);

  it('reads every case BoringSSL runs and every PKITS test', () => {
    expect(cases.filter((c) => c.suite === 'boringssl').length).toBe(188);
    expect(cases.filter((c) => c.suite === 'pkits').length).toBe(249);
  });

  it('accepts no chain a suite expects to fail, except the trust-model cases docs/verify.md names', () => {
    const falseAccepts = outcomes.filter((o) => o.verdict?.accepted && !o.case.valid).map((o) => `${o.case.suite}:${o.case.id}`);
    expect(falseAccepts).toEqual(TRUST_MODEL_EXCEPTIONS);
  });

  it.each(['boringssl', 'pkits'] as const)('agrees with %s at least as often as openssl does, in either configuration', (suite) => {
    const ran = outcomes.filter((o) => o.case.suite === suite && o.verdict);
    const agreed = (accepted: (o: Outcome) => boolean) => ran.filter((o) => accepted(o) === o.case.valid).length;
    const mine = agreed((o) => o.verdict!.accepted);
    for (const run of readOpenssl().runs) expect(mine).toBeGreaterThanOrEqual(agreed((o) => run.accepted[`${o.case.suite}:${o.case.id}`]!));
  });

  it('rejects expected-valid chains only for the reasons docs/suites.md justifies', () => {
    const unexplained = outcomes
      .filter((o) => o.verdict && !o.verdict.accepted && o.case.valid)
      .filter((o) => o.verdict!.errors.some((e) => !JUSTIFIED_REJECTIONS.has(e.code)))
      .map((o) => `${o.case.suite}:${o.case.id}: ${o.verdict!.errors.map((e) => e.code).join(', ')}`);
    expect(unexplained).toEqual([]);
  });

  it('matches the tables committed in docs/suites.md (regenerate with npm run suites)', () => {
    expect(renderTables(outcomes, readOpenssl())).toBe(committedTables());
  });
});

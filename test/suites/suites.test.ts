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

  it('matches the tables committed in docs/suites.md (regenerate with npm run suites)', () => {
    expect(renderTables(outcomes, readOpenssl())).toBe(committedTables());
  });
});

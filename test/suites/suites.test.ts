// The vendored public suites (docs/suites.md): BoringSSL's verify_certificate_chain_unittest and NIST
// PKITS, every case through verifyChain. The committed tables must be what rc-policy computes today.
import { describe, expect, it } from 'vitest';
import { committedTables, loadAllCases, readOpenssl, renderTables, runAll, type Outcome } from '../../scripts/suites/report.ts';

describe('public path-validation suites', async () => {
  const cases = loadAllCases();
  const outcomes: Outcome[] = await runAll(cases);

  it('reads every case BoringSSL runs and every PKITS test', () => {
    expect(cases.filter((c) => c.suite === 'boringssl').length).toBe(188);
    expect(cases.filter((c) => c.suite === 'pkits').length).toBe(249);
  });

  it('matches the tables committed in docs/suites.md (regenerate with npm run suites)', () => {
    expect(renderTables(outcomes, readOpenssl())).toBe(committedTables());
  });
});

// A suite case through verifyChain, the public API (the verify CLI gives the same verdict: test/suites).
import { verifyChain } from '../../src/verify.ts';
import type { SuiteCase } from './case.ts';

export interface Verdict {
  readonly accepted: boolean;
  readonly errors: readonly { code: string; message: string }[];
}

export async function runSuiteCase(c: SuiteCase): Promise<Verdict> {
  const r = await verifyChain({
    leaf: c.leaf,
    intermediates: c.intermediates,
    trusted: c.anchors,
    at: c.at,
    ...(c.purpose && { purpose: c.purpose }),
  });
  return { accepted: r.ok, errors: r.errors };
}

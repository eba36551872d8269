// rollover/*: a passing and a failing case each, on the seed-001 style rollover plan of
// test/helpers/rollover.ts (old root-2025, new root-2026, dual-root bundle, a cross-certificate).
import { describe, expect, it } from 'vitest';
import { baseline, evaluate, findings, type Estate } from '../helpers/estate.ts';
import { rolloverEstate } from '../helpers/rollover.ts';

const ALL = new Set(['broker-us-1', 'broker-us-2', 'broker-in-3', 'controller-us', 'target-us', 'target-in']);

interface Case {
  readonly name: string;
  readonly rule: string;
  readonly estate: () => Promise<Estate>;
  readonly targets: readonly string[];
  readonly message?: RegExp;
}

const CASES: Case[] = [
  { name: 'issue-new with both roots in the bundle passes', rule: 'rollover/dual-roots', estate: () => rolloverEstate({ phase: 'issue-new' }), targets: [] },
  {
    name: 'trust-both with only the old root in one bundle fails on that bundle',
    rule: 'rollover/dual-roots',
    estate: async () => {
      const e = await rolloverEstate({ phase: 'trust-both', bundle: ['root-2025'] });
      e.topology.trustBundles.push({ id: 'unrelated', cas: ['issuing-2026'] }); // holds neither root: not part of the rollover
      return e;
    },
    targets: ['rc-trust'],
    message: /^rc-trust trusts root-2025 but not root-2026: during the trust-both phase of the rollover root-2025 -> root-2026 it must trust both$/,
  },
  {
    name: 'retire-old with only the new root is not a dual-roots problem',
    rule: 'rollover/dual-roots',
    estate: () => rolloverEstate({ phase: 'retire-old', bundle: ['root-2026'], moved: ALL }),
    targets: [],
  },

  {
    name: 'retire-old with everything reissued passes (leaves that also chain to root-2025 through the cross-certificate do not count)',
    rule: 'rollover/old-root-in-use',
    estate: () => rolloverEstate({ phase: 'retire-old', bundle: ['root-2026'], moved: ALL }),
    targets: [],
  },
  {
    name: 'retire-old while leaves still chain only to the old root fails on each of them',
    rule: 'rollover/old-root-in-use',
    estate: () => rolloverEstate({ phase: 'retire-old', bundle: ['root-2026'] }),
    targets: ['broker-us-2', 'broker-in-3', 'target-us', 'target-in'],
    message: /still chains only to the retired root root-2025, not to root-2026$/,
  },
  {
    name: 'retire-old while a bundle still lists the old root fails on the bundle',
    rule: 'rollover/old-root-in-use',
    estate: () => rolloverEstate({ phase: 'retire-old', moved: ALL }),
    targets: ['rc-trust'],
    message: /^rc-trust still trusts the retired root root-2025$/,
  },
  {
    name: 'the same leaves during issue-new are not yet a problem',
    rule: 'rollover/old-root-in-use',
    estate: () => rolloverEstate({ phase: 'issue-new' }),
    targets: [],
  },

  { name: 'a root far from expiry passes', rule: 'rollover/root-expiring', estate: baseline, targets: [] },
  {
    name: 'a root inside rootRenewBeforeDays with no rollover declared warns',
    rule: 'rollover/root-expiring',
    estate: () => rolloverEstate({ phase: null }),
    targets: ['root-2025'],
    message: /^root root-2025 \(CN=RC Root CA 2025, O=Company\) expires on 2027-05-20, in 170 days \(rootRenewBeforeDays: 180\); 6 certificates chain to it and no rollover from it is declared$/,
  },
  { name: 'the same root with its rollover declared passes', rule: 'rollover/root-expiring', estate: () => rolloverEstate({ phase: 'trust-both' }), targets: [] },
  {
    name: 'rootRenewBeforeDays comes from policy.params',
    rule: 'rollover/root-expiring',
    estate: async () => {
      const e = await rolloverEstate({ phase: null });
      e.topology.policy = { params: { rootRenewBeforeDays: 120 } };
      return e;
    },
    targets: [],
  },

  { name: 'no rollover, no progress report', rule: 'rollover/progress', estate: baseline, targets: [] },
  {
    name: 'during issue-new it counts the leaves under the new root and names the rest',
    rule: 'rollover/progress',
    estate: () => rolloverEstate({ phase: 'issue-new' }),
    targets: ['root-2026'],
    message: /^rollover root-2025 -> root-2026 \(issue-new\): 2 of 6 leaf certificates chain to root-2026; not yet: broker-us-2, broker-in-3, target-us, target-in$/,
  },
];

describe.each(CASES)('$rule: $name', (c) => {
  it(c.targets.length ? `reports ${c.targets.join(', ')}` : 'reports nothing', async () => {
    const got = findings(await evaluate(await c.estate()), c.rule);
    expect(got.map((f) => f.target).sort()).toEqual([...c.targets].sort());
    for (const f of got) if (c.message) expect(f.message).toMatch(c.message);
  });
});

describe('the rollover plan itself', () => {
  it('has no error or warning at T0 in the issue-new phase', async () => {
    const r = await evaluate(await rolloverEstate({ phase: 'issue-new' }));
    expect(r.findings.filter((f) => f.severity !== 'info').map((f) => `${f.rule} ${f.target}: ${f.message}`)).toEqual([]);
  });
});

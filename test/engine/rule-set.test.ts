// The custom-rule seam (ADR 0080): a rule a pack brings is run, waived, baselined, described and
// listed exactly like a built-in.
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { evaluateModel, ruleSetOf } from '../../src/engine.ts';
import { loadPack, type Pack } from '../../src/policy/packs.ts';
import { BUILTIN_RULES, ruleSet } from '../../src/rules/index.ts';
import { defineRule, type Rule } from '../../src/rules/rule.ts';
import { loadTopology } from '../../src/topology/load.ts';
import { readCertificateFiles } from '../../src/sources/files.ts';
import { renderSarif } from '../../src/report/sarif.ts';
import { renderJson } from '../../src/report/json.ts';
import { explainRule } from '../../src/commands/rules.ts';
import { InputError } from '../../src/errors.ts';
import type { Model } from '../../src/model/types.ts';
import type { LoadedWaiver } from '../../src/policy/waivers.ts';
import { baseline, T0, writeEstate, type Json } from '../helpers/estate.ts';
import { ctxFor } from '../report/fixture.ts';

const custom: Rule = defineRule({
  meta: {
    id: 'acme/no-us-1',
    severity: 'error',
    title: 'No broker is called broker-us-1',
    rationale: 'A house rule, for the test.',
    source: 'the acme pack',
    remedy: 'Rename the broker.',
    messages: { named: '{{id}} is called broker-us-1' },
    helpUri: 'https://example.invalid/acme/no-us-1',
  },
  *check(model) {
    for (const b of model.topology.brokers) if (b.id === 'broker-us-1') yield { target: b.id, messageId: 'named', data: { id: b.id }, location: b.location };
  },
});

async function run(extend: (pack: Pack) => Pack, waivers?: LoadedWaiver[]) {
  const file = await writeEstate(await baseline());
  const dir = path.dirname(file);
  const loaded = await loadTopology(file, dir);
  const pack = extend({ ...(await loadPack('rc-default', dir, new Set(BUILTIN_RULES.byId.keys()))), customRules: [custom] });
  const model: Model = { topology: loaded.topology!, at: T0, params: pack.params, files: await readCertificateFiles(loaded.topology!, dir, {}), mode: 'check' };
  return evaluateModel('rc-topology.yaml', model, { pack, ...(waivers && { waivers }) });
}

describe('a rule set extended by a pack', () => {
  it('runs the custom rule after the built-ins and reports its finding like any other', async () => {
    const report = await run((p) => p);
    const mine = report.findings.filter((f) => f.rule === 'acme/no-us-1');
    expect(mine).toEqual([expect.objectContaining({ severity: 'error', target: 'broker-us-1', message: 'broker-us-1 is called broker-us-1', waived: false })]);
    expect(report.rules?.at(-1)).toEqual({ id: 'acme/no-us-1', status: 'ran' });
    expect(report.summary.error).toBe(1);
  });

  it('takes its severity from the pack, and can be switched off', async () => {
    const lowered = await run((p) => ({ ...p, rules: new Map([...p.rules, ['acme/no-us-1', 'warning']]) }));
    expect(lowered.findings.find((f) => f.rule === 'acme/no-us-1')?.severity).toBe('warning');
    const off = await run((p) => ({ ...p, rules: new Map([...p.rules, ['acme/no-us-1', 'off']]) }));
    expect(off.findings.some((f) => f.rule === 'acme/no-us-1')).toBe(false);
    expect(off.rules?.find((r) => r.id === 'acme/no-us-1')?.status).toBe('off');
  });

  it('is waived by a waiver that names it', async () => {
    const waiver = { rule: 'acme/no-us-1', target: 'broker-us-1', reason: 'renamed in the next rotation', expires: '2027-01-31' };
    const report = await run((p) => p, [{ waiver, location: { file: 'w.yaml', line: 3, column: 5 }, endsAt: new Date('2027-02-01T00:00:00Z') }]);
    expect(report.findings.find((f) => f.rule === 'acme/no-us-1')).toMatchObject({ waived: true, waiver });
    expect(report.waivers).toEqual([expect.objectContaining({ status: 'active', matched: 1 })]);
    expect(report.summary.error).toBe(0);
  });

  it('is described in SARIF from the report, with its own help link; the JSON report is unchanged by descriptors', async () => {
    const report = await run((p) => p);
    const run0 = JSON.parse(renderSarif(report, ctxFor())).runs[0];
    const rules = run0.tool.driver.rules as Json[];
    expect(rules).toHaveLength(BUILTIN_RULES.rules.length + 1);
    const result = run0.results.find((r: Json) => r.ruleId === 'acme/no-us-1');
    expect(rules[result.ruleIndex]).toMatchObject({ id: 'acme/no-us-1', shortDescription: { text: 'No broker is called broker-us-1' }, helpUri: 'https://example.invalid/acme/no-us-1' });
    expect(JSON.parse(renderJson(report)).descriptors).toBeUndefined();
  });

  it('is explained from the rule set, and a custom id may not repeat another rule', async () => {
    const pack = { ...(await loadPack('rc-default', process.cwd(), new Set(BUILTIN_RULES.byId.keys()))), customRules: [custom] };
    expect(explainRule('acme/no-us-1', pack.customRules)).toContain('Remedy: Rename the broker.');
    expect(() => explainRule('acme/no-us-1')).toThrow(/unknown rule 'acme\/no-us-1'/);
    const clash = defineRule({ ...custom, meta: { ...custom.meta, id: 'broker/wildcard' } });
    expect(() => ruleSet([clash])).toThrow(InputError);
    expect(() => ruleSet([custom, custom])).toThrow(/defined twice/);
  });
});

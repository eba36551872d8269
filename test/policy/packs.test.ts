import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { DEFAULT_PARAMS, loadPack } from '../../src/policy/packs.ts';
import { RULES_BY_ID } from '../../src/rules/index.ts';
import { InputError } from '../../src/errors.ts';
import { baseline, evaluate, findings } from '../helpers/estate.ts';

const known = new Set(RULES_BY_ID.keys());
const dir = mkdtempSync(path.join(tmpdir(), 'rc-policy-packs-'));
const pack = (name: string, body: string) => {
  writeFileSync(path.join(dir, name), `apiVersion: rc-policy/v1\nkind: PolicyPack\n${body}`);
  return name;
};

describe('policy packs', () => {
  it('rc-default states the built-in defaults', async () => {
    const p = await loadPack('rc-default', dir, known);
    expect(p.params).toEqual(DEFAULT_PARAMS);
    expect(p.chain).toEqual(['rc-default']);
  });

  it('lb-tls-offload extends rc-default and switches two rules off', async () => {
    const p = await loadPack('lb-tls-offload', dir, known);
    expect(p.chain).toEqual(['lb-tls-offload', 'rc-default']);
    expect(Object.fromEntries(p.rules)).toEqual({ 'lb/no-tls-termination': 'off', 'gateway/plaintext-upstream': 'off' });
  });

  it('a custom pack extends a built-in one: params merge key by key, severities override', async () => {
    const file = pack('strict.yaml', 'metadata: {name: strict}\nextends: rc-default\nparams: {renewBeforeDays: 60}\nrules: {broker/wildcard: error}\n');
    const p = await loadPack(file, dir, known);
    expect(p.params).toEqual({ ...DEFAULT_PARAMS, renewBeforeDays: 60 });
    expect(p.rules.get('broker/wildcard')).toBe('error');
  });

  it.each([
    ['an unknown rule id, with a suggestion', 'metadata: {name: x}\nrules: {broker/wildcrd: error}\n', /x1\.yaml:4:9: unknown rule 'broker\/wildcrd' \(did you mean 'broker\/wildcard'\?\)/],
    ['an unknown param', 'metadata: {name: x}\nparams: {renewBeforeDay: 3}\n', /params\.renewBeforeDay is not a known property \(did you mean 'renewBeforeDays'\?\)/],
    ['a bad severity', 'metadata: {name: x}\nrules: {broker/wildcard: fatal}\n', /must be one of error, warning, info, off/],
    ['switching off the schema rule', 'metadata: {name: x}\nrules: {topology/schema: off}\n', /topology\/schema cannot be set to 'off'/],
  ])('rejects %s (exit 2 material)', async (_, body, message) => {
    const file = pack('x1.yaml', body);
    await expect(loadPack(file, dir, known)).rejects.toThrow(message);
    await expect(loadPack(file, dir, known)).rejects.toBeInstanceOf(InputError);
  });

  it('rejects an extends cycle', async () => {
    pack('a.yaml', 'metadata: {name: a}\nextends: b.yaml\n');
    pack('b.yaml', 'metadata: {name: b}\nextends: a.yaml\n');
    await expect(loadPack('a.yaml', dir, known)).rejects.toThrow(/extends itself \(cycle: a -> b -> a.yaml\)/);
  });

  it('rejects an unknown built-in name', async () => {
    await expect(loadPack('rc-strict', dir, known)).rejects.toThrow(/unknown policy pack 'rc-strict' \(built-in packs: rc-default, lb-tls-offload/);
  });

  it("policy.params in the topology overrides the pack's params", async () => {
    const e = await baseline();
    e.topology.policy = { params: { renewBeforeDays: 400 } };
    const r = await evaluate(e);
    expect(findings(r, 'cert/expiring').map((f) => f.target).sort()).toEqual(['broker-in-3', 'broker-us-1', 'broker-us-2', 'controller-us', 'target-in', 'target-us']);
  });

  it('a pack severity of off silences a rule; info downgrades it', async () => {
    const e = await baseline();
    e.topology.regions[0].loadBalancers[0].listeners[0].protocol = 'tls';
    expect(findings(await evaluate(e, { policy: 'lb-tls-offload' }), 'lb/no-tls-termination')).toEqual([]);
    const file = pack('soft.yaml', 'metadata: {name: soft}\nextends: rc-default\nrules: {lb/no-tls-termination: info}\n');
    const r = await evaluate(e, { policy: path.join(dir, file) });
    expect(findings(r, 'lb/no-tls-termination')[0]!.severity).toBe('info');
  });
});

// One type table (src/rules/custom/types.ts) feeds the checker, the values and docs/custom-rules.md:
// these tests fail when any of the three drifts from it.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { environmentFor } from '../../src/rules/custom/environment.ts';
import { customRulesReference } from '../../src/rules/custom/reference.ts';
import { CEL_TYPES, OBJECT_TYPES, ON_KINDS } from '../../src/rules/custom/types.ts';
import { objectsOf, paramsValue, topologyValue } from '../../src/rules/custom/values.ts';
import { ROOT } from '../helpers/cli.ts';
import { T0 } from '../helpers/estate.ts';
import { readCertificateFiles } from '../../src/sources/files.ts';
import { loadTopology } from '../../src/topology/load.ts';
import type { Model } from '../../src/model/types.ts';
import { DEFAULT_PARAMS } from '../../src/policy/packs.ts';

describe('the custom-rule type table', () => {
  it('docs/custom-rules.md carries the section generated from it (run `npm run docs`)', () => {
    const doc = readFileSync(path.join(ROOT, 'docs/custom-rules.md'), 'utf8');
    expect(doc).toContain(customRulesReference());
  });

  it('docs/custom-rules.md states the limits the compiler and the rule runner enforce', async () => {
    const { CEL_LIMITS } = await import('../../src/rules/custom/environment.ts');
    const { RULE_BUDGET_MS } = await import('../../src/rules/custom/rule.ts');
    const doc = readFileSync(path.join(ROOT, 'docs/custom-rules.md'), 'utf8');
    const row = (label: string, value: string) => expect(doc, label).toMatch(new RegExp(`\\| ${label}[^|]* \\| ${value}[ |,]`));
    row('expression length', CEL_LIMITS.maxExpressionLength.toLocaleString('en-US'));
    row('AST nodes', String(CEL_LIMITS.maxAstNodes));
    row('nesting depth', String(CEL_LIMITS.maxDepth));
    row('list / map literal entries', String(CEL_LIMITS.maxListElements));
    row('call arguments', String(CEL_LIMITS.maxCallArguments));
    row('wall-clock time of one rule', `${RULE_BUDGET_MS / 1000} s`);
  });

  it('the checker knows every field of every type, for every `on:` kind', () => {
    for (const kind of ON_KINDS) {
      for (const field of Object.keys(CEL_TYPES[OBJECT_TYPES[kind]]!.fields)) {
        expect(environmentFor(kind).check(`has(object.${field})`).valid, `${kind}.${field}`).toBe(true);
      }
      expect(environmentFor(kind).check('object.noSuchField == 1').valid).toBe(false);
    }
  });

  it('the values hold every field the table promises (optional ones aside) on the bundled examples', async () => {
    const missing: string[] = [];
    const seen = new Set<string>();
    const visit = (type: string, value: Map<string, unknown>, where: string, depth = 0) => {
      for (const [field, spec] of Object.entries(CEL_TYPES[type]!.fields)) {
        const v = value.get(field);
        if (v === undefined) {
          if (!spec.optional) missing.push(`${where}.${field}`);
          continue;
        }
        const nested = spec.type.match(/^(?:list<)?(rc\.\w+)>?$/)?.[1];
        if (nested && depth < 2) for (const item of Array.isArray(v) ? v.slice(0, 1) : [v]) visit(nested, item as Map<string, unknown>, `${where}.${field}`, depth + 1);
      }
    };
    for (const example of ['rc-system', 'apim-aks-mtls', 'router-backend-mtls', 'elb-mutual-auth', 'aio-rollover']) {
      const loaded = await loadTopology(`examples/${example}/rc-topology.yaml`, ROOT);
      const m: Model = { topology: loaded.topology!, at: T0, params: DEFAULT_PARAMS, files: await readCertificateFiles(loaded.topology!, ROOT, {}), mode: 'check' };
      for (const kind of ON_KINDS) {
        const objects = objectsOf(m, kind);
        if (objects.length > 0) seen.add(kind);
        for (const o of objects) visit(OBJECT_TYPES[kind], o.value, `${example} ${kind} ${o.target}`);
      }
      visit('rc.Topology', topologyValue(m), `${example} topology`);
      visit('rc.Params', paramsValue(m), `${example} params`);
    }
    expect([...seen].sort()).toEqual([...ON_KINDS].sort());
    expect(missing).toEqual([]);
  });
});

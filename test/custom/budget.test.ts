// The per-rule evaluation budget (ADR 0085): a rule that runs past it stops with one error finding
// that says how many objects it left unevaluated — never a pass, never a hang.
import { describe, expect, it } from 'vitest';
import { compileCustomRule } from '../../src/rules/custom/compile.ts';
import { customRule } from '../../src/rules/custom/rule.ts';
import { parseYamlText } from '../../src/topology/document.ts';
import { loadTopology } from '../../src/topology/load.ts';
import { readCertificateFiles } from '../../src/sources/files.ts';
import { DEFAULT_PARAMS } from '../../src/policy/packs.ts';
import type { Model } from '../../src/model/types.ts';
import { ROOT } from '../helpers/cli.ts';
import { T0 } from '../helpers/estate.ts';

const doc = parseYamlText(
  `customRules:\n  - id: acme/slow\n    title: Slow\n    severity: warning\n    on: broker\n    validations:\n      - expression: "object.port == 443"\n`,
  'pack.yaml',
);
const spec = (doc.data as { customRules: never[] }).customRules[0]!;

async function model(): Promise<Model> {
  const loaded = await loadTopology('examples/rc-system/rc-topology.yaml', ROOT);
  return { topology: loaded.topology!, at: T0, params: DEFAULT_PARAMS, files: await readCertificateFiles(loaded.topology!, ROOT, {}), mode: 'check' };
}

describe('the evaluation budget of a custom rule', () => {
  it('within it, every object is evaluated', async () => {
    const rule = customRule(compileCustomRule(spec, 0, doc, new Set()));
    expect([...rule.check(await model())]).toEqual([]);
  });

  it('past it, one error finding at the rule in the pack, naming what was left', async () => {
    const rule = customRule(compileCustomRule(spec, 0, doc, new Set()), -1);
    const violations = [...rule.check(await model())];
    expect(violations).toEqual([
      { target: 'acme/slow', messageId: 'budget', data: { seconds: -0.001, left: 3 }, location: { file: 'pack.yaml', line: 2, column: 5 }, severity: 'error' },
    ]);
    expect(rule.meta.messages.budget).toMatch(/evaluation budget: \{\{left\}\} objects not evaluated/);
  });
});

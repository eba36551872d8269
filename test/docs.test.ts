import { readFileSync } from 'node:fs';
import path from 'node:path';
import { expect, it } from 'vitest';
import { ruleDocFiles } from '../scripts/rule-docs.ts';

it('docs/rules is generated from the current rule metadata (run `npm run docs`)', () => {
  for (const [rel, text] of ruleDocFiles()) {
    expect(readFileSync(path.join(import.meta.dirname, '../docs/rules', rel), 'utf8'), rel).toBe(text);
  }
});

import { readFileSync } from 'node:fs';
import path from 'node:path';
import { expect, it } from 'vitest';
import { validatorsSource } from '../../scripts/gen-validators.ts';

it('the precompiled validators match schema/*.json (run `npm run validators`)', () => {
  const committed = readFileSync(path.join(import.meta.dirname, '../../src/topology/validators.generated.js'), 'utf8');
  expect(committed === validatorsSource()).toBe(true);
});

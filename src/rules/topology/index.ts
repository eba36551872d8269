import type { AnyRule } from '../rule.ts';
import { rule as schema } from './schema.ts';
import { rule as reference } from './reference.ts';
import { rule as duplicateId } from './duplicate-id.ts';
import { rule as duplicateFqdn } from './duplicate-fqdn.ts';

export const rules: readonly AnyRule[] = [schema, reference, duplicateId, duplicateFqdn];

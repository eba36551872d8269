import type { Rule } from '../rule.ts';
import { rule as expiredWaiver } from './expired-waiver.ts';
import { rule as unusedWaiver } from './unused-waiver.ts';

export const rules: readonly Rule[] = [expiredWaiver, unusedWaiver];

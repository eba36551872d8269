import type { Rule } from '../rule.ts';
import { rule as clientAuthEku } from './client-auth-eku.ts';

export const rules: readonly Rule[] = [clientAuthEku];

import type { Rule } from '../rule.ts';
import { rule as plaintextUpstream } from './plaintext-upstream.ts';
import { rule as unverifiedUpstream } from './unverified-upstream.ts';
import { rule as clientAuthWithoutCa } from './client-auth-without-ca.ts';

export const rules: readonly Rule[] = [plaintextUpstream, unverifiedUpstream, clientAuthWithoutCa];

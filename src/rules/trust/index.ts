import type { Rule } from '../rule.ts';
import { rule as untrustedServer } from './untrusted-server.ts';
import { rule as untrustedClient } from './untrusted-client.ts';
import { rule as bundleMismatch } from './bundle-mismatch.ts';
import { rule as notACa } from './not-a-ca.ts';
import { rule as issuerMismatch } from './issuer-mismatch.ts';
import { rule as validityNesting } from './validity-nesting.ts';

export const rules: readonly Rule[] = [untrustedServer, untrustedClient, bundleMismatch, notACa, issuerMismatch, validityNesting];

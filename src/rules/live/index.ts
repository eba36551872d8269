import type { Rule } from '../rule.ts';
import { rule as unreachable } from './unreachable.ts';
import { rule as certificateDrift } from './certificate-drift.ts';
import { rule as lbTerminatesTls } from './lb-terminates-tls.ts';
import { rule as clientAuthNotEnforced } from './client-auth-not-enforced.ts';
import { rule as keyVaultDrift } from './key-vault-drift.ts';
import { rule as keyVaultMissing } from './key-vault-missing.ts';
import { rule as clientCertRejected } from './client-cert-rejected.ts';

/** The live family: `rc-policy audit` only (meta.live). */
export const rules: readonly Rule[] = [unreachable, certificateDrift, lbTerminatesTls, clientAuthNotEnforced, clientCertRejected, keyVaultDrift, keyVaultMissing];

import type { Rule } from '../rule.ts';
import { rule as nameMismatch } from './name-mismatch.ts';
import { rule as cnMismatch } from './cn-mismatch.ts';
import { rule as sharedCertificate } from './shared-certificate.ts';
import { rule as sharedKey } from './shared-key.ts';
import { rule as wildcard } from './wildcard.ts';
import { rule as extraNames } from './extra-names.ts';
import { rule as serverAuthEku } from './server-auth-eku.ts';
import { rule as incompleteChain } from './incomplete-chain.ts';
import { rule as issuerMismatch } from './issuer-mismatch.ts';
import { rule as keyVaultRegion } from './key-vault-region.ts';
import { rule as noCertificate } from './no-certificate.ts';

export const rules: readonly Rule[] = [nameMismatch, cnMismatch, sharedCertificate, sharedKey, wildcard, extraNames, serverAuthEku, incompleteChain, issuerMismatch, keyVaultRegion, noCertificate];

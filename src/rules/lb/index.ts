import type { Rule } from '../rule.ts';
import { rule as noTlsTermination } from './no-tls-termination.ts';
import { rule as backendKind } from './backend-kind.ts';
import { rule as portMismatch } from './port-mismatch.ts';
import { rule as orphanBroker } from './orphan-broker.ts';

export const rules: readonly Rule[] = [noTlsTermination, backendKind, portMismatch, orphanBroker];

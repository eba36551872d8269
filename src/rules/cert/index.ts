import type { Rule } from '../rule.ts';
import { rule as unreadable } from './unreadable.ts';
import { rule as privateKeyMaterial } from './private-key-material.ts';
import { rule as expired } from './expired.ts';
import { rule as expiring } from './expiring.ts';
import { rule as weakKey } from './weak-key.ts';
import { rule as weakSignature } from './weak-signature.ts';
import { rule as maxValidity } from './max-validity.ts';
import { rule as liveOnly } from './live-only.ts';

export const rules: readonly Rule[] = [unreadable, privateKeyMaterial, expired, expiring, weakKey, weakSignature, maxValidity, liveOnly];

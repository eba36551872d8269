// The rule registry. The engine knows nothing about any specific rule; adding a family is one line here.
import type { Rule } from './rule.ts';
import { rules as topology } from './topology/index.ts';
import { rules as lb } from './lb/index.ts';
import { rules as cert } from './cert/index.ts';
import { rules as broker } from './broker/index.ts';
import { rules as client } from './client/index.ts';
import { rules as gateway } from './gateway/index.ts';
import { rules as trust } from './trust/index.ts';
import { rules as rollover } from './rollover/index.ts';
import { rules as policy } from './policy/index.ts';
import { rules as live } from './live/index.ts';

export const ALL_RULES: readonly Rule[] = [...topology, ...lb, ...cert, ...broker, ...client, ...gateway, ...trust, ...rollover, ...policy, ...live];

export const RULES_BY_ID: ReadonlyMap<string, Rule> = new Map(ALL_RULES.map((r) => [r.meta.id, r]));

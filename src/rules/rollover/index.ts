import type { Rule } from '../rule.ts';
import { rule as dualRoots } from './dual-roots.ts';
import { rule as oldRootInUse } from './old-root-in-use.ts';
import { rule as rootExpiring } from './root-expiring.ts';
import { rule as progress } from './progress.ts';

export const rules: readonly Rule[] = [dualRoots, oldRootInUse, rootExpiring, progress];

import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

/** The installed package's folder (holds policies/, schema/, docs/), whether run from src/, lib/ or dist/. */
export const packageRoot: string = (() => {
  let dir = path.dirname(fileURLToPath(import.meta.url));
  for (let i = 0; i < 5; i++) {
    if (existsSync(path.join(dir, 'policies', 'rc-default.yaml'))) return dir;
    dir = path.dirname(dir);
  }
  throw new Error('rc-policy: cannot find the package folder (policies/rc-default.yaml)');
})();

export const VERSION: string = (JSON.parse(readFileSync(path.join(packageRoot, 'package.json'), 'utf8')) as { version: string }).version;

export const REPOSITORY_URL = 'https://github.com/rc-policy/rc-policy';

/** Where a rule's documentation lives (the help URI of findings, SARIF and `explain`). */
export const ruleHelpUri = (id: string): string => `${REPOSITORY_URL}/blob/main/docs/rules/${id}.md`;

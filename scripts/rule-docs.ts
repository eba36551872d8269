// Writes docs/rules/<family>/<name>.md (the help URI of every finding) and docs/rules/README.md from
// the rules' metadata, so the docs cannot drift from the code. `npm run docs`; a test checks they are current.
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { ALL_RULES } from '../src/rules/index.ts';
import type { Rule } from '../src/rules/rule.ts';
import { withReference } from '../src/rules/custom/reference.ts';

export function ruleDoc(rule: Rule): string {
  const m = rule.meta;
  const messages = Object.values(m.messages).map((t) => `- ${t.replace(/\{\{\s*(\w+)\s*\}\}/g, '<$1>')}`);
  return `# ${m.id}

**${m.title}**

| | |
|---|---|
| Default severity | ${m.severity} |
| Source | ${m.source} |
| Runs in | ${m.live ? '`rc-policy audit` only' : '`rc-policy check` and `rc-policy audit`'} |

## Why

${m.rationale}

## What to do

${m.remedy}

## Messages

${messages.join('\n')}

Change its severity in a policy pack (\`rules: { ${m.id}: warning }\`), or accept a specific finding
with a waiver (reason and expiry required).
`;
}

export function rulesIndex(rules: readonly Rule[]): string {
  const rows = rules.map((r) => `| [\`${r.meta.id}\`](${r.meta.id}.md) | ${r.meta.severity} | ${r.meta.title} |`);
  return `# Rules\n\nGenerated from the rules' metadata by \`npm run docs\`. \`rc-policy rules\` prints the same list.\n\n| Rule | Default | What it wants |\n|---|---|---|\n${rows.join('\n')}\n`;
}

export function ruleDocFiles(): Map<string, string> {
  const files = new Map<string, string>([['README.md', rulesIndex(ALL_RULES)]]);
  for (const r of ALL_RULES) files.set(`${r.meta.id}.md`, ruleDoc(r));
  return files;
}

if (import.meta.main) {
  const root = path.resolve(import.meta.dirname, '../docs/rules');
  for (const [rel, text] of ruleDocFiles()) {
    await mkdir(path.dirname(path.join(root, rel)), { recursive: true });
    await writeFile(path.join(root, rel), text);
  }
  console.log(`wrote ${ruleDocFiles().size} files to docs/rules`);
  // The custom-rule reference (variables, types, fields) comes from the checker's own type table.
  const custom = path.resolve(import.meta.dirname, '../docs/custom-rules.md');
  await writeFile(custom, withReference(await readFile(custom, 'utf8')));
  console.log('updated the generated section of docs/custom-rules.md');
}

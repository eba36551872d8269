import { ALL_RULES, RULES_BY_ID } from '../rules/index.ts';
import { InputError } from '../errors.ts';
import { closest } from '../topology/schema.ts';
import { ruleHelpUri } from '../package.ts';
import type { Rule } from '../rules/rule.ts';
import { oneOf, onePositional, parse } from './args.ts';

export const ruleJson = (r: Rule) => ({
  id: r.meta.id,
  severity: r.meta.severity,
  title: r.meta.title,
  rationale: r.meta.rationale,
  source: r.meta.source,
  remedy: r.meta.remedy,
  helpUri: ruleHelpUri(r.meta.id),
  live: r.meta.live ?? false,
});

export async function runRules(argv: string[]): Promise<number> {
  const { values } = parse(argv, { format: { type: 'string', short: 'f' }, help: { type: 'boolean', short: 'h' } }, 'rules');
  if (values.help) {
    process.stdout.write('Usage: rc-policy rules [--format text|json]\n\nLists every rule with its default severity and title.\n');
    return 0;
  }
  const format = oneOf('--format', values.format, ['text', 'json'], 'text');
  if (format === 'json') {
    process.stdout.write(`${JSON.stringify(ALL_RULES.map(ruleJson), null, 2)}\n`);
    return 0;
  }
  const width = Math.max(...ALL_RULES.map((r) => r.meta.id.length));
  const lines = ALL_RULES.map((r) => `${r.meta.id.padEnd(width)}  ${r.meta.severity.padEnd(7)}  ${r.meta.title}${r.meta.live ? ' (audit)' : ''}`);
  process.stdout.write(`${'RULE'.padEnd(width)}  DEFAULT  TITLE\n${lines.join('\n')}\n\n${ALL_RULES.length} rules. rc-policy explain <rule> for the rationale.\n`);
  return 0;
}

export function explainRule(id: string): string {
  const rule = RULES_BY_ID.get(id);
  if (!rule) {
    const guess = closest(id, [...RULES_BY_ID.keys()]);
    throw new InputError(`unknown rule '${id}'${guess ? ` (did you mean '${guess}'?)` : ''}; rc-policy rules lists them`);
  }
  const m = rule.meta;
  return [
    `${m.id} [${m.severity}]${m.live ? ' (rc-policy audit only)' : ''}`,
    m.title,
    '',
    `Why: ${m.rationale}`,
    `Source: ${m.source}`,
    `Remedy: ${m.remedy}`,
    `Docs: ${ruleHelpUri(m.id)}`,
    '',
  ].join('\n');
}

export async function runExplain(argv: string[]): Promise<number> {
  const { values, positionals } = parse(argv, { help: { type: 'boolean', short: 'h' } }, 'explain');
  if (values.help) {
    process.stdout.write('Usage: rc-policy explain <rule-id>\n\nPrints a rule\'s rationale, source and remedy.\n');
    return 0;
  }
  const id = onePositional(positionals, 'explain', 'rule id');
  if (!id) throw new InputError('rc-policy explain needs a rule id (rc-policy rules lists them)');
  process.stdout.write(explainRule(id));
  return 0;
}

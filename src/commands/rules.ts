import { InputError } from '../errors.ts';
import { closest } from '../topology/schema.ts';
import { ruleHelpUri } from '../package.ts';
import type { RuleDescriptor } from '../domain/rule.ts';
import { ruleSetOf, type RuleSet } from '../engine.ts';
import { BUILTIN_RULES } from '../rules/index.ts';
import { selectPack } from '../check.ts';
import { oneOf, onePositional, parse } from './args.ts';

const helpUriOf = (m: RuleDescriptor): string => m.helpUri ?? ruleHelpUri(m.id);

export const ruleJson = (m: RuleDescriptor) => ({
  id: m.id,
  severity: m.severity,
  title: m.title,
  rationale: m.rationale,
  source: m.source,
  remedy: m.remedy,
  helpUri: helpUriOf(m),
  live: m.live ?? false,
});

/** The rules a command describes: the built-ins, plus the custom rules of --policy <pack> when given. */
async function rulesOf(policy: string | undefined): Promise<RuleSet> {
  return policy === undefined ? BUILTIN_RULES : ruleSetOf(await selectPack(undefined, { policy }));
}

export async function runRules(argv: string[]): Promise<number> {
  const { values } = parse(argv, { format: { type: 'string', short: 'f' }, policy: { type: 'string' }, help: { type: 'boolean', short: 'h' } }, 'rules');
  if (values.help) {
    process.stdout.write('Usage: rc-policy rules [--format text|json] [--policy <pack>]\n\nLists every rule with its default severity and title (with --policy, also the pack\'s custom rules).\n');
    return 0;
  }
  const format = oneOf('--format', values.format, ['text', 'json'], 'text');
  const rules = (await rulesOf(values.policy)).descriptors;
  if (format === 'json') {
    process.stdout.write(`${JSON.stringify(rules.map(ruleJson), null, 2)}\n`);
    return 0;
  }
  const width = Math.max(...rules.map((m) => m.id.length));
  const lines = rules.map((m) => `${m.id.padEnd(width)}  ${m.severity.padEnd(7)}  ${m.title}${m.live ? ' (audit)' : ''}`);
  process.stdout.write(`${'RULE'.padEnd(width)}  DEFAULT  TITLE\n${lines.join('\n')}\n\n${rules.length} rules. rc-policy explain <rule> for the rationale.\n`);
  return 0;
}

export function explainRule(id: string, rules: RuleSet = BUILTIN_RULES): string {
  const rule = rules.byId.get(id);
  if (!rule) {
    const guess = closest(id, [...rules.byId.keys()]);
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
    `Docs: ${helpUriOf(m)}`,
    '',
  ].join('\n');
}

export async function runExplain(argv: string[]): Promise<number> {
  const { values, positionals } = parse(argv, { policy: { type: 'string' }, help: { type: 'boolean', short: 'h' } }, 'explain');
  if (values.help) {
    process.stdout.write('Usage: rc-policy explain <rule-id> [--policy <pack>]\n\nPrints a rule\'s rationale, source and remedy (with --policy, also for the pack\'s custom rules).\n');
    return 0;
  }
  const id = onePositional(positionals, 'explain', 'rule id');
  if (!id) throw new InputError('rc-policy explain needs a rule id (rc-policy rules lists them)');
  process.stdout.write(explainRule(id, await rulesOf(values.policy)));
  return 0;
}

import { ALL_RULES, RULES_BY_ID } from '../rules/index.ts';
import { InputError } from '../errors.ts';
import { closest } from '../topology/schema.ts';
import { ruleHelpUri } from '../package.ts';
import type { Rule } from '../rules/rule.ts';
import { oneOf, onePositional, parse } from './args.ts';
import { loadPack } from '../policy/packs.ts';

/** The built-in rules, then the custom rules of `--policy <pack>` when given. */
async function rulesOf(policy: string | undefined): Promise<{ rules: readonly Rule[]; custom: ReadonlySet<string> }> {
  if (!policy) return { rules: ALL_RULES, custom: new Set() };
  const pack = await loadPack(policy, process.cwd(), new Set(RULES_BY_ID.keys()));
  const custom = pack.customRules ?? [];
  return { rules: [...ALL_RULES, ...custom], custom: new Set(custom.map((r) => r.meta.id)) };
}

export const ruleJson = (r: Rule, custom = false) => ({
  id: r.meta.id,
  severity: r.meta.severity,
  title: r.meta.title,
  rationale: r.meta.rationale,
  source: r.meta.source,
  remedy: r.meta.remedy,
  helpUri: r.meta.helpUri ?? ruleHelpUri(r.meta.id),
  live: r.meta.live ?? false,
  ...(custom && { custom: true }),
});

export async function runRules(argv: string[]): Promise<number> {
  const { values } = parse(argv, { format: { type: 'string', short: 'f' }, policy: { type: 'string' }, help: { type: 'boolean', short: 'h' } }, 'rules');
  if (values.help) {
    process.stdout.write(
      'Usage: rc-policy rules [--format text|json] [--policy <pack>]\n\nLists every rule with its default severity and title; with --policy, also the pack\'s custom rules.\n',
    );
    return 0;
  }
  const format = oneOf('--format', values.format, ['text', 'json'], 'text');
  const { rules, custom } = await rulesOf(values.policy);
  if (format === 'json') {
    process.stdout.write(`${JSON.stringify(rules.map((r) => ruleJson(r, custom.has(r.meta.id))), null, 2)}\n`);
    return 0;
  }
  const width = Math.max(...rules.map((r) => r.meta.id.length));
  const tag = (r: Rule) => (r.meta.live ? ' (audit)' : custom.has(r.meta.id) ? ' (custom)' : '');
  const lines = rules.map((r) => `${r.meta.id.padEnd(width)}  ${r.meta.severity.padEnd(7)}  ${r.meta.title}${tag(r)}`);
  const explain = values.policy ? 'rc-policy explain <rule> --policy <pack>' : 'rc-policy explain <rule>';
  process.stdout.write(`${'RULE'.padEnd(width)}  DEFAULT  TITLE\n${lines.join('\n')}\n\n${rules.length} rules. ${explain} for the rationale.\n`);
  return 0;
}

export function explainRule(id: string, customRules: readonly Rule[] = []): string {
  const custom = customRules.find((r) => r.meta.id === id);
  const rule = RULES_BY_ID.get(id) ?? custom;
  if (!rule) {
    const guess = closest(id, [...RULES_BY_ID.keys(), ...customRules.map((r) => r.meta.id)]);
    throw new InputError(`unknown rule '${id}'${guess ? ` (did you mean '${guess}'?)` : ''}; rc-policy rules lists them (a custom rule needs --policy <pack>)`);
  }
  const m = rule.meta;
  if (custom) return [`${m.id} [${m.severity}] (custom rule)`, m.title, '', `Why: ${m.rationale}`, `Source: ${m.source}`, `Remedy: ${m.remedy}`, ''].join('\n');
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
  const { values, positionals } = parse(argv, { policy: { type: 'string' }, help: { type: 'boolean', short: 'h' } }, 'explain');
  if (values.help) {
    process.stdout.write('Usage: rc-policy explain <rule-id> [--policy <pack>]\n\nPrints a rule\'s rationale, source and remedy (a custom rule: give its pack).\n');
    return 0;
  }
  const id = onePositional(positionals, 'explain', 'rule id');
  if (!id) throw new InputError('rc-policy explain needs a rule id (rc-policy rules lists them)');
  const { rules } = await rulesOf(values.policy);
  process.stdout.write(explainRule(id, rules.filter((r) => !RULES_BY_ID.has(r.meta.id))));
  return 0;
}

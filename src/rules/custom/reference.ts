// The variables and types section of docs/custom-rules.md, rendered from the type table the checker
// uses (types.ts). `npm run docs` writes it; a test fails when the doc and the table disagree.
import { CEL_TYPES, OBJECT_TYPES, ON_KINDS, VARIABLES } from './types.ts';

export const BEGIN = '<!-- BEGIN GENERATED from src/rules/custom/types.ts by `npm run docs`; do not edit -->';
export const END = '<!-- END GENERATED -->';

const cell = (s: string): string => s.replace(/\|/g, '\\|');
// Markdown would read list<string> as an HTML tag: escape the brackets, then link the rc.* types.
const typeLink = (t: string): string =>
  t
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/rc\.\w+/g, (name) => `[${name}](#${name.toLowerCase().replace(/\./g, '')})`);

export function customRulesReference(): string {
  const out: string[] = [BEGIN, '', '### Variables', '', '| variable | CEL type | what it holds |', '|---|---|---|'];
  for (const [name, v] of Object.entries(VARIABLES)) out.push(`| \`${name}\` | ${cell(typeLink(v.type))} | ${cell(v.doc)} |`);
  out.push('', '### `object` by `on:`', '', '| `on:` | type of `object` |', '|---|---|');
  for (const kind of ON_KINDS) out.push(`| \`${kind}\` | ${typeLink(OBJECT_TYPES[kind])} |`);
  for (const [name, spec] of Object.entries(CEL_TYPES)) {
    out.push('', `### ${name}`, '', spec.doc, '', '| field | CEL type | |', '|---|---|---|');
    for (const [field, f] of Object.entries(spec.fields)) {
      out.push(`| \`${field}\` | ${cell(typeLink(f.type))} | ${cell(f.doc)}${f.optional ? ' *May be absent: test with `has()`.*' : ''} |`);
    }
  }
  out.push('', END);
  return out.join('\n');
}

/** The doc with its generated section replaced by the current one. */
export function withReference(doc: string): string {
  const start = doc.indexOf(BEGIN);
  const end = doc.indexOf(END);
  if (start < 0 || end < start) throw new Error('docs/custom-rules.md has no generated section markers');
  return doc.slice(0, start) + customRulesReference() + doc.slice(end + END.length);
}

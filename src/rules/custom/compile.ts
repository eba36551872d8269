// Compiles a pack's `customRules` when the pack loads: every expression parsed and type-checked in
// the environment of its `on:` kind, within the bounds of ADR 0085. Any error is an InputError
// (exit 2) naming file:line:column of the expression in the pack.
import { ParseError, type ASTNode, type ParseResult } from '@marcbachmann/cel-js';
import safeRegex from 'safe-regex2';
import { InputError } from '../../errors.ts';
import { printable } from '../../printable.ts';
import type { SourceDocument } from '../../topology/document.ts';
import type { Location } from '../../topology/model.ts';
import type { Severity } from '../rule.ts';
import { CEL_LIMITS, environmentFor } from './environment.ts';
import type { OnKind } from './types.ts';

/** One entry of `customRules`, as the pack schema admits it. */
export interface CustomRuleSpec {
  readonly id: string;
  readonly title: string;
  readonly severity: Severity;
  readonly on: OnKind;
  readonly remedy?: string;
  readonly description?: string;
  readonly matchConditions?: readonly { readonly expression: string }[];
  readonly validations: readonly { readonly expression: string; readonly message?: string; readonly messageExpression?: string }[];
}

export interface CompiledExpression {
  readonly source: string;
  readonly run: ParseResult;
}

export interface CompiledValidation {
  readonly test: CompiledExpression;
  readonly message?: string;
  readonly messageExpression?: CompiledExpression;
}

/** A custom rule ready to run: its spec, the pack file it came from, and its compiled expressions. */
export interface CompiledCustomRule {
  readonly spec: CustomRuleSpec;
  /** The pack file that defines it (display path). */
  readonly pack: string;
  readonly location: Location;
  readonly conditions: readonly CompiledExpression[];
  readonly validations: readonly CompiledValidation[];
}

const COMPREHENSIONS = new Set(['all', 'exists', 'exists_one', 'map', 'filter']);
/** A comprehension inside a comprehension inside a comprehension is n³ over the estate: refused. */
const MAX_COMPREHENSION_NESTING = 2;

function children(node: ASTNode): ASTNode[] {
  const out: ASTNode[] = [];
  const visit = (x: unknown): void => {
    if (Array.isArray(x)) x.forEach(visit);
    else if (x && typeof x === 'object' && 'op' in x) out.push(x as ASTNode);
  };
  visit(node.args);
  return out;
}

/** What the parse limits cannot see: nesting of list macros, and regular expressions that backtrack. */
function boundsProblem(node: ASTNode, nesting = 0): { message: string; at: number } | undefined {
  let depth = nesting;
  if (node.op === 'rcall') {
    const [name, , args] = node.args;
    if (COMPREHENSIONS.has(name)) depth++;
    if (depth > MAX_COMPREHENSION_NESTING) return { message: `list macros nest more than ${MAX_COMPREHENSION_NESTING} deep`, at: node.start };
    if (name === 'matches') {
      const pattern = args[0];
      if (pattern?.op !== 'value' || typeof pattern.args !== 'string') return { message: 'matches() takes a string literal pattern', at: node.start };
      if (!safeRegex(pattern.args)) return { message: `the pattern ${JSON.stringify(pattern.args)} can backtrack exponentially (or is not a valid regular expression)`, at: pattern.start };
    }
  }
  for (const child of children(node)) {
    const problem = boundsProblem(child, depth);
    if (problem) return problem;
  }
  return undefined;
}

/**
 * Where character `offset` of an expression is in the pack: exact when the scalar sits on one line
 * as written (plain or quoted, no escapes); otherwise the scalar's own start.
 */
export function locateInExpression(doc: SourceDocument, start: Location, source: string, offset: number | undefined): Location {
  if (offset === undefined || !doc.text || source.includes('\n')) return start;
  let lineStart = 0;
  for (let line = 1; line < start.line; line++) {
    const next = doc.text.indexOf('\n', lineStart);
    if (next < 0) return start;
    lineStart = next + 1;
  }
  const at = lineStart + start.column - 1;
  const quote = doc.text[at] === '"' || doc.text[at] === "'" ? 1 : 0;
  if (doc.text.slice(at + quote, at + quote + source.length) !== source) return start;
  return { ...start, column: start.column + quote + Math.min(offset, source.length) };
}

interface ExpressionError {
  readonly reason: string;
  /** Character of the expression the error is at (0-based), when known. */
  readonly offset?: number;
}

function compileExpression(source: string, kind: OnKind, want: 'bool' | 'string', fail: (e: ExpressionError) => never): CompiledExpression {
  if (source.length > CEL_LIMITS.maxExpressionLength) fail({ reason: `the expression is ${source.length} characters long (limit ${CEL_LIMITS.maxExpressionLength})` });
  let run: ParseResult;
  try {
    run = environmentFor(kind).parse(source);
  } catch (err) {
    // Anything the parser throws on hostile input is the expression's fault: exit 2, never a crash.
    if (err instanceof ParseError) fail({ reason: `CEL syntax error at character ${(err.range?.start ?? 0) + 1}: ${err.summary ?? err.message}`, offset: err.range?.start });
    fail({ reason: `CEL syntax error: ${err instanceof Error ? err.message.split('\n')[0] : String(err)}` });
  }
  const bounds = boundsProblem(run.ast);
  if (bounds) fail({ reason: `${bounds.message} (character ${bounds.at + 1}; docs/custom-rules.md, "Limits")`, offset: bounds.at });
  let checked: ReturnType<ParseResult['check']>;
  try {
    checked = run.check();
  } catch (err) {
    fail({ reason: `CEL type error: ${err instanceof Error ? err.message.split('\n')[0] : String(err)}` });
  }
  if (!checked.valid) {
    const e = checked.error!;
    fail({ reason: `CEL type error at character ${(e.range?.start ?? 0) + 1}: ${(e.summary ?? e.message).split('\n')[0]}`, offset: e.range?.start });
  }
  if (checked.type !== want) fail({ reason: `the expression must be a ${want}, but it is a ${checked.type}` });
  return { source, run };
}

/**
 * Compiles `customRules[index]` of a schema-checked pack document. `reserved` holds the built-in
 * rule families (`cert`, `broker`, …): a custom rule may not pose as a built-in one.
 */
export function compileCustomRule(spec: CustomRuleSpec, index: number, doc: SourceDocument, reserved: ReadonlySet<string>): CompiledCustomRule {
  const at = (...path: (string | number)[]) => doc.locate(['customRules', index, ...path]);
  const family = spec.id.split('/')[0]!;
  if (reserved.has(family)) {
    throw new InputError(`custom rule '${spec.id}': the namespace '${family}' belongs to rc-policy's built-in rules; use your own, e.g. acme/${spec.id.split('/')[1]}`, at('id'));
  }
  const expr = (source: string, want: 'bool' | 'string', path: (string | number)[]) =>
    compileExpression(source, spec.on, want, ({ reason, offset }) => {
      const where = locateInExpression(doc, at(...path), source, offset);
      throw new InputError(`custom rule '${spec.id}' ${path.join('.').replace(/\.(\d+)/g, '[$1]')}: ${printable(reason, 300)}`, where);
    });
  return {
    spec,
    pack: doc.file,
    location: at(),
    conditions: (spec.matchConditions ?? []).map((c, i) => expr(c.expression, 'bool', ['matchConditions', i, 'expression'])),
    validations: spec.validations.map((v, i) => ({
      test: expr(v.expression, 'bool', ['validations', i, 'expression']),
      ...(v.message !== undefined && { message: v.message }),
      ...(v.messageExpression !== undefined && { messageExpression: expr(v.messageExpression, 'string', ['validations', i, 'messageExpression']) }),
    })),
  };
}

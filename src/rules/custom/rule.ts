// A compiled custom rule as an ordinary Rule: the engine cannot tell it from a built-in one.
// Each object of its `on:` kind that passes every matchCondition gets one finding per false
// validation. An expression that fails to evaluate is a finding too (fail closed), never a pass.
import { EvaluationError } from '@marcbachmann/cel-js';
import type { Model } from '../../model/types.ts';
import { printable } from '../../printable.ts';
import { REPOSITORY_URL } from '../../package.ts';
import type { Rule, Violation } from '../rule.ts';
import type { CompiledCustomRule, CompiledExpression } from './compile.ts';
import { objectsOf, paramsValue, topologyValue } from './values.ts';

/**
 * Wall-clock budget of one custom rule over the whole model (ADR 0085). CEL has no loops and the
 * compiler bounds size and macro nesting, so one evaluation is bounded; this bounds their sum.
 * Past it the rule stops with an error finding naming what it left unevaluated (fail closed).
 */
export const RULE_BUDGET_MS = 10_000;

type Outcome = { ok: true; value: unknown } | { ok: false; reason: string };

function run(expr: CompiledExpression, context: Record<string, unknown>): Outcome {
  try {
    return { ok: true, value: expr.run(context) };
  } catch (err) {
    const reason = err instanceof EvaluationError ? (err.summary ?? err.message) : err instanceof Error ? err.message : String(err);
    return { ok: false, reason: printable(reason.split('\n')[0] ?? '', 200) };
  }
}

/** The variables of one rule's run; `object` changes per object (evaluation is synchronous). */
function contextFor(m: Model): { object: unknown; topology: unknown; params: unknown; now: Date } {
  // topology and params are lazy records: naming them costs nothing until a field is read.
  return { object: undefined, topology: topologyValue(m), params: paramsValue(m), now: m.at };
}

/** How often the budget is looked at: reading the clock per object would cost more than simple rules. */
const BUDGET_STRIDE = 64;

export function customRule(compiled: CompiledCustomRule, budgetMs = RULE_BUDGET_MS): Rule {
  const { spec } = compiled;
  const loc = `${compiled.location.file}:${compiled.location.line}`;
  return {
    meta: {
      id: spec.id,
      severity: spec.severity,
      // Texts from the pack reach every format and the terminal: one printable line each (ADR 0053).
      title: printable(spec.title, 200),
      rationale: printable(spec.description ?? `A custom rule of policy pack ${compiled.pack}.`, 2000),
      source: `policy pack ${loc}`,
      remedy: printable(spec.remedy ?? 'See the policy pack that defines this rule.', 1000),
      // No page of its own under docs/rules/: the page on custom rules explains how it is evaluated.
      helpUri: `${REPOSITORY_URL}/blob/main/docs/custom-rules.md`,
      messages: {
        failed: '{{message}}',
        error: 'could not evaluate {{expression}}: {{reason}}',
        budget: 'ran past its {{seconds}} s evaluation budget: {{left}} objects not evaluated; simplify its expressions',
      },
    },
    applies: (m) => objectsOf(m, spec.on).length > 0,
    *check(m: Model): Iterable<Violation> {
      const started = performance.now();
      const all = objectsOf(m, spec.on);
      const context = contextFor(m);
      for (let i = 0; i < all.length; i++) {
        const o = all[i]!;
        if (i % BUDGET_STRIDE === 0 && performance.now() - started > budgetMs) {
          const data = { seconds: budgetMs / 1000, left: all.length - i };
          yield { target: spec.id, messageId: 'budget', data, location: compiled.location, severity: 'error' };
          return;
        }
        context.object = o.value;
        const violation = (messageId: string, data: Violation['data']): Violation => ({ target: o.target, messageId, data, location: o.location });
        let applies = true;
        for (const c of compiled.conditions) {
          const r = run(c, context);
          if (!r.ok || typeof r.value !== 'boolean') {
            yield violation('error', { expression: c.source, reason: r.ok ? 'the result is not a bool' : r.reason });
            applies = false;
            break;
          }
          if (!r.value) {
            applies = false;
            break;
          }
        }
        if (!applies) continue;
        for (const v of compiled.validations) {
          const r = run(v.test, context);
          if (!r.ok || typeof r.value !== 'boolean') {
            yield violation('error', { expression: v.test.source, reason: r.ok ? 'the result is not a bool' : r.reason });
            continue;
          }
          if (r.value) continue;
          yield violation('failed', { message: messageOf(v, context) });
        }
      }
    },
  };
}

function messageOf(v: CompiledCustomRule['validations'][number], context: Record<string, unknown>): string {
  if (v.messageExpression) {
    const r = run(v.messageExpression, context);
    if (r.ok && typeof r.value === 'string') return r.value;
  }
  return v.message ?? `${v.test.source} is false`;
}

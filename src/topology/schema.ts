import type { ErrorObject, ValidateFunction } from 'ajv';
import topologySchema from '../../schema/topology.schema.json' with { type: 'json' };
import policySchema from '../../schema/policy.schema.json' with { type: 'json' };
import waiversSchema from '../../schema/waivers.schema.json' with { type: 'json' };
import * as validators from './validators.generated.js';
import type { DocPath, SourceDocument } from './document.ts';
import type { Location } from '../domain/location.ts';
import { LIMITS } from '../limits.ts';
import { printable } from '../printable.ts';

export const SCHEMAS = { topology: topologySchema, policy: policySchema, waivers: waiversSchema } as const;
export type SchemaName = keyof typeof SCHEMAS;

/** One schema violation, in words a person reads: "regions[0].brokers[1].port must be an integer". */
export interface SchemaViolation {
  readonly message: string;
  readonly path: DocPath;
  readonly location: Location;
}

// Precompiled from schema/*.json by scripts/gen-validators.ts (compiling at start-up was the
// largest part of a small check's wall time), with every $ref inlined (src/topology/inline-refs.ts).
const VALIDATORS = validators as unknown as Record<SchemaName, ValidateFunction>;

export function validateDocument(doc: SourceDocument, name: SchemaName): SchemaViolation[] {
  const validate = VALIDATORS[name];
  if (validate(doc.data)) return [];
  const seen = new Set<string>();
  const out: SchemaViolation[] = [];
  const errors = validate.errors ?? [];
  let omitted = 0;
  for (const e of errors) {
    // A hostile file can break the schema once per value; describe a bounded number of them.
    if (out.length >= LIMITS.maxSchemaViolations) {
      omitted++;
      continue;
    }
    const v = describe(e, doc);
    if (!v) continue;
    const key = `${v.path.join('/')}|${v.message}`;
    if (seen.has(key)) continue;
    seen.add(key);
    // Messages quote the file (unknown keys, wrong values): one printable line, whoever prints them.
    out.push({ ...v, message: printable(v.message, 1000) });
  }
  out.sort((a, b) => a.location.line - b.location.line || a.location.column - b.location.column);
  if (omitted > 0) {
    const last = out[out.length - 1]!;
    out.push({ message: `${omitted} more schema violations not shown (at most ${LIMITS.maxSchemaViolations} are reported)`, path: last.path, location: last.location });
  }
  return out;
}

const decodePointer = (p: string): (string | number)[] =>
  p === ''
    ? []
    : p
        .slice(1)
        .split('/')
        .map((s) => s.replace(/~1/g, '/').replace(/~0/g, '~'))
        .map((s) => (/^\d+$/.test(s) ? Number(s) : s));

export function formatPath(path: DocPath): string {
  let out = '';
  for (const seg of path) {
    if (typeof seg === 'number') out += `[${seg}]`;
    else out += /^[A-Za-z_$][\w$-]*$/.test(seg) ? (out ? `.${seg}` : seg) : `[${JSON.stringify(seg)}]`;
  }
  return out || '(document)';
}

const article = (type: string): string => (/^[aeiou]/.test(type) ? `an ${type}` : `a ${type}`);
/** A value quoted in a message: short, whatever it is (it comes from the file being checked). */
const show = (v: unknown): string => {
  let text: string;
  try {
    text = typeof v === 'string' ? `'${v}'` : (JSON.stringify(v) ?? String(v));
  } catch {
    text = Array.isArray(v) ? 'a list' : typeof v;
  }
  return text.length > 120 ? `${text.slice(0, 100)}…` : text;
};

function describe(e: ErrorObject, doc: SourceDocument): SchemaViolation | undefined {
  const path = decodePointer(e.instancePath);
  const where = formatPath(path);
  const hint = (e.parentSchema as { 'x-hint'?: string } | undefined)?.['x-hint'];
  const params = e.params as Record<string, unknown>;
  switch (e.keyword) {
    case 'required': {
      const prop = String(params.missingProperty);
      return { message: `${where} is missing the required property '${prop}'`, path, location: doc.locate(path) };
    }
    case 'additionalProperties': {
      const prop = String(params.additionalProperty);
      const known = Object.keys((e.parentSchema as { properties?: object })?.properties ?? {});
      const guess = closest(prop, known);
      const p = [...path, prop];
      return {
        message: `${formatPath(p)} is not a known property${guess ? ` (did you mean '${guess}'?)` : ''}`,
        path: p,
        location: doc.locate(p, true),
      };
    }
    case 'type': {
      const t = String(params.type).split(',').map(article).join(' or ');
      return { message: `${where} must be ${t}`, path, location: doc.locate(path) };
    }
    case 'enum': {
      const allowed = (params.allowedValues as unknown[]).map((v) => String(v)).join(', ');
      return { message: `${where} must be one of ${allowed} (found ${show(e.data)})`, path, location: doc.locate(path) };
    }
    case 'const':
      return { message: `${where} must be ${show(params.allowedValue)} (found ${show(e.data)})`, path, location: doc.locate(path) };
    case 'pattern':
      if (e.propertyName !== undefined) {
        const p = [...path, e.propertyName];
        return { message: `${formatPath(p)} is not a valid name here (found ${show(e.propertyName)})`, path: p, location: doc.locate(p, true) };
      }
      return { message: `${where} must be ${hint ?? `a string matching ${String(params.pattern)}`} (found ${show(e.data)})`, path, location: doc.locate(path) };
    case 'minProperties':
      return { message: `${where} must not be empty${hint ? `: expected ${hint}` : ''}`, path, location: doc.locate(path) };
    case 'minimum':
    case 'maximum':
    case 'exclusiveMinimum':
    case 'exclusiveMaximum':
      return { message: `${where} must be ${String(params.comparison)} ${String(params.limit)} (found ${show(e.data)})`, path, location: doc.locate(path) };
    case 'minLength':
      return Number(params.limit) === 1
        ? { message: `${where} must not be empty`, path, location: doc.locate(path) }
        : { message: `${where} must be ${hint ?? `at least ${String(params.limit)} characters`}`, path, location: doc.locate(path) };
    case 'maxLength':
      return { message: `${where} must be at most ${String(params.limit)} characters`, path, location: doc.locate(path) };
    case 'uniqueItems':
      return { message: `${where} must not repeat items (items ${String(params.j)} and ${String(params.i)} are equal)`, path, location: doc.locate(path) };
    case 'propertyNames':
      return undefined; // reported through the nested 'pattern' error on the name
    default:
      return { message: `${where} ${e.message ?? 'is invalid'}`, path, location: doc.locate(path) };
  }
}

/** The known name closest to a typo (edit distance <= 2), for "did you mean" hints. */
export function closest(word: string, candidates: readonly string[]): string | undefined {
  let best: string | undefined;
  let bestDistance = 3;
  for (const c of candidates) {
    const d = editDistance(word.toLowerCase(), c.toLowerCase());
    if (d < bestDistance) {
      best = c;
      bestDistance = d;
    }
  }
  return best;
}

function editDistance(a: string, b: string): number {
  if (Math.abs(a.length - b.length) > 2) return 3;
  const row = Array.from({ length: b.length + 1 }, (_, i) => i);
  for (let i = 1; i <= a.length; i++) {
    let prev = row[0]!;
    row[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const tmp = row[j]!;
      row[j] = Math.min(row[j]! + 1, row[j - 1]! + 1, prev + (a[i - 1] === b[j - 1] ? 0 : 1));
      prev = tmp;
    }
  }
  return row[b.length]!;
}

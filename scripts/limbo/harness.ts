// Runs x509-limbo test cases through validatePath (test/limbo/README.md maps the fields).
// Shared by the CI test (core scope) and `npm run limbo` (every case, a table by scope).
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { gunzipSync } from 'node:zlib';
import { Certificate, CertificateParseError } from '../../src/pki/cert.ts';
import { validatePath, type PathError } from '../../src/pki/chain.ts';

export const LIMBO_DIR = path.resolve(import.meta.dirname, '../../test/limbo');

export interface LimboCase {
  readonly id: string;
  readonly validation_kind: 'SERVER' | 'CLIENT';
  readonly expected_result: 'SUCCESS' | 'FAILURE';
  readonly trusted_certs: string[];
  readonly untrusted_intermediates: string[];
  readonly peer_certificate: string;
  readonly validation_time: string | null;
  readonly expected_peer_name: { kind: string; value: string } | null;
  readonly max_chain_depth: number | null;
  readonly features?: string[];
}

export interface Outcome {
  readonly id: string;
  readonly scope: string;
  readonly expected: 'SUCCESS' | 'FAILURE';
  readonly accepted: boolean;
  readonly errors: readonly PathError[];
}

export function loadCases(dir = LIMBO_DIR): LimboCase[] {
  const doc = JSON.parse(gunzipSync(readFileSync(path.join(dir, 'limbo-shared.json.gz'))).toString('utf8')) as { testcases: LimboCase[] };
  return doc.testcases;
}

/** rc_scope by case id, from the TSV (core, optional:<feature>, out:<reason>). */
export function loadScopes(dir = LIMBO_DIR): Map<string, string> {
  const out = new Map<string, string>();
  const lines = readFileSync(path.join(dir, 'cases-shared.tsv'), 'utf8').split('\n');
  const header = lines[0]!.split('\t');
  const col = header.indexOf('rc_scope');
  for (const line of lines.slice(1)) {
    const f = line.split('\t');
    if (f[0]) out.set(f[0], f[col]!);
  }
  return out;
}

const der = (pem: string): Uint8Array => new Uint8Array(Buffer.from(pem.replace(/-----[A-Z ]+-----/g, '').replace(/\s+/g, ''), 'base64'));

function parseAll(pems: readonly string[]): Certificate[] {
  const out: Certificate[] = [];
  for (const p of pems) {
    try {
      out.push(new Certificate(der(p)));
    } catch (err) {
      if (!(err instanceof CertificateParseError)) throw err; // an unreadable pool certificate is simply unusable
    }
  }
  return out;
}

export function runCase(c: LimboCase, scope: string, now = new Date()): Outcome {
  const base = { id: c.id, scope, expected: c.expected_result };
  let leaf: Certificate;
  try {
    leaf = new Certificate(der(c.peer_certificate));
  } catch (err) {
    if (!(err instanceof CertificateParseError)) throw err;
    return { ...base, accepted: false, errors: [{ code: 'malformed-certificate', message: err.message }] };
  }
  const name = c.expected_peer_name;
  const r = validatePath(leaf, parseAll(c.untrusted_intermediates), parseAll(c.trusted_certs), {
    at: c.validation_time ? new Date(c.validation_time) : now,
    purpose: c.validation_kind === 'CLIENT' ? 'clientAuth' : 'serverAuth',
    ...(name && { hostname: name.value }),
    ...(c.max_chain_depth !== null && { maxDepth: c.max_chain_depth }),
  });
  return { ...base, accepted: r.ok, errors: r.errors };
}

export const isFalseAccept = (o: Outcome): boolean => o.accepted && o.expected === 'FAILURE';
export const isFalseReject = (o: Outcome): boolean => !o.accepted && o.expected === 'SUCCESS';

// The JSON report is rendered, redacted and written a batch of lines at a time (ADR 0118). Its bytes
// must be exactly those of the report rendered whole and redacted whole, as before: the same
// secrets removed the same way, wherever a batch happens to end. The reference below is the
// renderer as it was before streaming, kept here as the oracle.
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import fc from 'fast-check';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { REDACTED, redact, redactLines } from '../../src/redact.ts';
import { jsonLines, renderJson } from '../../src/report/json.ts';
import type { Finding, Report } from '../../src/report/types.ts';
import { writeOutputs } from '../../src/shell/outputs.ts';
import { ctxFor, fixtureReport } from '../report/fixture.ts';

function wholeJson({ descriptors: _, ...report }: Report): string {
  const layout = (value: unknown, indent: string, depth: number): string => {
    if (Array.isArray(value)) {
      if (value.length === 0) return '[]';
      const inner = `${indent}  `;
      return `[\n${value.map((v) => inner + (JSON.stringify(v) ?? 'null')).join(',\n')}\n${indent}]`;
    }
    if (value === null || typeof value !== 'object' || depth > 1 || 'toJSON' in value) return JSON.stringify(value);
    const inner = `${indent}  `;
    const entries: string[] = [];
    for (const [key, v] of Object.entries(value)) {
      if (v === undefined || typeof v === 'function' || typeof v === 'symbol') continue;
      entries.push(`${inner}${JSON.stringify(key)}: ${layout(v, inner, depth + 1)}`);
    }
    return entries.length === 0 ? '{}' : `{\n${entries.join(',\n')}\n${indent}}`;
  };
  return `${layout(report, '', 0)}\n`;
}

const ENV_SECRET = 'hunter2-env-client-secret';
const PEM_BODY = 'MIIEvQIBADANBgkqhkiG9w0BAQEFAASCBKcwggSjAgEAAoIBAQC7';
const PEM_BODY_ESCAPED = 'MIIBOgIBAAJBAKj34GkxFhD90vcNLYLInFEX6Ppy1tPf9Cnzj4p4';
const PEM_BODY_RAW = 'MIIBVAIBADANBgkqhkiG9w0BAQEFAASCAT4wggE6AgEAAkEA0Z3V';
const PEM_HEADER_LINE = '-----BEGIN RSA PRIVATE KEY----- Proc-Type: 4,ENCRYPTED';
/** Secrets the redactor removes, in the shapes an error message can quote them. */
const SECRETS_IN_TEXT = [
  `-----BEGIN PRIVATE KEY-----\n${PEM_BODY_RAW}\n${PEM_BODY_RAW}\n-----END PRIVATE KEY-----\n`,
  `-----BEGIN PRIVATE KEY----- ${PEM_BODY} -----END PRIVATE KEY-----`,
  PEM_HEADER_LINE,
  `-----BEGIN EC PRIVATE KEY-----\\x0a${PEM_BODY_ESCAPED}\\x0a-----END EC PRIVATE KEY-----`,
  `-----BEGIN ENCRYPTED PRIVATE KEY----- ${PEM_BODY}`,
  'Authorization: Bearer abcdefgh.ijklmnop-qrstuv',
  'basic dXNlcjpwYXNzd29yZA==',
  'eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxIn0.c2lnbmF0dXJl',
  'ghp_0123456789abcdefghijABCDEFGHIJ',
  'https://vault.example/?sig=abc%2Fdef&se=2026',
  'Server=x;AccountKey=c2VjcmV0a2V5;Password=p4ss',
  `the client secret is ${ENV_SECRET}!`,
];

const finding = (message: string, i: number): Finding => ({
  rule: 'cert/expiring',
  severity: 'warning',
  target: `broker-${i}`,
  message,
  location: { file: 'rc-topology.yaml', line: i + 1, column: 3 },
  waived: false,
});

/** A report with secrets in list elements, in section values, and a PEM header line before a list of numbers. */
function reportWithSecrets(): Report {
  const base = fixtureReport();
  const findings = [...base.findings, ...SECRETS_IN_TEXT.map(finding)];
  return {
    ...base,
    topology: PEM_HEADER_LINE,
    findings,
    // A PEM header line ends a line, and the next lines start with a letter or digit: redacted whole,
    // the key pattern runs on into them, so no batch may end there.
    estate: { lines: [PEM_HEADER_LINE, 42, true, null, 'eyJhbGciOiJub25lIn0abc'] } as unknown as Report['estate'],
  } as Report;
}

const streamed = (report: Report, secrets: readonly string[], batchChars?: number) => [...redactLines(jsonLines(report), secrets, batchChars)].join('');
const expected = (report: Report, secrets: readonly string[]) => redact(wholeJson(report), secrets);

describe('the JSON report, written as it is rendered', () => {
  it('renders the same text as the whole-text renderer', () => {
    for (const report of [fixtureReport(), reportWithSecrets()]) expect(renderJson(report)).toBe(wholeJson(report));
  });

  it('redacts batch by batch to exactly the bytes of the whole text redacted, whatever the batch size', () => {
    const report = reportWithSecrets();
    const secrets = [ENV_SECRET];
    const want = expected(report, secrets);
    expect(want).toContain(REDACTED);
    for (const secret of [ENV_SECRET, PEM_BODY, PEM_BODY_ESCAPED, PEM_BODY_RAW, 'abcdefgh.ijklmnop', 'dXNlcjpwYXNzd29yZA', 'c2lnbmF0dXJl', 'ghp_0123456789', 'c2VjcmV0a2V5', 'p4ss']) {
      expect(want).not.toContain(secret);
    }
    for (const batchChars of [0, 1, 40, 200, undefined]) expect(streamed(report, secrets, batchChars)).toBe(want);
    // The numbers after the PEM header line: the whole-text redactor takes them into the key block.
    expect(want).not.toMatch(/^ {6}42,$/m);
  });

  it('scans the text whole when a secret value holds a line break', () => {
    const report = { ...fixtureReport(), findings: [finding('a', 0), finding('b', 1)] } as Report;
    const secret = `"message":"a",\n`; // absurd, but a match across lines must still be removed
    const lines = wholeJson(report).split('\n');
    const crossing = `${lines.find((l) => l.includes('"message":"a"'))!.slice(-12)}\n${lines.find((l) => l.includes('"message":"b"'))!.slice(0, 10)}`;
    for (const secrets of [[secret], [crossing]]) expect(streamed(report, secrets, 0)).toBe(expected(report, secrets));
    expect(streamed(report, [crossing], 0)).toContain(REDACTED);
  });

  it('redacts any report built from secret-shaped pieces exactly as the whole text', () => {
    const piece = fc.oneof(fc.constantFrom(...SECRETS_IN_TEXT, `-----BEGIN PRIVATE KEY-----\n${PEM_BODY}\n`, ' ', '\n', '\\x0a', 'Proc-Type: x', 'abc=', '-----END PRIVATE KEY-----'), fc.string({ maxLength: 6 }));
    const text = fc.array(piece, { maxLength: 5 }).map((p) => p.join(''));
    const leaf = fc.oneof(text, fc.integer(), fc.boolean(), fc.constant(null));
    const element = fc.oneof(leaf, fc.dictionary(text, leaf, { maxKeys: 3 }), fc.array(leaf, { maxLength: 3 }));
    const section = fc.oneof(leaf, fc.array(element, { maxLength: 6 }), fc.dictionary(text, fc.oneof(leaf, fc.array(element, { maxLength: 4 })), { maxKeys: 3 }));
    fc.assert(
      fc.property(fc.dictionary(text, section, { maxKeys: 6 }), fc.nat(300), (value, batchChars) => {
        const report = value as unknown as Report;
        expect(streamed(report, [ENV_SECRET], batchChars)).toBe(expected(report, [ENV_SECRET]));
      }),
      { numRuns: 400, seed: 118 },
    );
  });
});

describe('writeOutputs with --format json', () => {
  afterEach(() => vi.restoreAllMocks());

  it('writes to a file and to stdout the bytes of the whole text redacted', async () => {
    const report = reportWithSecrets();
    const secrets = [ENV_SECRET];
    const file = path.join(mkdtempSync(path.join(tmpdir(), 'rc-json-')), 'out', 'report.json');
    const written: string[] = [];
    vi.spyOn(process.stdout, 'write').mockImplementation((chunk: string | Uint8Array) => {
      written.push(String(chunk));
      return true;
    });
    await writeOutputs(report, [{ format: 'json', file }, { format: 'json' }], ctxFor(), secrets);
    vi.restoreAllMocks();
    expect(readFileSync(file, 'utf8')).toBe(expected(report, secrets));
    expect(written.join('')).toBe(expected(report, secrets));
  });
});

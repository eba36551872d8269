// SARIF: valid against the official 2.1.0 schema (draft-04, shipped in @microsoft/jest-sarif) and
// shaped the way GitHub code scanning reads it.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import AjvDraft04 from 'ajv-draft-04';
import { describe, expect, it } from 'vitest';
import { FINGERPRINT_KEY, fingerprint, renderSarif } from '../../src/report/sarif.ts';
import { ALL_RULES } from '../../src/rules/index.ts';
import { ROOT } from '../helpers/cli.ts';
import { baseline, broker, evaluate } from '../helpers/estate.ts';
import { ctxFor, fixtureReport } from './fixture.ts';

const schema = JSON.parse(readFileSync(path.join(ROOT, 'node_modules/@microsoft/jest-sarif/lib/schemas/sarif-2.1.0-rtm.5.json'), 'utf8'));
// A CommonJS module: its default export is the module object, whose .default is the class.
const ajv = new AjvDraft04.default({ allErrors: true, strict: false, unicodeRegExp: false });
ajv.addFormat('uri', (s: string) => URL.canParse(s));
ajv.addFormat('uri-reference', (s: string) => URL.canParse(s, 'file:///repo/') && !/\s/.test(s));
ajv.addFormat('date-time', (s: string) => !Number.isNaN(Date.parse(s)) && /^\d{4}-\d{2}-\d{2}T/.test(s));
const validate = ajv.compile(schema);

function valid(sarif: unknown): void {
  const ok = validate(sarif);
  expect(ok, JSON.stringify(validate.errors?.slice(0, 5), null, 2)).toBe(true);
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Json = any;

describe('SARIF', () => {
  it('validates against the official schema: hand-made report with waivers and a baseline', () => {
    valid(JSON.parse(renderSarif(fixtureReport(), ctxFor())));
  });

  it('the validator does reject broken SARIF (the test can fail)', () => {
    const sarif = JSON.parse(renderSarif(fixtureReport(), ctxFor()));
    sarif.runs[0].results[0].level = 'fatal';
    expect(validate(sarif)).toBe(false);
    delete sarif.version;
    expect(validate(sarif)).toBe(false);
  });

  it('validates for a real run with findings, and places each result at the topology line of its object', async () => {
    const e = await baseline();
    broker(e, 'broker-us-2').fqdn = 'broker-us-9.company.com';
    const report = await evaluate(e);
    const sarif = JSON.parse(renderSarif(report, ctxFor()));
    valid(sarif);
    const r = sarif.runs[0].results.find((x: Json) => x.ruleId === 'broker/name-mismatch');
    const f = report.findings.find((x) => x.rule === 'broker/name-mismatch')!;
    expect(r.locations[0].physicalLocation.region).toEqual({ startLine: f.location.line, startColumn: f.location.column });
    expect(r.locations[0].physicalLocation.artifactLocation.uri).toBe('rc-topology.yaml');
    expect(r.locations[0].logicalLocations[0].name).toBe('broker-us-2');
    expect(r.level).toBe('error');
  });

  it('describes every rule for GitHub: id, descriptions, help, helpUri, security-severity', () => {
    const driver = JSON.parse(renderSarif(fixtureReport(), ctxFor())).runs[0].tool.driver;
    expect(driver.name).toBe('rc-policy');
    expect(driver.rules).toHaveLength(ALL_RULES.length);
    for (const rule of driver.rules) {
      expect(rule.id).toMatch(/^[a-z]+\/[a-z0-9-]+$/);
      expect(rule.shortDescription.text.length).toBeGreaterThan(10);
      expect(rule.fullDescription.text.length).toBeGreaterThan(10);
      expect(rule.help.text).toContain('Remedy:');
      expect(rule.help.markdown).toContain('**Remedy.**');
      expect(rule.helpUri).toBe(`https://github.com/rc-policy/rc-policy/blob/main/docs/rules/${rule.id}.md`);
      const sev = Number(rule.properties['security-severity']);
      expect(sev).toBeGreaterThan(0);
      expect(sev).toBeLessThanOrEqual(10);
    }
    const byId = new Map(driver.rules.map((r: Json) => [r.id, r]));
    expect((byId.get('broker/name-mismatch') as Json).properties['security-severity']).toBe('8.0');
    expect((byId.get('policy/unused-waiver') as Json).defaultConfiguration.level).toBe('note');
  });

  it('results point at their rule by index and carry a stable rule+target fingerprint', () => {
    const run = JSON.parse(renderSarif(fixtureReport(), ctxFor())).runs[0];
    const known = new Set(ALL_RULES.map((x) => x.meta.id));
    for (const r of run.results) {
      // A rule this build does not know (e.g. a report from a newer version) gets no index, never a wrong one.
      if (known.has(r.ruleId)) expect(run.tool.driver.rules[r.ruleIndex].id).toBe(r.ruleId);
      else expect(r.ruleIndex).toBeUndefined();
    }
    const r = run.results.find((x: Json) => x.ruleId === 'broker/name-mismatch');
    expect(r.partialFingerprints[FINGERPRINT_KEY]).toBe(fingerprint({ rule: 'broker/name-mismatch', target: 'broker-us-2' }));
    // The fingerprint follows the object, not the line or the message: moving it keeps the alert.
    const moved = fixtureReport();
    const shifted = { ...moved, findings: moved.findings.map((f) => ({ ...f, location: { ...f.location, line: f.location.line + 40 }, message: `${f.message}!` })) };
    const r2 = JSON.parse(renderSarif(shifted, ctxFor())).runs[0].results.find((x: Json) => x.ruleId === 'broker/name-mismatch');
    expect(r2.partialFingerprints).toEqual(r.partialFingerprints);
    expect(fingerprint({ rule: 'broker/name-mismatch', target: 'broker-us-1' })).not.toBe(r.partialFingerprints[FINGERPRINT_KEY]);
  });

  it('gives two findings with the same rule and target distinct fingerprints', () => {
    const base = fixtureReport();
    const twice = { ...base, findings: [base.findings[1]!, { ...base.findings[1]!, message: 'another' }] };
    const [a, b] = JSON.parse(renderSarif(twice, ctxFor())).runs[0].results;
    expect(a.partialFingerprints[FINGERPRINT_KEY]).not.toBe(b.partialFingerprints[FINGERPRINT_KEY]);
  });

  it('marks waived findings as suppressed and baseline findings as unchanged', () => {
    const run = JSON.parse(renderSarif(fixtureReport(), ctxFor())).runs[0];
    const waived = run.results.find((x: Json) => x.ruleId === 'broker/wildcard');
    expect(waived.suppressions).toEqual([
      { kind: 'external', status: 'accepted', justification: 'legacy wildcard until the 2027 rotation (waived until 2027-01-31; owner platform-team, ticket CHG-1234)' },
    ]);
    expect(run.results.find((x: Json) => x.ruleId === 'cert/expiring').baselineState).toBe('unchanged');
    expect(run.results.find((x: Json) => x.ruleId === 'broker/name-mismatch').baselineState).toBe('new');
    expect(run.results.find((x: Json) => x.ruleId === 'broker/name-mismatch').suppressions).toBeUndefined();
  });

  it('names a category per mode and topology (automationDetails.id)', () => {
    const run = JSON.parse(renderSarif(fixtureReport(), ctxFor())).runs[0];
    expect(run.automationDetails.id).toBe('rc-policy/check/estate/rc-topology.yaml/');
  });

  it('encodes paths as URIs: spaces escaped, absolute paths as file URIs', () => {
    const base = fixtureReport();
    const odd = { ...base, findings: [{ ...base.findings[0]!, location: { file: 'my estate/rc topology.yaml', line: 3, column: 1 } }, { ...base.findings[1]!, location: { file: '/abs/x y.yaml', line: 1, column: 1 } }] };
    const sarif = JSON.parse(renderSarif(odd, ctxFor()));
    valid(sarif);
    const uris = sarif.runs[0].results.map((r: Json) => r.locations[0].physicalLocation.artifactLocation.uri);
    expect(uris).toEqual(['my%20estate/rc%20topology.yaml', 'file:///abs/x%20y.yaml']);
  });
});

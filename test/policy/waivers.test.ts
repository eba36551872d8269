// Waivers (SPEC §2) end to end through check(): what they waive, when they stop, what is stale,
// and that a broken waiver file is exit 2 with file:line.
import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { stringify } from 'yaml';
import { check } from '../../src/check.ts';
import { fails } from '../../src/report/summary.ts';
import type { Report } from '../../src/report/types.ts';
import { runCli } from '../helpers/cli.ts';
import { T0, baseline, broker, findings, writeEstate, type Estate } from '../helpers/estate.ts';

/** The baseline estate with a wildcard SAN on broker-us-1 (broker/wildcard, a warning) and a name mismatch on broker-us-2 (an error). */
async function brokenEstate(): Promise<Estate> {
  const e = await baseline();
  e.files['certs/broker-us-1.pem'] = (await e.pki.server('broker-us-1.company.com', { dns: ['broker-us-1.company.com', '*.company.com'] })).pem + e.pki.serverCa.pem;
  broker(e, 'broker-us-2').fqdn = 'broker-us-9.company.com';
  return e;
}

const waiver = (rule: string, target: string, expires = '2027-01-31', extra: object = {}) => ({ rule, target, reason: 'accepted until the 2027 rotation', expires, ...extra });

async function run(e: Estate, waivers: object[] | string, o: { at?: Date; viaTopology?: boolean } = {}): Promise<Report> {
  const text = typeof waivers === 'string' ? waivers : stringify({ apiVersion: 'rc-policy/v1', kind: 'Waivers', waivers });
  if (o.viaTopology) e.topology.policy = { waivers: 'rc-policy.waivers.yaml' };
  const file = await writeEstate(e);
  const dir = path.dirname(file);
  await writeFile(path.join(dir, 'rc-policy.waivers.yaml'), text);
  return check({ topology: file, cwd: dir, at: o.at ?? T0, ...(!o.viaTopology && { waivers: 'rc-policy.waivers.yaml' }) });
}

describe('waivers', () => {
  it('a valid waiver marks the finding waived, keeps it in the report, and it no longer fails the run', async () => {
    // The three handshakes to the renamed broker wait on its broker/name-mismatch (ADR 0120): one finding to waive.
    const report = await run(await brokenEstate(), [waiver('broker/name-mismatch', 'broker-us-2', '2027-01-31', { owner: 'platform-team', ticket: 'CHG-1234' })]);
    const [f] = findings(report, 'broker/name-mismatch');
    expect(f).toMatchObject({ target: 'broker-us-2', waived: true, waiver: { reason: 'accepted until the 2027 rotation', expires: '2027-01-31', owner: 'platform-team', ticket: 'CHG-1234' } });
    expect(report.notEvaluated?.filter((d) => d.rule === 'trust/untrusted-server')).toHaveLength(3);
    expect(report.summary.waived).toBe(1);
    expect(report.summary.error).toBe(0);
    expect(fails(report.findings, 'error')).toBe(false);
    expect(fails(report.findings, 'warning')).toBe(true); // the wildcard is still there
    expect(report.waivers).toEqual([expect.objectContaining({ status: 'active', matched: 1 })]);
  });

  it('is found through policy.waivers, relative to the topology', async () => {
    const report = await run(await brokenEstate(), [waiver('broker/wildcard', 'broker-us-1')], { viaTopology: true });
    expect(findings(report, 'broker/wildcard')[0]!.waived).toBe(true);
  });

  it('target "*" waives the rule for every target', async () => {
    const e = await brokenEstate();
    broker(e, 'broker-in-3').fqdn = 'broker-in-9.company.com';
    const report = await run(e, [waiver('broker/name-mismatch', '*')]);
    const list = findings(report, 'broker/name-mismatch');
    expect(list.map((f) => f.target).sort()).toEqual(['broker-in-3', 'broker-us-2']);
    expect(list.every((f) => f.waived)).toBe(true);
    expect(report.waivers![0]!.matched).toBe(2);
  });

  it('an expired waiver stops waiving and raises policy/expired-waiver (error) at its line', async () => {
    const report = await run(await brokenEstate(), [waiver('broker/name-mismatch', 'broker-us-2', '2026-11-30', { owner: 'platform-team' })]);
    expect(findings(report, 'broker/name-mismatch')[0]!.waived).toBe(false);
    const [expired] = findings(report, 'policy/expired-waiver');
    expect(expired).toMatchObject({
      severity: 'error',
      target: 'broker/name-mismatch@broker-us-2',
      message: 'the waiver of broker/name-mismatch for broker-us-2 expired on 2026-11-30 (accepted until the 2027 rotation); owner platform-team',
      location: { file: 'rc-policy.waivers.yaml', line: 4, column: 5 },
    });
    expect(report.waivers![0]!.status).toBe('expired');
  });

  it('holds through its expiry day and stops at midnight UTC after it', async () => {
    const w = [waiver('broker/name-mismatch', 'broker-us-2', '2026-11-30')];
    const lastDay = await run(await brokenEstate(), w, { at: new Date('2026-11-30T23:59:59Z') });
    expect(findings(lastDay, 'broker/name-mismatch')[0]!.waived).toBe(true);
    expect(findings(lastDay, 'policy/expired-waiver')).toEqual([]);
    const after = await run(await brokenEstate(), w, { at: new Date('2026-12-01T00:00:00Z') });
    expect(findings(after, 'policy/expired-waiver')).toHaveLength(1);
  });

  it('a waiver that matches nothing raises policy/unused-waiver (info), which does not fail the run', async () => {
    const report = await run(await baseline(), [waiver('broker/wildcard', 'broker-in-3')]);
    const [unused] = findings(report, 'policy/unused-waiver');
    expect(unused).toMatchObject({ severity: 'info', target: 'broker/wildcard@broker-in-3', message: 'the waiver of broker/wildcard for broker-in-3 matched no finding' });
    expect(fails(report.findings, 'error')).toBe(false);
    expect(report.rules?.find((r) => r.id === 'policy/unused-waiver')?.status).toBe('ran');
  });

  it('without a waivers file the policy rules do not apply', async () => {
    const file = await writeEstate(await baseline());
    const report = await check({ topology: file, cwd: path.dirname(file), at: T0 });
    expect(report.waivers).toBeUndefined();
    expect(report.rules?.find((r) => r.id === 'policy/expired-waiver')?.status).toBe('not-applicable');
  });

  it.each([
    ['a missing reason', 'apiVersion: rc-policy/v1\nkind: Waivers\nwaivers:\n  - rule: broker/wildcard\n    target: broker-us-1\n    expires: 2027-01-31\n', /rc-policy\.waivers\.yaml:4:5: invalid waivers file: waivers\[0\] is missing the required property 'reason'/],
    ['a missing expiry', 'apiVersion: rc-policy/v1\nkind: Waivers\nwaivers:\n  - rule: broker/wildcard\n    target: broker-us-1\n    reason: legacy wildcard until 2027\n', /:4:5: invalid waivers file: waivers\[0\] is missing the required property 'expires'/],
    ['a date that does not exist', 'apiVersion: rc-policy/v1\nkind: Waivers\nwaivers:\n  - rule: broker/wildcard\n    target: broker-us-1\n    reason: legacy wildcard until 2027\n    expires: 2027-02-30\n', /:7:14: waivers\[0\]\.expires: '2027-02-30' is not a calendar date/],
    ['an unknown rule', 'apiVersion: rc-policy/v1\nkind: Waivers\nwaivers:\n  - rule: broker/wildcards\n    target: broker-us-1\n    reason: legacy wildcard until 2027\n    expires: 2027-01-31\n', /:4:11: waivers\[0\]\.rule: unknown rule 'broker\/wildcards' \(did you mean 'broker\/wildcard'\?\)/],
    ['a waiver of a policy rule', 'apiVersion: rc-policy/v1\nkind: Waivers\nwaivers:\n  - rule: policy/expired-waiver\n    target: "*"\n    reason: make the error go away\n    expires: 2027-01-31\n', /policy\/expired-waiver findings are about waivers themselves and cannot be waived/],
    ['a YAML syntax error', 'apiVersion: rc-policy/v1\nwaivers: [\n', /rc-policy\.waivers\.yaml:\d+:\d+: YAML: /],
  ])('a waivers file with %s is exit 2 with file:line', async (_, text, message) => {
    const file = await writeEstate(await baseline());
    const dir = path.dirname(file);
    await writeFile(path.join(dir, 'rc-policy.waivers.yaml'), text);
    const r = runCli(['check', 'rc-topology.yaml', '--waivers', 'rc-policy.waivers.yaml', '--at', '2026-12-01'], { cwd: dir });
    expect(r.code).toBe(2);
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
    expect(r.stderr).toMatch(message);
  });

  it('a missing waivers file is exit 2', async () => {
    const file = await writeEstate(await baseline());
    const r = runCli(['check', 'rc-topology.yaml', '--waivers', 'nope.yaml'], { cwd: path.dirname(file) });
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/cannot read nope\.yaml: no such file/);
  });

  it('the CLI shows waived findings in every format, and --waivers turns exit 1 into 0', async () => {
    const e = await baseline();
    broker(e, 'broker-us-2').fqdn = 'broker-us-9.company.com';
    const file = await writeEstate(e);
    const dir = path.dirname(file);
    await writeFile(path.join(dir, 'w.yaml'), stringify({ apiVersion: 'rc-policy/v1', kind: 'Waivers', waivers: [waiver('broker/name-mismatch', 'broker-us-2'), waiver('trust/untrusted-server', '*')] }));
    expect(runCli(['check', 'rc-topology.yaml', '--at', '2026-12-01'], { cwd: dir }).code).toBe(1);
    const r = runCli(['check', 'rc-topology.yaml', '--at', '2026-12-01', '--waivers', 'w.yaml', '--format', 'text', '--format', 'json=r.json', '--format', 'sarif=r.sarif', '--format', 'junit=r.xml', '--format', 'markdown=r.md'], { cwd: dir });
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/waived .*broker-us-2\.company\.com/);
    const { readFile } = await import('node:fs/promises');
    const read = (f: string) => readFile(path.join(dir, f), 'utf8');
    expect(JSON.parse(await read('r.json')).findings[0]).toMatchObject({ rule: 'broker/name-mismatch', waived: true });
    expect(JSON.parse(await read('r.sarif')).runs[0].results[0].suppressions[0].status).toBe('accepted');
    expect(await read('r.xml')).toContain('<skipped message="waived until 2027-01-31: accepted until the 2027 rotation"/>');
    expect(await read('r.md')).toContain('💤 waived until 2027-01-31');
  });
});

describe('waiver text is untrusted', () => {
  it('line separators and controls in a waiver are escaped before they reach any report', async () => {
    const { parseWaivers } = await import('../../src/policy/waivers.ts');
    const { parseSourceDocument } = await import('../../src/topology/document.ts');
    const yaml = 'apiVersion: rc-policy/v1\nkind: Waivers\nwaivers:\n  - rule: broker/wildcard\n    target: "broker-us-1\\u2028::error::forged"\n    reason: "legacy wildcard\\u001b[2J until 2027"\n    expires: 2027-01-31\n    owner: "team\\u202e"\n';
    const [w] = parseWaivers(parseSourceDocument(Buffer.from(yaml), 'w.yaml'), new Set(['broker/wildcard']));
    expect(w!.waiver.target).toBe('broker-us-1\\u2028::error::forged');
    expect(w!.waiver.reason).toBe('legacy wildcard\\x1b[2J until 2027');
    expect(w!.waiver.owner).toBe('team\\u202e');
  });
});

// A hand-made report with every optional section (matrix, estate with a rollover, waivers,
// baseline), so the renderers can be tested without the trust rules or a live audit.
import { isFailing } from '../../src/report/summary.ts';
import { summarise } from '../../src/report/summary.ts';
import type { RenderContext } from '../../src/report/formats.ts';
import type { Finding, Report } from '../../src/report/types.ts';
import { BUILTIN_RULES } from '../../src/rules/index.ts';

const loc = (line: number, column = 7) => ({ file: 'estate/rc-topology.yaml', line, column });

export const FINDINGS: Finding[] = [
  {
    rule: 'trust/untrusted-client',
    severity: 'error',
    target: 'target-in->broker-in-3',
    message: 'broker-in-3 rejects target-in: unable to get issuer certificate',
    location: loc(88),
    waived: false,
  },
  {
    rule: 'broker/name-mismatch',
    severity: 'error',
    target: 'broker-us-2',
    // Untrusted text from a certificate: markup, a table pipe, a newline that tries to start a workflow command.
    message: 'broker-us-2.company.com is not in the SAN (found: DNS:<img src=x>|evil.com\n::error::injected)',
    location: loc(41, 9),
    waived: false,
  },
  {
    rule: 'cert/expiring',
    severity: 'warning',
    target: 'broker-us-1',
    message: 'leaf certificate CN=broker-us-1.company.com expires on 2026-12-11, in 10 days (renewBeforeDays: 30)',
    location: loc(33, 13),
    waived: false,
    baseline: true,
  },
  {
    rule: 'broker/wildcard',
    severity: 'warning',
    target: 'broker-in-3',
    message: 'the certificate of broker-in-3 has a wildcard SAN: *.company.com',
    location: loc(70, 9),
    waived: true,
    waiver: { rule: 'broker/wildcard', target: 'broker-in-3', reason: 'legacy wildcard until the 2027 rotation', expires: '2027-01-31', owner: 'platform-team', ticket: 'CHG-1234' },
  },
  {
    rule: 'policy/unused-waiver',
    severity: 'info',
    target: 'lb/port-mismatch@slb-in',
    message: 'the waiver of lb/port-mismatch for slb-in matched no finding',
    location: { file: 'estate/rc-policy.waivers.yaml', line: 9, column: 5 },
    waived: false,
  },
];

export function fixtureReport(overrides: Partial<Report> = {}): Report {
  const findings = overrides.findings ?? FINDINGS;
  return {
    tool: { name: 'rc-policy', version: '1.0.0' },
    topology: 'estate/rc-topology.yaml',
    evaluatedAt: '2026-12-01T00:00:00.000Z',
    mode: 'check',
    policy: { pack: 'rc-default', packs: ['rc-default'] },
    summary: { ...summarise(findings), baseline: 1 },
    findings,
    matrix: [
      { client: 'controller-us', server: 'broker-us-1', ok: true, serverAuth: { ok: true }, clientAuth: { ok: true } },
      { client: 'controller-us', server: 'broker-us-2', ok: false, serverAuth: { ok: false, reason: 'hostname broker-us-2.company.com not in SAN' }, clientAuth: { ok: true } },
      { client: 'controller-us', server: 'broker-in-3', ok: true, serverAuth: { ok: true }, clientAuth: { ok: true } },
      { client: 'target-in', server: 'broker-in-3', ok: false, serverAuth: { ok: true }, clientAuth: { ok: false, reason: 'unable to get issuer certificate' } },
    ],
    rules: [
      { id: 'broker/name-mismatch', status: 'ran' },
      { id: 'broker/wildcard', status: 'ran' },
      { id: 'cert/expiring', status: 'ran' },
      { id: 'trust/untrusted-client', status: 'ran' },
      { id: 'lb/port-mismatch', status: 'ran' },
      { id: 'gateway/plaintext-upstream', status: 'not-applicable' },
      { id: 'lb/no-tls-termination', status: 'off' },
      { id: 'live/unreachable', status: 'audit-only' },
      { id: 'policy/unused-waiver', status: 'ran' },
    ],
    waivers: [
      { waiver: FINDINGS[3]!.waiver!, location: { file: 'estate/rc-policy.waivers.yaml', line: 4, column: 5 }, status: 'active', matched: 1 },
      { waiver: { rule: 'lb/port-mismatch', target: 'slb-in', reason: 'port 8443 until the migration', expires: '2027-03-01' }, location: { file: 'estate/rc-policy.waivers.yaml', line: 9, column: 5 }, status: 'unused', matched: 0 },
    ],
    baseline: { file: 'previous-report.json', existing: 1, fixed: 2 },
    estate: {
      name: 'rc-prod',
      nodes: [
        { id: 'crlb', kind: 'globalLoadBalancer', fqdn: 'rc.company.com', location: loc(95) },
        { id: 'slb-us', kind: 'loadBalancer', region: 'us', fqdn: 'slb-us.company.com', location: loc(24) },
        { id: 'slb-in', kind: 'loadBalancer', region: 'in', location: loc(60) },
        { id: 'broker-us-1', kind: 'broker', region: 'us', fqdn: 'broker-us-1.company.com', location: loc(31) },
        { id: 'broker-us-2', kind: 'broker', region: 'us', fqdn: 'broker-us-2.company.com', location: loc(40) },
        { id: 'broker-in-3', kind: 'broker', region: 'in', fqdn: 'broker-in-3.company.com', location: loc(68) },
        { id: 'controller-us', kind: 'client', region: 'us', location: loc(100) },
        { id: 'target-in', kind: 'client', region: 'in', location: loc(106) },
      ],
      edges: [
        { from: 'crlb', to: 'slb-us', kind: 'backend' },
        { from: 'crlb', to: 'slb-in', kind: 'backend' },
        { from: 'slb-us', to: 'broker-us-1', kind: 'backend' },
        { from: 'slb-us', to: 'broker-us-2', kind: 'backend' },
        { from: 'slb-in', to: 'broker-in-3', kind: 'backend' },
        { from: 'controller-us', to: 'crlb', kind: 'connects' },
        { from: 'target-in', to: 'crlb', kind: 'connects' },
      ],
      certificates: [
        { target: 'root-2025', kind: 'root', subject: 'CN=Root 2025', notBefore: '2025-01-01T00:00:00.000Z', notAfter: '2027-03-01T00:00:00.000Z', fingerprint: 'aa' },
        { target: 'root-2026', kind: 'root', subject: 'CN=Root 2026', notBefore: '2026-06-01T00:00:00.000Z', notAfter: '2036-06-01T00:00:00.000Z', fingerprint: 'bb' },
        { target: 'issuing-2025', kind: 'intermediate', subject: 'CN=Issuing 2025', notBefore: '2025-06-01T00:00:00.000Z', notAfter: '2027-01-01T00:00:00.000Z', fingerprint: 'cc' },
        { target: 'broker-us-1', kind: 'leaf', subject: 'CN=broker-us-1.company.com', notBefore: '2026-01-01T00:00:00.000Z', notAfter: '2026-12-11T00:00:00.000Z', fingerprint: 'dd' },
        { target: 'broker-us-2', kind: 'leaf', subject: 'CN=broker-us-2.company.com', notBefore: '2026-10-15T00:00:00.000Z', notAfter: '2027-10-15T00:00:00.000Z', fingerprint: 'ee' },
        { target: 'broker-in-3', kind: 'leaf', subject: 'CN=*.company.com', notBefore: '2026-10-15T00:00:00.000Z', notAfter: '2027-10-15T00:00:00.000Z', fingerprint: 'ff' },
      ],
      rollover: { from: 'root-2025', to: 'root-2026', phase: 'trust-both' },
    },
    // What the engine puts in every report: the rules the renderers describe (ADR 0080).
    descriptors: BUILTIN_RULES.descriptors,
    ...overrides,
  };
}

export const ctxFor = (failOn: 'error' | 'warning' | 'info' | 'never' = 'error', extra: Partial<RenderContext> = {}): RenderContext => ({
  color: false,
  quiet: false,
  failOn,
  failing: (f) => isFailing(f, failOn),
  ...extra,
});

// The "what was probed" table of an audit, in text and Markdown.
import { describe, expect, it } from 'vitest';
import { renderText } from '../../src/report/text.ts';
import { renderMarkdown } from '../../src/report/markdown.ts';
import type { Observations, Report } from '../../src/report/types.ts';

const A = 'a'.repeat(64);
const B = 'b'.repeat(64);
const observations: Observations = {
  endpoints: [
    { target: 'broker-us-1', endpoint: 'broker-us-1.company.com:443', address: '127.0.0.1:8443', via: 'resolve', sni: 'broker-us-1.company.com', tlsVersion: 'TLSv1.3', chain: [A, B], clientAuth: 'enforced' },
    { target: 'broker-us-2', endpoint: 'broker-us-2.company.com:443', address: '10.0.1.5:443', via: 'topology', sni: 'broker-us-2.company.com', chain: [], clientAuth: 'not-tested', error: 'connection refused' },
    { target: 'slb-us', endpoint: 'slb-us.company.com:443', address: '127.0.0.1:9443', via: 'resolve', sni: 'broker-us-1.company.com', tlsVersion: 'TLSv1.2', chain: [A], clientAuth: 'not-tested', sniFor: 'broker-us-1', backend: 'broker-us-1' },
  ],
  keyVault: [{ target: 'broker-us-1', vault: 'kv-us', certificate: 'broker-us-1-cert', version: 'v2', sha256: A, enabled: true }],
};
const report: Report = {
  tool: { name: 'rc-policy', version: '1.0.0' },
  topology: 'rc-topology.yaml',
  evaluatedAt: '2026-12-01T00:00:00.000Z',
  mode: 'audit',
  policy: { pack: 'rc-default', packs: ['rc-default'] },
  summary: { error: 0, warning: 0, info: 0, waived: 0 },
  findings: [],
  observations,
};

describe('what was probed', () => {
  it('text: one row per endpoint with the address dialled, the protocol, the short chain and client auth; one per Key Vault read', () => {
    const text = renderText(report, { color: false });
    expect(text).toContain('Probed (what the live estate served):');
    expect(text).toMatch(/broker-us-1 +broker-us-1\.company\.com:443 +127\.0\.0\.1:8443 \(--resolve\) +TLSv1\.3 +aaaaaaaaaaaaaaaa ← bbbbbbbbbbbbbbbb +enforced/);
    expect(text).toMatch(/broker-us-2 .*10\.0\.1\.5:443 .*unreachable: connection refused +not tested/);
    expect(text).toContain('slb-us.company.com:443 (SNI of broker-us-1 → reached broker-us-1)');
    expect(text).toMatch(/Key Vault certificates read:\n {2}broker-us-1 +kv-us\/broker-us-1-cert +version v2, SHA-256 aaaaaaaaaaaaaaaa/);
  });

  it('markdown: the same as tables; check reports have none', () => {
    const ctx = { color: false, quiet: false, failOn: 'error' as const, failing: () => false };
    const out = renderMarkdown(report, ctx);
    expect(out).toContain('### What was probed');
    expect(out).toContain('| broker-us-1 | broker-us-1.company.com:443 | `127.0.0.1:8443 (--resolve)` | TLSv1.3 | aaaaaaaaaaaaaaaa ← bbbbbbbbbbbbbbbb | enforced |');
    expect(out).toContain('| broker-us-1 | `kv-us/broker-us-1-cert` | version v2, SHA-256 aaaaaaaaaaaaaaaa |');
    const { observations: _, ...checkReport } = report;
    expect(renderMarkdown({ ...checkReport, mode: 'check' }, ctx)).not.toContain('What was probed');
    expect(renderText({ ...checkReport, mode: 'check' }, { color: false })).not.toContain('Probed');
  });
});

// Every bundled example checks clean with the pack it selects: exit 0, no error and no warning,
// every handshake of its matrix succeeds, and its README says which seed it models.
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { ROOT, runCli } from '../helpers/cli.ts';

const EXAMPLES = path.join(ROOT, 'examples');
const names = readdirSync(EXAMPLES, { withFileTypes: true })
  .filter((d) => d.isDirectory() && existsSync(path.join(EXAMPLES, d.name, 'rc-topology.yaml')))
  .map((d) => d.name);

interface JsonReport {
  findings: { rule: string; severity: string; target: string; message: string }[];
  matrix?: { client: string; server: string; ok: boolean }[];
}

describe('examples', () => {
  it('include the four seed examples and rc-system', () => {
    expect(names.sort()).toEqual(['aio-rollover', 'apim-aks-mtls', 'elb-mutual-auth', 'rc-system', 'router-backend-mtls']);
  });

  describe.each(names)('%s', (name) => {
    it('checks with exit 0 and no error or warning', () => {
      const r = runCli(['check', path.join('examples', name, 'rc-topology.yaml'), '--format', 'json']);
      expect(r.stderr).toBe('');
      const report = JSON.parse(r.stdout) as JsonReport;
      expect(report.findings.filter((f) => f.severity !== 'info').map((f) => `${f.rule} ${f.target}: ${f.message}`)).toEqual([]);
      expect(r.code).toBe(0);
    });

    it('has a README naming the reference architecture it models', () => {
      const readme = readFileSync(path.join(EXAMPLES, name, 'README.md'), 'utf8');
      expect(readme).toMatch(/docs\/architectures\/[a-z-]+\.md/);
      expect(readme).not.toMatch(/seed/i);
    });
  });

  it('elb-mutual-auth needs its pack: under rc-default its plaintext hops are errors', () => {
    const r = runCli(['check', 'examples/elb-mutual-auth/rc-topology.yaml', '--policy', 'rc-default', '--format', 'json']);
    expect(r.code).toBe(1);
    const rules = (JSON.parse(r.stdout) as JsonReport).findings.filter((f) => f.severity === 'error').map((f) => `${f.rule} ${f.target}`);
    expect(rules.sort()).toEqual(['gateway/plaintext-upstream elb->ecs01', 'gateway/plaintext-upstream elb->ecs02']);
  });
});

// The matrix follows the path (ADR 0122): a client->broker pair reached through a load balancer
// that terminates TLS is broken, with the reason, in every format; tried on a copy of the example.
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { ROOT, runCli } from '../helpers/cli.ts';

const dir = mkdtempSync(path.join(tmpdir(), 'rc-path-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
cpSync(path.join(ROOT, 'examples/rc-system'), dir, { recursive: true });
const topology = path.join(dir, 'rc-topology.yaml');
// slb-us gets an https listener: it would terminate TLS in front of broker-us-1 and broker-us-2.
writeFileSync(topology, readFileSync(topology, 'utf8').replace('{ port: 443, protocol: tcp, backendPort: 443 }', '{ port: 443, protocol: https, backendPort: 443 }'));

const formats = ['--format', 'text', '--format', 'json=r.json', '--format', 'sarif=r.sarif', '--format', 'junit=r.xml', '--format', 'markdown=r.md', '--format', 'github=r.gh'];
const run = runCli(['check', '--at', '2026-12-01', ...formats], { cwd: dir });
const read = (f: string) => readFileSync(path.join(dir, f), 'utf8');

interface Pair {
  client: string;
  server: string;
  ok: boolean;
  path?: { reason: string; because: { rule: string; target: string }[] };
}

describe('a load balancer that terminates TLS in front of brokers', () => {
  const json = JSON.parse(read('r.json')) as { findings: { rule: string; target: string }[]; matrix: Pair[]; notEvaluated: { rule: string; target: string; message: string }[] };
  const through = json.matrix.filter((p) => p.server === 'broker-us-1' || p.server === 'broker-us-2');

  it('breaks every pair reached through it, with the reason, and never shows them accepted', () => {
    expect(run.code).toBe(1);
    expect(through).toHaveLength(6);
    for (const p of through) {
      expect(p.ok).toBe(false);
      expect(p.path?.because).toEqual([{ rule: 'lb/no-tls-termination', target: 'slb-us' }]);
      expect(p.path?.reason).toMatch(/slb-us terminates TLS on the way from \S+: the mTLS handshake never reaches broker-us-\d, which never sees \S+'s client certificate/);
    }
    // broker-in-3 is reached through slb-in, which passes TLS through.
    expect(json.matrix.filter((p) => p.server === 'broker-in-3').every((p) => p.ok && !p.path)).toBe(true);
  });

  it('raises the cause once (lb/no-tls-termination) and lists each broken pair as waiting on it', () => {
    expect(json.findings.map((f) => `${f.rule} ${f.target}`)).toEqual(['lb/no-tls-termination slb-us']);
    expect(json.notEvaluated.filter((d) => d.rule === 'trust/untrusted-client')).toHaveLength(6);
  });

  it('shows it in every format', () => {
    expect(run.stdout).toMatch(/controller-us +⊘ +⊘ +✔/);
    expect(run.stdout).toContain('⊘ 6 pairs through slb-us: TLS terminates there, so end-to-end mTLS never reaches the broker (lb/no-tls-termination)');
    expect(run.stdout).not.toMatch(/controller-us +✔ +✔/);
    const md = read('r.md');
    expect(md).toMatch(/\| controller-us \| ⛔ path \| ⛔ path \| ✅ \|/);
    // One line for the hop, not a row per pair repeating it.
    expect(md).toContain('- ⛔ 6 pairs through slb-us: TLS terminates there, so end-to-end mTLS never reaches the broker (because of lb/no-tls-termination on slb-us)');
    expect(md).not.toMatch(/\| controller-us \| broker-us-1 \|/);
    expect(read('r.sarif')).toMatch(/trust\/untrusted-client on controller-us->broker-us-1: not evaluated because of lb\/no-tls-termination on slb-us/);
    expect(read('r.xml')).toMatch(/<skipped message="not evaluated because of lb\/no-tls-termination on slb-us: broker-us-1 cannot validate the client certificate of controller-us: slb-us terminates TLS/);
    expect(read('r.gh')).toMatch(/::error .*slb-us.*6 checks not evaluated because of this: trust\/untrusted-client on 6 pairs/);
  });
});

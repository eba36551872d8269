// `check` of a large topology restarts itself once with a smaller young generation (bin/rc-policy.js,
// ADR 0113). The restart must not change anything a user sees: the same report, the same exit code.
import { appendFileSync, cpSync, mkdtempSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { ROOT, runCli } from '../helpers/cli.ts';

/** The bundled example, and a copy whose topology is padded past the restart threshold with comments. */
function estates() {
  const top = mkdtempSync(path.join(tmpdir(), 'rc-policy-young-'));
  const small = path.join(top, 'small');
  const large = path.join(top, 'large');
  cpSync(path.join(ROOT, 'examples/rc-system'), small, { recursive: true });
  cpSync(path.join(ROOT, 'examples/rc-system'), large, { recursive: true });
  appendFileSync(path.join(large, 'rc-topology.yaml'), `# ${'padding '.repeat(16)}\n`.repeat(8_000));
  expect(statSync(path.join(large, 'rc-topology.yaml')).size).toBeGreaterThan(1024 * 1024);
  return { small, large };
}

describe('check of a large topology', () => {
  it('gives the same report and exit code after restarting with a smaller young generation', () => {
    const { small, large } = estates();
    const args = ['check', 'rc-topology.yaml', '--format', 'json', '--at', '2027-06-01T00:00:00Z'];
    const a = runCli(args, { cwd: small });
    const b = runCli(args, { cwd: large });
    expect(a.stderr).toBe('');
    expect(b.stderr).toBe(a.stderr);
    expect(b.code).toBe(a.code);
    expect(b.stdout).toBe(a.stdout);
  });

  it('passes on a failing verdict (exit 1) and an unreadable topology (exit 2)', () => {
    const { small, large } = estates();
    for (const dir of [small, large]) writeFileSync(path.join(dir, 'certs', 'broker-us-1.pem'), 'not a certificate\n');
    const args = ['check', 'rc-topology.yaml', '--format', 'text', '--at', '2027-06-01T00:00:00Z'];
    const a = runCli(args, { cwd: small });
    const b = runCli(args, { cwd: large });
    expect(a.code).toBe(1);
    expect(b.code).toBe(1);
    expect(b.stdout).toBe(a.stdout);
    const broken = path.join(large, 'rc-topology.yaml');
    writeFileSync(broken, `${readFileSync(broken, 'utf8')}\n: [\n`);
    const c = runCli(['check', 'rc-topology.yaml'], { cwd: large });
    expect(c.code).toBe(2);
    expect(c.stderr).toMatch(/^rc-policy: .*rc-topology\.yaml:\d+/);
  });
});

// The command line is input too: absurd option values and a reader that goes away early must end
// in one line and the right exit code, never a crash.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseAt } from '../../src/commands/args.ts';
import { BIN, runCli } from '../helpers/cli.ts';

describe('the command line', () => {
  // Regression: +99999999999d left JavaScript's date range and crashed cert/expired ("Invalid time value").
  it.each(['+99999999999d', '-99999999999w', '1900-01-01', '10000-01-01'])('refuses --at %s with one line', (at) => {
    const r = runCli(['check', 'examples/rc-system/rc-topology.yaml', `--at=${at}`]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/^rc-policy: --at must (fall between 1950 and 9999|be an ISO date)[^\n]*\n$/);
  });

  it('accepts the whole range certificates can state', () => {
    expect(parseAt('1950-01-01').toISOString()).toBe('1950-01-01T00:00:00.000Z');
    expect(parseAt('9999-12-31T23:59:59Z').toISOString()).toBe('9999-12-31T23:59:59.000Z');
    expect(parseAt('+30d', new Date('2026-12-01T00:00:00Z')).toISOString()).toBe('2026-12-31T00:00:00.000Z');
  });

  // Regression: `rc-policy check | head -1` died on an unhandled EPIPE with a stack trace.
  it('stops quietly, keeping its exit code, when the reader of stdout goes away', () => {
    // 1,001 findings: far more JSON than a pipe buffers, so the writer meets the closed pipe.
    const dir = mkdtempSync(path.join(tmpdir(), 'rc-policy-epipe-'));
    const keys = Array.from({ length: 3000 }, (_, i) => `  unknown${i}: 1`).join('\n');
    writeFileSync(path.join(dir, 'rc-topology.yaml'), `apiVersion: rc-policy/v1\nkind: Topology\nmetadata:\n  name: x\n${keys}\n`);
    const r = spawnSync('bash', ['-c', `"${process.execPath}" "${BIN}" check rc-topology.yaml --format json | head -c 1 >/dev/null; echo "exit=\${PIPESTATUS[0]}"`], { cwd: dir, encoding: 'utf8' });
    expect(r.stderr).toBe('');
    expect(r.stdout.trim()).toBe('exit=1');
  });
});

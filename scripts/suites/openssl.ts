// `openssl verify` on a suite case, for comparison (docs/suites.md). The last certificate the suite
// trusts is the only CA file (-no-CApath -no-CAstore: nothing from the system store), and
// -partial_chain lets it anchor a path even when it is not self-signed, as the suites mean it.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { toPem } from '../../src/pki/pem.ts';
import type { SuiteCase } from './case.ts';

export function opensslVersion(): string {
  const r = spawnSync('openssl', ['version'], { encoding: 'utf8' });
  if (r.status !== 0) throw new Error('openssl is not on PATH');
  return /OpenSSL (\S+)/.exec(r.stdout)?.[1] ?? r.stdout.trim();
}

export function opensslAccepts(c: SuiteCase): boolean {
  const dir = mkdtempSync(path.join(tmpdir(), 'suites-openssl-'));
  try {
    const file = (name: string, ders: readonly Uint8Array[]) => {
      const p = path.join(dir, name);
      writeFileSync(p, ders.map(toPem).join(''));
      return p;
    };
    const args = ['verify', '-no-CApath', '-no-CAstore', '-partial_chain'];
    args.push(...(c.anchors.length > 0 ? ['-CAfile', file('ca.pem', c.anchors)] : ['-no-CAfile']));
    if (c.intermediates.length > 0) args.push('-untrusted', file('untrusted.pem', c.intermediates));
    args.push('-attime', String(Math.floor(c.at.getTime() / 1000)));
    if (c.purpose) args.push('-purpose', c.purpose === 'serverAuth' ? 'sslserver' : 'sslclient');
    args.push(file('leaf.pem', [c.leaf]));
    return spawnSync('openssl', args, { encoding: 'utf8' }).status === 0;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

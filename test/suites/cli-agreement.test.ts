// `rc-policy verify` and verifyChain give the same verdict on every case of every vendored suite.
// The command runs in-process (its module is what the binary dispatches to; a process per case would
// cost minutes), with --quiet so that only the exit code speaks.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { runVerify } from '../../src/commands/verify.ts';
import { InputError } from '../../src/errors.ts';
import { toPem } from '../../src/pki/pem.ts';
import { loadAllCases, runAll } from '../../scripts/suites/report.ts';
import type { SuiteCase } from '../../scripts/suites/case.ts';
import { loadCases, loadScopes } from '../../scripts/limbo/harness.ts';
import { verifyChain } from '../../src/verify.ts';

const dir = mkdtempSync(path.join(tmpdir(), 'rc-suites-cli-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

type CliCase = SuiteCase & { readonly hostname?: string; readonly maxDepth?: number };

async function cliExit(c: CliCase, n: number): Promise<number> {
  const file = (name: string, ders: readonly Uint8Array[]) => {
    const p = path.join(dir, `${n}-${name}.pem`);
    writeFileSync(p, ders.map(toPem).join(''));
    return p;
  };
  const args = ['--quiet', '--at', c.at.toISOString(), '--trusted', file('trusted', c.anchors)];
  if (c.intermediates.length > 0) args.push('--untrusted', file('untrusted', c.intermediates));
  if (c.purpose) args.push('--purpose', c.purpose === 'serverAuth' ? 'server' : 'client');
  if (c.hostname !== undefined) args.push('--host', c.hostname);
  if (c.maxDepth !== undefined) args.push('--max-depth', String(c.maxDepth));
  args.push(file('leaf', [c.leaf]));
  try {
    return await runVerify(args);
  } catch (err) {
    if (err instanceof InputError) return 2;
    throw err;
  }
}

describe('rc-policy verify and verifyChain agree on every suite case', async () => {
  const outcomes = (await runAll(loadAllCases())).filter((o) => o.verdict);

  // Exit 2 (the input could not be read) is a rejection too, but only where the input really is
  // unreadable to the CLI: no trust anchor at all, or a certificate that does not parse.
  it(`gives verifyChain's verdict on all ${outcomes.length} cases run`, async () => {
    const differ: string[] = [];
    let n = 0;
    for (const o of outcomes) {
      const exit = await cliExit(o.case, n++);
      const unreadable = o.case.anchors.length === 0 || o.verdict!.errors.some((e) => e.code === 'malformed-certificate');
      const agrees = o.verdict!.accepted ? exit === 0 : exit === 1 || (exit === 2 && unreadable);
      if (!agrees) differ.push(`${o.case.suite}:${o.case.id}: verifyChain ${o.verdict!.accepted ? 'accepts' : 'rejects'}, verify exits ${exit}`);
    }
    expect(differ).toEqual([]);
    expect(n).toBeGreaterThan(300);
  });

  it("gives verifyChain's verdict on every x509-limbo core case", async () => {
    const scopes = loadScopes();
    const der = (pem: string) => new Uint8Array(Buffer.from(pem.replace(/-----[A-Z ]+-----/g, '').replace(/\s+/g, ''), 'base64'));
    const differ: string[] = [];
    let n = 0;
    for (const l of loadCases().filter((x) => scopes.get(x.id) === 'core')) {
      const c: CliCase = {
        suite: 'boringssl',
        id: l.id,
        leaf: der(l.peer_certificate),
        intermediates: l.untrusted_intermediates.map(der),
        anchors: l.trusted_certs.map(der),
        at: l.validation_time ? new Date(l.validation_time) : new Date(),
        purpose: l.validation_kind === 'CLIENT' ? 'clientAuth' : 'serverAuth',
        valid: l.expected_result === 'SUCCESS',
        ...(l.expected_peer_name && { hostname: l.expected_peer_name.value }),
        ...(l.max_chain_depth !== null && { maxDepth: l.max_chain_depth }),
      };
      const r = await verifyChain({ leaf: c.leaf, intermediates: c.intermediates, trusted: c.anchors, at: c.at, purpose: c.purpose!, ...(c.hostname !== undefined && { hostname: c.hostname }), ...(c.maxDepth !== undefined && { maxDepth: c.maxDepth }) });
      const exit = await cliExit(c, n++);
      const unreadable = c.anchors.length === 0 || r.errors.some((e) => e.code === 'malformed-certificate');
      if (!(r.ok ? exit === 0 : exit === 1 || (exit === 2 && unreadable))) differ.push(`${l.id}: verifyChain ${r.ok ? 'accepts' : 'rejects'}, verify exits ${exit}`);
    }
    expect(differ).toEqual([]);
    expect(n).toBe(3297);
  }, 300_000);
});

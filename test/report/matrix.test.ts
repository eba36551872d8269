// The handshake matrix in the reports: its JSON shape (SPEC §5) and the compact text grid.
import { describe, expect, it } from 'vitest';
import { renderText } from '../../src/report/text.ts';
import { renderJson } from '../../src/report/json.ts';
import type { MatrixPair, Report } from '../../src/report/types.ts';
import { baseline, evaluate } from '../helpers/estate.ts';
import { matrixForReport, MATRIX_AUTO_FULL_PAIRS, type HandshakePair } from '../../src/matrix.ts';
import { runCli } from '../helpers/cli.ts';
import { writeFile, mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';

describe('the matrix in the JSON report', () => {
  it('lists every pair with both verdicts and the reason of a rejection', async () => {
    const e = await baseline();
    const leaf = await e.pki.client('target-us', { eku: ['serverAuth'] });
    e.files['certs/target-us.pem'] = leaf.pem + e.pki.clientCa.pem;
    const report = JSON.parse(renderJson(await evaluate(e))) as Report;
    expect(report.matrix).toHaveLength(8);
    expect(report.matrix![0]).toEqual({ client: 'controller-us', server: 'broker-us-1', ok: true, serverAuth: { ok: true }, clientAuth: { ok: true } });
    expect(report.matrix!.find((p) => p.client === 'target-us' && p.server === 'broker-us-2')).toEqual({
      client: 'target-us',
      server: 'broker-us-2',
      ok: false,
      serverAuth: { ok: true },
      clientAuth: { ok: false, reason: "'CN=target-us, O=Company' extendedKeyUsage (serverAuth) lacks clientAuth" },
    });
  });

  it('has no clientAuth verdict when the server does not require client certificates, and marks what check skipped', async () => {
    const e = await baseline();
    e.topology.regions[0].brokers[0].clientAuth = { required: false };
    delete e.topology.regions[0].brokers[1].cert.file; // Key Vault only
    const matrix = (await evaluate(e)).matrix!;
    expect(matrix.find((p) => p.client === 'controller-us' && p.server === 'broker-us-1')).toEqual({ client: 'controller-us', server: 'broker-us-1', ok: true, serverAuth: { ok: true } });
    expect(matrix.find((p) => p.client === 'controller-us' && p.server === 'broker-us-2')).toEqual({
      client: 'controller-us',
      server: 'broker-us-2',
      ok: false,
      serverAuth: { ok: false, skipped: true, reason: "broker-us-2's server certificate lives only in Key Vault: rc-policy audit evaluates this handshake" },
      clientAuth: { ok: true },
    });
  });

  it('is left out when the pack switches both handshake rules off', async () => {
    const e = await baseline();
    const dir = await mkdtemp(path.join(tmpdir(), 'rc-policy-pack-'));
    const pack = path.join(dir, 'no-handshakes.yaml');
    await writeFile(
      pack,
      'apiVersion: rc-policy/v1\nkind: PolicyPack\nmetadata: { name: no-handshakes }\nextends: rc-default\nrules:\n  trust/untrusted-server: off\n  trust/untrusted-client: off\n',
    );
    expect((await evaluate(e, { policy: pack })).matrix).toBeUndefined();
    expect((await evaluate(e)).matrix).toHaveLength(8);
  });
});

describe('the pairs the report lists (--matrix)', () => {
  it('counts every pair, and lists only those that are not ok with --matrix problems', async () => {
    const e = await baseline();
    const leaf = await e.pki.client('target-us', { eku: ['serverAuth'] });
    e.files['certs/target-us.pem'] = leaf.pem + e.pki.clientCa.pem;
    const full = await evaluate(e, { matrix: 'full' });
    const problems = await evaluate(e, { matrix: 'problems' });
    const auto = await evaluate(e);
    expect(full.matrixSummary).toEqual({ pairs: 8, ok: 6, failing: 2, notEvaluated: 0, clients: 3, servers: 3, listed: 'all' });
    expect(problems.matrixSummary).toEqual({ ...full.matrixSummary, listed: 'problems' });
    expect(problems.matrix).toEqual(full.matrix!.filter((p) => !p.ok));
    expect(problems.matrix!.map((p) => `${p.client}->${p.server}`)).toEqual(['target-us->broker-us-1', 'target-us->broker-us-2']);
    expect(auto.matrix).toEqual(full.matrix); // a small matrix: every pair
    expect(problems.findings).toEqual(full.findings);
  });

  it('lists only the problems of a matrix larger than MATRIX_AUTO_FULL_PAIRS by default', async () => {
    const pairs = Array.from({ length: MATRIX_AUTO_FULL_PAIRS + 1 }, (_, i) => handshake(`c${i % 50}`, `s${i}`, i !== 7));
    expect(matrixForReport(pairs).summary).toEqual({ pairs: 1001, ok: 1000, failing: 1, notEvaluated: 0, clients: 50, servers: 1001, listed: 'problems' });
    expect(matrixForReport(pairs).matrix.map((p) => p.server)).toEqual(['s7']);
    expect(matrixForReport(pairs.slice(0, MATRIX_AUTO_FULL_PAIRS)).summary.listed).toBe('all');
    expect(matrixForReport(pairs, 'full').matrix).toHaveLength(1001);
  });

  it('rejects an unknown --matrix value with exit 2', () => {
    const r = runCli(['check', 'examples/rc-system/rc-topology.yaml', '--matrix', 'some']);
    expect(r.code).toBe(2);
    expect(r.stderr).toBe("rc-policy: --matrix must be one of auto, full, problems (got 'some')\n");
  });
});

/** A HandshakePair as the model holds it, for matrixForReport. */
const handshake = (client: string, server: string, ok: boolean): HandshakePair =>
  ({ id: `${client}->${server}`, client: { id: client }, server: { id: server }, ok, serverAuth: ok ? { ok } : { ok, reason: 'untrusted' } }) as unknown as HandshakePair;

const pair = (client: string, server: string, ok = true, skipped = false): MatrixPair => ({
  client,
  server,
  ok: ok && !skipped,
  serverAuth: skipped ? { ok: false, skipped: true, reason: 'Key Vault only' } : { ok: true },
  ...(ok ? {} : { clientAuth: { ok: false, reason: 'untrusted' } }),
});

const report = (matrix: MatrixPair[]): Report => ({
  tool: { name: 'rc-policy', version: '1.0.0' },
  topology: 'rc-topology.yaml',
  evaluatedAt: '2026-12-01T00:00:00.000Z',
  mode: 'check',
  policy: { pack: 'rc-default', packs: ['rc-default'] },
  summary: { error: 0, warning: 0, info: 0, waived: 0 },
  findings: [],
  matrix,
});

describe('the matrix in the text report', () => {
  it('draws clients x servers when it fits', () => {
    const text = renderText(
      report([pair('controller-us', 'broker-us-1'), pair('controller-us', 'broker-in-3'), pair('target-us', 'broker-us-1', false), pair('target-in', 'broker-in-3', true, true)]),
      { color: false },
    );
    expect(text).toBe(
      [
        'Handshake matrix: 4 pairs (3 clients x 2 servers), 2 ok, 1 failing, 1 not evaluated',
        '                 1  2',
        '  controller-us  ✔  ✔',
        '  target-us      ✖  ·',
        '  target-in      ·  ?',
        '  1 broker-us-1   2 broker-in-3',
        '  ✔ accepted both ways  ✖ rejected (trust/untrusted-*)  ? not evaluated (Key Vault only, or waits on another finding)  · not connected',
        '',
        '✔ rc-topology.yaml: 0 errors, 0 warnings, 0 info (policy rc-default, evaluated at 2026-12-01T00:00:00.000Z)',
        '',
      ].join('\n'),
    );
  });

  it('falls back to one line when there are more than 12 servers', () => {
    const pairs = Array.from({ length: 13 }, (_, i) => pair('controller-us', `broker-${i + 1}`, i !== 4));
    const text = renderText(report(pairs), { color: false });
    expect(text.split('\n')[0]).toBe('Handshake matrix: 13 pairs (1 client x 13 servers), 12 ok, 1 failing; too large to draw here, --format json lists every pair');
    expect(text).not.toMatch(/✔ accepted/);
  });

  it('is one line of counts when the report lists only the problems', () => {
    const r = { ...report([pair('target-us', 'broker-us-1', false)]), matrixSummary: { pairs: 25_000, ok: 24_999, failing: 1, notEvaluated: 0, clients: 50, servers: 500, listed: 'problems' as const } };
    expect(renderText(r, { color: false }).split('\n')[0]).toBe(
      'Handshake matrix: 25000 pairs (50 clients x 500 servers), 24999 ok, 1 failing; --format json lists the pairs that are not ok (--matrix full: every pair)',
    );
  });

  it('is not drawn with --quiet, nor when there are no pairs', () => {
    expect(renderText(report([pair('a', 'b')]), { color: false, only: () => true })).not.toMatch(/Handshake matrix/);
    expect(renderText(report([]), { color: false })).not.toMatch(/Handshake matrix/);
  });
});

// `rc-policy verify` through the real binary: exit 0 valid, 1 invalid (every reason), 2 bad input.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { issue, privateKeyPem } from '../../src/pki/generate.ts';
import { runCli } from '../helpers/cli.ts';

const tmp = mkdtempSync(path.join(tmpdir(), 'rc-policy-verify-'));
const file = (name: string, text: string): string => {
  const p = path.join(tmp, name);
  writeFileSync(p, text);
  return p;
};
const HOST = 'broker-us-1.company.com';
const AT = '2026-12-01T00:00:00Z';
const files: Record<string, string> = {};

beforeAll(async () => {
  const nb = new Date('2026-01-01T00:00:00Z');
  const root = await issue({ subject: 'CN=rc root', ca: true, notBefore: nb, notAfter: new Date('2036-01-01T00:00:00Z') });
  const ica = await issue({ subject: 'CN=issuing-2026', issuer: root, ca: { pathLen: 0 }, notBefore: nb, notAfter: new Date('2026-12-31T00:00:00Z') });
  const leaf = await issue({ subject: `CN=${HOST}`, issuer: ica, dns: [HOST], eku: ['serverAuth'], notBefore: nb, notAfter: new Date('2027-03-01T00:00:00Z') });
  files.root = file('root.pem', root.pem);
  files.ica = file('ica.pem', ica.pem);
  files.leaf = file('leaf.pem', leaf.pem);
  files.served = file('served.pem', leaf.pem + ica.pem);
  files.otherRoot = file('other-root.pem', (await issue({ subject: 'CN=other root', ca: true, notBefore: nb, notAfter: new Date('2036-01-01T00:00:00Z') })).pem);
  files.withKey = file('with-key.pem', leaf.pem + (await privateKeyPem(leaf.keys)) + ica.pem);
  files.garbage = file('garbage.pem', '-----BEGIN CERTIFICATE-----\nMIIBAAAA\n-----END CERTIFICATE-----\n');
});

describe('rc-policy verify (the real binary)', () => {
  it('exits 0 and prints the path for a valid chain', () => {
    const r = runCli(['verify', '--trusted', files.root!, '--untrusted', files.ica!, '--host', HOST, '--purpose', 'server', '--at', AT, files.leaf!]);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/leaf\.pem: OK\n {2}0 CN=broker-us-1\.company\.com \(leaf, sha256 [0-9a-f]{16}…\)\n {2}1 CN=issuing-2026 \(intermediate.*\n {2}2 CN=rc root \(trust anchor/);
  });

  it('uses the certificates after the leaf in its file as the served chain', () => {
    expect(runCli(['verify', '--trusted', files.root!, '--at', AT, files.served!]).code).toBe(0);
    const r = runCli(['verify', '--trusted', files.otherRoot!, '--at', AT, files.served!]);
    expect(r.code).toBe(1);
    expect(r.stdout).toMatch(/issuer 'CN=rc root' of 'CN=issuing-2026' not found among the chain in .*served\.pem or the --trusted certificates/);
  });

  it('notes (and ignores) a private key in a certificate file, without printing it', async () => {
    const r = runCli(['verify', '--trusted', files.root!, '--at', AT, files.withKey!]);
    expect(r.code).toBe(0);
    expect(r.stderr).toMatch(/note: .*with-key\.pem also holds a private key \(ignored\)/);
    expect(r.stdout + r.stderr).not.toMatch(/PRIVATE KEY|MIG/);
  });

  it('exits 1 and prints every reason', () => {
    const r = runCli(['verify', '--trusted', files.root!, '--host', 'broker-us-2.company.com', '--purpose', 'client', '--at', '2027-01-15', files.leaf!]);
    expect(r.code).toBe(1);
    expect(r.stdout).toContain('leaf.pem: FAILED');
    expect(r.stdout).toContain('error [eku-missing]');
    expect(r.stdout).toContain('error [hostname-mismatch] broker-us-2.company.com is not in the subjectAltName');
    expect(r.stdout).toContain("error [issuer-not-found] issuer 'CN=issuing-2026' of 'CN=broker-us-1.company.com' not found among the untrusted certificates (none given) or the --trusted certificates");
  });

  it('names the closest candidate when the only issuer on offer has expired', () => {
    const r = runCli(['verify', '--trusted', files.root!, '--untrusted', files.ica!, '--at', '2027-01-15', files.leaf!]);
    expect(r.code).toBe(1);
    expect(r.stdout).toContain("error [expired] 'CN=issuing-2026' expired 2026-12-31T00:00:00.000Z (candidate issuer of 'CN=broker-us-1.company.com' from the --untrusted certificates)");
  });

  it('--format json gives the API shape', () => {
    const r = runCli(['verify', '--format', 'json', '--trusted', files.root!, '--at', AT, files.served!]);
    expect(r.code).toBe(0);
    const out = JSON.parse(r.stdout);
    expect(out).toEqual({ ok: true, chain: [expect.stringMatching(/^[0-9a-f]{64}$/), expect.any(String), expect.any(String)], errors: [] });
    const bad = JSON.parse(runCli(['verify', '-f', 'json', '--trusted', files.root!, '--at', AT, files.leaf!]).stdout);
    expect(bad).toEqual({ ok: false, errors: [{ code: 'issuer-not-found', message: expect.any(String) }] });
  });

  it('--quiet prints nothing; the exit code tells', () => {
    const r = runCli(['verify', '-q', '--trusted', files.root!, '--at', AT, files.leaf!]);
    expect(r).toMatchObject({ code: 1, stdout: '', stderr: '' });
  });

  it('exits 2 with one line for bad input: no --trusted, a missing or unparsable file, a bad option value', () => {
    const cases: [string[], RegExp][] = [
      [['verify', files.leaf!], /needs --trusted <file>/],
      [['verify', '--trusted', files.root!], /needs a leaf certificate file/],
      [['verify', '--trusted', path.join(tmp, 'nope.pem'), files.leaf!], /nope\.pem: no such file/],
      [['verify', '--trusted', files.root!, files.garbage!], /garbage\.pem: line 1: certificate cannot be parsed/],
      [['verify', '--trusted', files.root!, '--purpose', 'email', files.leaf!], /--purpose must be one of server, client \(got 'email'\)/],
      [['verify', '--trusted', files.root!, '--at', 'tomorrow', files.leaf!], /--at must be an ISO date/],
      [['verify', '--trusted', files.root!, '--bogus', files.leaf!], /unknown option '--bogus'/],
    ];
    for (const [args, message] of cases) {
      const r = runCli(args);
      expect(r.code, args.join(' ')).toBe(2);
      expect(r.stdout).toBe('');
      expect(r.stderr.trim().split('\n')).toHaveLength(1);
      expect(r.stderr).toMatch(message);
    }
  });

  it('has help, and is listed in the top-level help', () => {
    const r = runCli(['verify', '--help']);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/Usage: rc-policy verify --trusted/);
    expect(runCli(['--help']).stdout).toMatch(/verify --trusted/);
  });
});

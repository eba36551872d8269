// verifyChain (SPEC §6) through the package's public entry: PEM or DER in, fingerprints and reasons out.
import { beforeAll, describe, expect, it } from 'vitest';
import { verifyChain } from '../../src/index.ts';
import { issue, type Issued } from '../../src/pki/generate.ts';

const T0 = new Date('2026-12-01T00:00:00Z');
const days = (n: number): Date => new Date(T0.getTime() + n * 86_400_000);
const HOST = 'broker-us-1.company.com';

let root: Issued;
let ica: Issued;
let leaf: Issued;

beforeAll(async () => {
  root = await issue({ subject: 'CN=rc root', ca: true, notBefore: days(-100), notAfter: days(3000) });
  ica = await issue({ subject: 'CN=issuing-2026', issuer: root, ca: { pathLen: 0 }, notBefore: days(-100), notAfter: days(1000) });
  leaf = await issue({ subject: `CN=${HOST}`, issuer: ica, dns: [HOST], eku: ['serverAuth'], notBefore: days(-1), notAfter: days(90) });
});

describe('verifyChain', () => {
  it('accepts PEM strings and returns the SHA-256 fingerprints of the path, leaf first', async () => {
    const r = await verifyChain({ leaf: leaf.pem, intermediates: [ica.pem], trusted: [root.pem], at: T0, hostname: HOST, purpose: 'serverAuth' });
    expect(r).toEqual({ ok: true, chain: [leaf.cert.fingerprint, ica.cert.fingerprint, root.cert.fingerprint], errors: [] });
    expect(r.chain![0]).toMatch(/^[0-9a-f]{64}$/);
  });

  it('accepts DER bytes, and a served chain (leaf then intermediates) in one PEM', async () => {
    expect((await verifyChain({ leaf: leaf.cert.der, intermediates: [ica.cert.der], trusted: [root.cert.der], at: T0 })).ok).toBe(true);
    expect((await verifyChain({ leaf: leaf.pem + ica.pem, trusted: [root.pem], at: T0 })).ok).toBe(true);
    expect((await verifyChain({ leaf: Buffer.from(leaf.pem), intermediates: [Buffer.from(ica.pem)], trusted: [Buffer.from(root.pem)], at: T0 })).ok).toBe(true);
  });

  it('says why it fails, with a readable message per reason', async () => {
    const r = await verifyChain({ leaf: leaf.pem, trusted: [root.pem], at: days(100), hostname: 'broker-us-2.company.com', purpose: 'clientAuth' });
    expect(r.ok).toBe(false);
    expect(r.chain).toBeUndefined();
    expect(r.errors.map((e) => e.code)).toEqual(['expired', 'eku-missing', 'hostname-mismatch', 'issuer-not-found']);
    for (const e of r.errors) expect(e.message).not.toMatch(/\n/);
  });

  it('returns the path even when only the leaf checks fail', async () => {
    const r = await verifyChain({ leaf: leaf.pem, intermediates: [ica.pem], trusted: [root.pem], at: T0, hostname: 'other.company.com' });
    expect(r.ok).toBe(false);
    expect(r.chain).toHaveLength(3);
    expect(r.errors.map((e) => e.code)).toEqual(['hostname-mismatch']);
  });

  it('fails closed on an unreadable leaf, and ignores (but reports) an unreadable intermediate', async () => {
    const bad = '-----BEGIN CERTIFICATE-----\nMIIBAAAA\n-----END CERTIFICATE-----\n';
    const r = await verifyChain({ leaf: bad, trusted: [root.pem], at: T0 });
    expect(r).toMatchObject({ ok: false, errors: [{ code: 'malformed-certificate' }] });
    expect((await verifyChain({ leaf: 'not a certificate', trusted: [root.pem], at: T0 })).ok).toBe(false);
    const ok = await verifyChain({ leaf: leaf.pem, intermediates: [bad, ica.pem], trusted: [root.pem], at: T0 });
    expect(ok).toMatchObject({ ok: true, errors: [] });
    const missing = await verifyChain({ leaf: leaf.pem, intermediates: [bad], trusted: [root.pem], at: T0 });
    expect(missing.errors.map((e) => e.code)).toEqual(['issuer-not-found', 'malformed-certificate']);
    expect(missing.errors[1]!.message).toMatch(/^intermediate: line 1: certificate cannot be parsed/);
  });

  it('rejects invalid arguments instead of guessing', async () => {
    await expect(verifyChain({ leaf: leaf.pem, trusted: [root.pem], at: new Date('nope') })).rejects.toThrow(/at must be a valid Date/);
    await expect(verifyChain({ leaf: 42 as unknown as string, trusted: [root.pem] })).rejects.toThrow(/leaf must be PEM text or DER bytes/);
    await expect(verifyChain({ leaf: leaf.pem, trusted: [root.pem], purpose: 'server' as 'serverAuth' })).rejects.toThrow(/purpose must be 'serverAuth' or 'clientAuth' \(got "server"\)/);
  });
});

// The strict TLS profile and the no-false-accept rules of docs/verify.md, each on a generated PKI.
import 'reflect-metadata';
import * as x509 from '@peculiar/x509';
import { beforeAll, describe, expect, it } from 'vitest';
import { validatePath } from '../../src/pki/chain.ts';
import { issue, type Issued } from '../../src/pki/generate.ts';
import { nameConstraints } from '../helpers/der.ts';

const T0 = new Date('2026-12-01T00:00:00Z');
const days = (n: number): Date => new Date(T0.getTime() + n * 86_400_000);
const valid = { notBefore: days(-10), notAfter: days(300) };
const codes = (r: { errors: { code: string }[] }): string[] => r.errors.map((e) => e.code);

let root: Issued;
let ica: Issued;

beforeAll(async () => {
  root = await issue({ subject: 'CN=strict root', ca: true, ...valid });
  ica = await issue({ subject: 'CN=strict issuing', issuer: root, ca: true, ...valid });
});

describe('strict TLS extended key usage (CA/B BR 7.1.2.7.10)', () => {
  it.each(['codeSigning', '1.3.6.1.5.5.7.3.9', '1.3.6.1.5.5.7.3.8'])('rejects a TLS leaf that also carries %s', async (extra) => {
    const leaf = await issue({ subject: 'CN=a.example.com', issuer: ica, dns: ['a.example.com'], eku: ['serverAuth', 'clientAuth', extra], ...valid });
    expect(codes(validatePath(leaf.cert, [ica.cert], [root.cert], { at: T0, purpose: 'clientAuth' }))).toEqual(['eku-forbidden']);
    expect(validatePath(leaf.cert, [ica.cert], [root.cert], { at: T0 }).ok).toBe(true); // no purpose: no TLS profile
  });

  it('rejects a CA whose EKU offers anyExtendedKeyUsage in place of the purpose', async () => {
    const anyCa = await issue({ subject: 'CN=any issuing', issuer: root, ca: true, eku: ['anyExtendedKeyUsage', 'clientAuth'], ...valid });
    const leaf = await issue({ subject: 'CN=b.example.com', issuer: anyCa, dns: ['b.example.com'], eku: ['serverAuth'], ...valid });
    expect(codes(validatePath(leaf.cert, [anyCa.cert], [root.cert], { at: T0, purpose: 'serverAuth' }))).toEqual(['eku-missing']);
    expect(validatePath(leaf.cert, [anyCa.cert], [root.cert], { at: T0, purpose: 'clientAuth' }).ok).toBe(false); // the leaf lacks clientAuth
  });
});

describe('recognised extensions parse strictly, critical or not', () => {
  it('rejects a non-critical authorityInfoAccess that is not a SEQUENCE of AccessDescriptions', async () => {
    const junk = new x509.Extension('1.3.6.1.5.5.7.1.1', false, new Uint8Array([0x04, 0x02, 0x01, 0x02]));
    const leaf = await issue({ subject: 'CN=c.example.com', issuer: ica, dns: ['c.example.com'], eku: ['serverAuth'], extensions: [junk], ...valid });
    expect(codes(validatePath(leaf.cert, [ica.cert], [root.cert], { at: T0 }))).toEqual(['malformed-extension']);
  });

  it('rejects certificatePolicies naming one policy twice', async () => {
    const policy = [0x30, 0x05, 0x06, 0x03, 0x2a, 0x03, 0x04];
    const twice = new x509.Extension('2.5.29.32', false, new Uint8Array([0x30, 0x0e, ...policy, ...policy]));
    const leaf = await issue({ subject: 'CN=d.example.com', issuer: ica, dns: ['d.example.com'], eku: ['serverAuth'], extensions: [twice], ...valid });
    expect(codes(validatePath(leaf.cert, [ica.cert], [root.cert], { at: T0 }))).toEqual(['malformed-extension']);
  });
});

describe('name constraints and a host-like common name', () => {
  it('holds the CN to the DNS constraints when the SAN holds only an IP address', async () => {
    const permitted = nameConstraints({ permitted: [{ dns: 'company.com' }] });
    const constrained = await issue({ subject: 'CN=constrained', issuer: root, ca: true, extensions: [permitted], ...valid });
    const leaf = await issue({ subject: 'CN=evil.example.org', issuer: constrained, ips: ['10.0.0.1'], eku: ['clientAuth'], ...valid });
    const r = validatePath(leaf.cert, [constrained.cert], [root.cert], { at: T0, purpose: 'clientAuth' });
    expect(codes(r)).toEqual(['name-constraints']);
    expect(r.errors[0]!.message).toContain("dNSName 'evil.example.org' is outside the permitted subtrees");
  });
});

describe('loop pruning', () => {
  it('tries an anchor with the name and key of a certificate on the path when no shorter path could use it', async () => {
    // A is a self-issued copy of the root's name and key with its own key identifier; the leaf names
    // A's identifier, so the root is no candidate for the leaf, only for A.
    const a = await issue({ subject: 'CN=strict root', keys: root.keys, ca: true, keyIds: { subject: 'aa'.repeat(20), authority: null }, ...valid });
    const leaf = await issue({ subject: 'CN=e.example.com', issuer: a, dns: ['e.example.com'], eku: ['serverAuth'], keyIds: { authority: 'aa'.repeat(20) }, ...valid });
    const r = validatePath(leaf.cert, [a.cert], [root.cert], { at: T0, purpose: 'serverAuth' });
    expect(codes(r)).toEqual([]);
    expect(r.path?.map((c) => c.fingerprint)).toEqual([leaf.cert.fingerprint, a.cert.fingerprint, root.cert.fingerprint]);
  });
});

describe('name comparison (RFC 5280 7.1)', () => {
  it('chains an issuer name that differs from the CA subject only in case and spaces', async () => {
    const ca = await issue({ subject: 'CN=Good CA, O=Test Certificates', issuer: root, ca: true, ...valid });
    // The same CA, presented under "CN=GOOD  ca , O=test certificates": a leaf that names it so must chain.
    const alias = { ...ca, subject: 'O=test  certificates, CN=GOOD   ca' }; // issue() takes an issuer's subject in DER order
    const leaf = await issue({ subject: 'CN=f.example.com', issuer: alias, dns: ['f.example.com'], eku: ['serverAuth'], ...valid });
    expect(leaf.cert.issuer.der).not.toEqual(ca.cert.subject.der);
    expect(codes(validatePath(leaf.cert, [ca.cert], [root.cert], { at: T0, purpose: 'serverAuth' }))).toEqual([]);
    const other = { ...ca, subject: 'O=Test Certificates, CN=Good CA 2' };
    const stranger = await issue({ subject: 'CN=g.example.com', issuer: other, dns: ['g.example.com'], eku: ['serverAuth'], ...valid });
    expect(codes(validatePath(stranger.cert, [ca.cert], [root.cert], { at: T0, purpose: 'serverAuth' }))).toEqual(['issuer-not-found']);
  });
});

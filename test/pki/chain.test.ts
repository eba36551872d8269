// validatePath, one error code at a time, on PKIs issued at test time; then the path builder's
// backtracking (rollover cross-signs, expired alternates, decoys, cycles).
import 'reflect-metadata';
import * as x509 from '@peculiar/x509';
import { beforeAll, describe, expect, it } from 'vitest';
import { issue, type IssueOptions, type Issued } from '../../src/pki/generate.ts';
import { validatePath, type PathOptions, type PathResult } from '../../src/pki/chain.ts';
import type { Certificate } from '../../src/pki/cert.ts';
import { corruptSignature, nameConstraints, rawExtension, reissue } from '../helpers/der.ts';

const T0 = new Date('2026-12-01T00:00:00Z');
const days = (n: number): Date => new Date(T0.getTime() + n * 86_400_000);
const LONG = { notBefore: days(-365), notAfter: days(3650) } as const;
const HOST = 'broker-us-1.company.com';
const SERVER: PathOptions = { at: T0, hostname: HOST, purpose: 'serverAuth' };

let root: Issued;
let issuing: Issued;

const ca = (subject: string, issuer: Issued | undefined, o: Partial<IssueOptions> = {}) =>
  issue({ subject, ...LONG, ca: true, ...(issuer && { issuer }), ...o });
const server = (issuer: Issued, o: Partial<IssueOptions> = {}) =>
  issue({ subject: `CN=${HOST}`, issuer, notBefore: days(-30), notAfter: days(300), dns: [HOST], eku: ['serverAuth'], ...o });

const codes = (r: PathResult): string[] => r.errors.map((e) => e.code);
const names = (path: Certificate[] | undefined): string[] => (path ?? []).map((c) => c.subjectName);
const check = (leaf: Issued | Certificate, inter: (Issued | Certificate)[], anchors: (Issued | Certificate)[], o: PathOptions = SERVER) => {
  const c = (x: Issued | Certificate) => ('cert' in x ? x.cert : x);
  return validatePath(c(leaf), inter.map(c), anchors.map(c), o);
};

beforeAll(async () => {
  root = await ca('CN=Root 2026', undefined);
  issuing = await ca('CN=Issuing 2026', root, { ca: { pathLen: 0 } });
});

describe('validatePath: a valid chain', () => {
  it('builds leaf -> intermediate -> anchor and returns it leaf first', async () => {
    const r = check(await server(issuing), [issuing], [root]);
    expect(r).toMatchObject({ ok: true, errors: [] });
    expect(names(r.path)).toEqual([`CN=${HOST}`, 'CN=Issuing 2026', 'CN=Root 2026']);
  });

  it('trusts an intermediate placed among the anchors without needing its root', async () => {
    const r = check(await server(issuing), [root], [issuing]);
    expect(r.ok).toBe(true);
    expect(r.path).toHaveLength(2);
  });

  it('accepts validity that is inclusive of notAfter, to the second', async () => {
    const leaf = await server(issuing, { notAfter: new Date('2026-12-01T00:00:00Z') });
    expect(check(leaf, [issuing], [root], { ...SERVER, at: new Date('2026-12-01T00:00:00.900Z') }).ok).toBe(true);
    expect(codes(check(leaf, [issuing], [root], { ...SERVER, at: new Date('2026-12-01T00:00:01Z') }))).toEqual(['expired']);
  });
});

describe('validatePath: error codes', () => {
  it('issuer-not-found: names the missing issuer and where it looked (caller labels)', async () => {
    const r = check(await server(issuing), [], [root], { ...SERVER, labels: { intermediates: 'the chain broker-us-1 serves', anchors: 'the trust bundle rc-trust' } });
    expect(r.ok).toBe(false);
    expect(r.errors).toEqual([
      {
        code: 'issuer-not-found',
        message: `issuer 'CN=Issuing 2026' of 'CN=${HOST}' not found among the chain broker-us-1 serves or the trust bundle rc-trust`,
      },
    ]);
  });

  it('issuer-not-found: points at a same-name certificate with another key (a rollover mix-up)', async () => {
    const reissued = await ca('CN=Issuing 2026', root); // same name, new key
    const r = check(await server(issuing), [reissued], [root]);
    expect(codes(r)).toEqual(['issuer-not-found']);
    expect(r.errors[0]!.message).toMatch(
      /not found among the untrusted intermediates or the trust anchors; the untrusted intermediates hold a certificate of that name with another key \(subjectKeyIdentifier [0-9a-f]{16}…, needed [0-9a-f]{16}…\)$/,
    );
  });

  it('untrusted-root: a self-signed root that is only among the intermediates', async () => {
    const other = await ca('CN=Other Root', undefined);
    const r = check(await server(issuing), [issuing, root], [other]);
    expect(codes(r)).toEqual(['untrusted-root']);
    expect(r.errors[0]!.message).toMatch(/'CN=Root 2026' is self-signed but is not among the trust anchors/);
  });

  it('expired and not-yet-valid: the leaf', async () => {
    expect(codes(check(await server(issuing, { notAfter: days(-1) }), [issuing], [root]))).toEqual(['expired']);
    expect(codes(check(await server(issuing, { notBefore: days(1) }), [issuing], [root]))).toEqual(['not-yet-valid']);
  });

  it('expired: the closest candidate issuer, with its date, when no valid one exists', async () => {
    const old = await ca('CN=Issuing 2026', root, { keys: issuing.keys, notBefore: days(-400), notAfter: new Date('2026-10-01T00:00:00Z') });
    const r = check(await server(issuing), [old], [root]);
    expect(codes(r)).toEqual(['expired']);
    expect(r.errors[0]!.message).toBe(
      "'CN=Issuing 2026' expired 2026-10-01T00:00:00.000Z (candidate issuer of 'CN=broker-us-1.company.com' from the untrusted intermediates)",
    );
  });

  it('expired: a trust anchor', async () => {
    const oldRoot = await ca('CN=Old Root', undefined, { notBefore: days(-900), notAfter: days(-1) });
    expect(codes(check(await server(oldRoot), [], [oldRoot]))).toEqual(['expired']);
  });

  it('bad-signature: a leaf whose signature does not verify', async () => {
    const r = check(corruptSignature(await server(issuing)), [issuing], [root]);
    expect(codes(r)).toEqual(['bad-signature']);
    expect(r.errors[0]!.message).toMatch(/does not verify with the key of 'CN=Issuing 2026'/);
  });

  it('not-a-ca: an end-entity certificate used as an issuer, and a CA without basicConstraints', async () => {
    const notCa = await issue({ subject: 'CN=Not A CA', issuer: root, ...LONG, eku: ['serverAuth'] });
    expect(codes(check(await server(notCa), [notCa], [root]))).toContain('not-a-ca');
    const bare = await ca('CN=Bare CA', root, {
      bare: true,
      extensions: [new x509.KeyUsagesExtension(x509.KeyUsageFlags.keyCertSign, true)],
    });
    const r = check(await server(bare), [bare], [root]);
    expect(codes(r)).toEqual(['key-usage', 'not-a-ca']);
    expect(r.errors[0]!.message).toMatch(/asserts keyCertSign without basicConstraints CA:TRUE/);
    expect(r.errors[1]!.message).toMatch(/has no basicConstraints extension/);
  });

  it('path-len-exceeded: a CA with pathLen 0 above another intermediate', async () => {
    const sub = await ca('CN=Sub CA', issuing);
    const r = check(await server(sub), [sub, issuing], [root]);
    expect(codes(r)).toEqual(['path-len-exceeded']);
    expect(r.errors[0]!.message).toMatch(/'CN=Issuing 2026' allows 0 intermediate\(s\) below it/);
  });

  it('path-len: a self-issued intermediate (key rollover) does not count', async () => {
    const top = await ca('CN=PL Root', undefined);
    const icaOld = await ca('CN=PL ICA', top, { ca: { pathLen: 1 } });
    const icaNew = await ca('CN=PL ICA', icaOld); // same name, new key: self-issued
    const sub = await ca('CN=PL Sub', icaNew, { ca: { pathLen: 0 } });
    const r = check(await server(sub), [sub, icaNew, icaOld], [top]);
    expect(r.ok).toBe(true);
    expect(r.path).toHaveLength(5);
    // The same shape with a renamed middle CA counts it, and breaks pathLen 1.
    const renamed = await ca('CN=PL ICA 2', icaOld);
    const sub2 = await ca('CN=PL Sub', renamed, { ca: { pathLen: 0 } });
    expect(codes(check(await server(sub2), [sub2, renamed, icaOld], [top]))).toEqual(['path-len-exceeded']);
  });

  it('key-usage: a CA whose keyUsage lacks keyCertSign', async () => {
    const noSign = await ca('CN=No Sign CA', root, {
      bare: true,
      extensions: [new x509.BasicConstraintsExtension(true, undefined, true), new x509.KeyUsagesExtension(x509.KeyUsageFlags.cRLSign, true)],
    });
    const r = check(await server(noSign), [noSign], [root]);
    expect(codes(r)).toEqual(['key-usage']);
    expect(r.errors[0]!.message).toMatch(/keyUsage lacks keyCertSign/);
  });

  it('key-usage: a leaf asserting keyCertSign without CA:TRUE', async () => {
    const leaf = await server(issuing, {
      bare: true,
      extensions: [new x509.BasicConstraintsExtension(false, undefined, true), new x509.KeyUsagesExtension(x509.KeyUsageFlags.keyCertSign | x509.KeyUsageFlags.digitalSignature, true)],
    });
    expect(codes(check(leaf, [issuing], [root]))).toEqual(['key-usage']);
  });

  it('eku-missing: the leaf lacks the purpose, or has no EKU at all', async () => {
    const client = await server(issuing, { eku: ['clientAuth'] });
    const r = check(client, [issuing], [root]);
    expect(codes(r)).toEqual(['eku-missing']);
    expect(r.errors[0]!.message).toMatch(/extendedKeyUsage \(clientAuth\) lacks serverAuth/);
    expect(check(client, [issuing], [root], { at: T0, purpose: 'clientAuth' }).ok).toBe(true);
    expect(codes(check(await server(issuing, { eku: [] }), [issuing], [root]))).toEqual(['eku-missing']);
  });

  it('eku-missing: a CA whose EKU excludes the purpose; anyExtendedKeyUsage does not stand in for it', async () => {
    const clientOnly = await ca('CN=Client Only CA', root, { eku: ['clientAuth'] });
    const r = check(await server(clientOnly), [clientOnly], [root]);
    expect(codes(r)).toEqual(['eku-missing']);
    expect(r.errors[0]!.message).toMatch(/'CN=Client Only CA' restricts its extendedKeyUsage to clientAuth, which excludes serverAuth/);
    const anyCa = await ca('CN=Any CA', root, { eku: ['anyExtendedKeyUsage'] });
    expect(codes(check(await server(anyCa), [anyCa], [root]))).toEqual(['eku-missing']);
    const both = await ca('CN=Any and Server CA', root, { eku: ['anyExtendedKeyUsage', 'serverAuth'] });
    expect(check(await server(both), [both], [root]).ok).toBe(true);
  });

  it('eku-any: anyExtendedKeyUsage is no shortcut for a TLS leaf', async () => {
    expect(codes(check(await server(issuing, { eku: ['anyExtendedKeyUsage'] }), [issuing], [root]))).toEqual(['eku-missing']);
    expect(codes(check(await server(issuing, { eku: ['serverAuth', 'anyExtendedKeyUsage'] }), [issuing], [root]))).toEqual(['eku-any']);
  });

  it('ca-as-leaf: a CA certificate served as a TLS leaf', async () => {
    const caLeaf = await ca('CN=Served By Mistake', issuing, { dns: [HOST], eku: ['serverAuth'] });
    const r = check(caLeaf, [issuing], [root]);
    expect(codes(r)).toEqual(['ca-as-leaf']);
    expect(r.errors[0]!.message).toBe("'CN=Served By Mistake' is a CA certificate (basicConstraints CA:TRUE), not a serverAuth end-entity certificate");
    // Without a purpose the path is judged as RFC 5280 does: a CA certificate may end a path.
    expect(check(caLeaf, [issuing], [root], { at: T0 }).ok).toBe(true);
  });

  it('hostname-mismatch: another name, a CN-only name, an IP literal', async () => {
    const r = check(await server(issuing, { subject: 'CN=Broker', dns: ['broker-us-2.company.com'] }), [issuing], [root]);
    expect(r.errors).toEqual([{ code: 'hostname-mismatch', message: `${HOST} is not in the subjectAltName of 'CN=Broker' (found: DNS:broker-us-2.company.com)` }]);
    const cnOnly = check(await server(issuing, { dns: [] }), [issuing], [root]);
    expect(codes(cnOnly)).toContain('hostname-mismatch');
    expect(cnOnly.errors.find((e) => e.code === 'hostname-mismatch')!.message).toMatch(/no dNSName entries; the CN is never used/);
    expect(codes(check(await server(issuing), [issuing], [root], { ...SERVER, hostname: '10.0.0.1' }))).toEqual(['hostname-mismatch']);
  });

  it('hostname: leftmost-label wildcards only, one label, case-insensitive', async () => {
    const wild = await server(issuing, { subject: 'CN=Brokers', dns: ['*.company.com'] });
    const at = (hostname: string) => check(wild, [issuing], [root], { ...SERVER, hostname }).ok;
    expect(at('broker-us-1.company.com')).toBe(true);
    expect(at('BROKER-US-1.Company.COM')).toBe(true);
    expect(at('a.broker.company.com')).toBe(false);
    expect(at('company.com')).toBe(false);
    const partial = await server(issuing, { subject: 'CN=Brokers', dns: ['broker*.company.com', 'a.*.company.com'] });
    expect(check(partial, [issuing], [root], { ...SERVER, hostname: 'broker1.company.com' }).ok).toBe(false);
    expect(check(partial, [issuing], [root], { ...SERVER, hostname: 'a.b.company.com' }).ok).toBe(false);
  });

  it('cn-not-in-san: a host-like CN must be a copy of a SAN entry (CA/B BR 7.1.4.3)', async () => {
    const r = check(await server(issuing, { subject: 'CN=broker.company.com', dns: [HOST] }), [issuing], [root]);
    expect(codes(r)).toEqual(['cn-not-in-san']);
    // A CN that is not a host name (a label) is left alone, and client certificates are not held to it.
    expect(check(await server(issuing, { subject: 'CN=Broker US 1' }), [issuing], [root]).ok).toBe(true);
    const client = await server(issuing, { subject: 'CN=controller.eastus', dns: [], eku: ['clientAuth'] });
    expect(check(client, [issuing], [root], { at: T0, purpose: 'clientAuth' }).ok).toBe(true);
  });

  it('unknown-critical-extension: on the leaf and on a CA, but not on an unused intermediate', async () => {
    const odd = rawExtension('1.3.6.1.4.1.55738.666.1', true);
    expect(codes(check(await server(issuing, { extensions: [odd] }), [issuing], [root]))).toEqual(['unknown-critical-extension']);
    const oddCa = await ca('CN=Odd CA', root, { extensions: [odd] });
    expect(codes(check(await server(oddCa), [oddCa], [root]))).toEqual(['unknown-critical-extension']);
    const unrelated = await ca('CN=Unrelated CA', root, { extensions: [odd] });
    expect(check(await server(issuing), [unrelated, issuing], [root]).ok).toBe(true);
  });

  it('extension-criticality: a CA whose basicConstraints is not critical', async () => {
    const soft = await ca('CN=Soft CA', root, {
      bare: true,
      extensions: [new x509.BasicConstraintsExtension(true, undefined, false), new x509.KeyUsagesExtension(x509.KeyUsageFlags.keyCertSign, true)],
    });
    const r = check(await server(soft), [soft], [root]);
    expect(codes(r)).toEqual(['extension-criticality']);
    expect(r.errors[0]!.message).toMatch(/basicConstraints is not critical/);
  });

  it('certificate-policy: a CA that requires an explicit policy, and a path that has none (RFC 5280 6.1)', async () => {
    const requireExplicit = new x509.Extension('2.5.29.36', true, new Uint8Array([0x30, 0x03, 0x80, 0x01, 0x00]));
    const policy = new x509.Extension('2.5.29.32', false, new Uint8Array([0x30, 0x07, 0x30, 0x05, 0x06, 0x03, 0x2a, 0x03, 0x04]));
    const pc = await ca('CN=Policy CA', root, { extensions: [requireExplicit, policy] });
    expect(codes(check(await server(pc), [pc], [root]))).toEqual(['certificate-policy']);
    expect(check(await server(pc, { extensions: [policy] }), [pc], [root]).ok).toBe(true);
    const empty = await ca('CN=Empty Policy Constraints CA', root, { extensions: [rawExtension('2.5.29.36', true)] });
    expect(codes(check(await server(empty), [empty], [root]))).toEqual(['malformed-extension']);
  });

  it('legacy-version: a v1 leaf', async () => {
    const v3 = await server(issuing);
    // Drop [0] version and [3] extensions: what `openssl x509 -req` without extensions produces.
    const v1 = reissue(v3, issuing, (parts) => parts.slice(1, -1));
    expect(v1.cert.version).toBe(1);
    expect(codes(check(v1.cert, [issuing], [root], { at: T0 }))).toContain('legacy-version');
  });

  it('signature-algorithm and key-type: SHA-1 signatures and small RSA keys are refused', async () => {
    const sha1 = await server(issuing, { hash: 'SHA-1' });
    expect(codes(check(sha1, [issuing], [root]))).toEqual(['signature-algorithm']);
    const smallRoot = await ca('CN=Small RSA Root', undefined, { key: 'rsa-1024' });
    expect(codes(check(await server(smallRoot), [], [smallRoot]))).toEqual(['key-type']);
  });

  it('a trust anchor self-signed with SHA-1 is still usable: its self-signature proves nothing', async () => {
    const sha1Root = await ca('CN=SHA1 Root', undefined, { hash: 'SHA-1' });
    expect(sha1Root.cert.signatureAlgorithm.name).toBe('ecdsa-with-SHA1');
    const sub = await ca('CN=SHA256 Sub', sha1Root, { hash: 'SHA-256' });
    expect(check(await server(sub), [sub], [sha1Root]).ok).toBe(true);
  });

  it('depth-exceeded: more intermediates than maxDepth', async () => {
    const leaf = await server(issuing);
    expect(check(leaf, [issuing], [root], { ...SERVER, maxDepth: 1 }).ok).toBe(true);
    expect(codes(check(leaf, [issuing], [root], { ...SERVER, maxDepth: 0 }))).toEqual(['depth-exceeded']);
  });

  it('a leaf that is itself a trust anchor is trusted, and still checked', async () => {
    const pinned = await issue({ subject: `CN=${HOST}`, notBefore: days(-1), notAfter: days(30), dns: [HOST], eku: ['serverAuth'] });
    const r = check(pinned, [], [pinned]);
    expect(r.ok).toBe(true);
    expect(r.path).toHaveLength(1);
    expect(codes(check(pinned, [], [pinned], { ...SERVER, hostname: 'other.company.com' }))).toEqual(['hostname-mismatch']);
  });

  it('reports every leaf problem at once, with the chain problem', async () => {
    const leaf = await server(issuing, { notAfter: days(-1), eku: ['clientAuth'], dns: ['other.company.com'], subject: 'CN=Broker' });
    expect(codes(check(leaf, [], [root]))).toEqual(['expired', 'eku-missing', 'hostname-mismatch', 'issuer-not-found']);
  });
});

describe('validatePath: name constraints', () => {
  let constrained: Issued;
  beforeAll(async () => {
    constrained = await ca('CN=Company Only CA', root, {
      extensions: [nameConstraints({ permitted: [{ dns: 'company.com' }], excluded: [{ dns: 'secret.company.com' }, { ip: '10.0.0.0', bits: 8 }] })],
    });
  });

  it('accepts names inside the permitted subtree', async () => {
    expect(check(await server(constrained), [constrained], [root]).ok).toBe(true);
  });

  it('name-constraints: a SAN outside the permitted subtree, or inside an excluded one', async () => {
    const evil = await server(constrained, { subject: 'CN=evil', dns: ['evil.com', HOST] });
    const r = check(evil, [constrained], [root]);
    expect(codes(r)).toEqual(['name-constraints']);
    expect(r.errors[0]!.message).toMatch(/dNSName 'evil.com' is outside the permitted subtrees \('company.com'\)/);
    expect(codes(check(await server(constrained, { subject: 'CN=x', dns: [HOST, 'db.secret.company.com'] }), [constrained], [root]))).toEqual(['name-constraints']);
    expect(codes(check(await server(constrained, { ips: ['10.1.2.3'] }), [constrained], [root]))).toEqual(['name-constraints']);
  });

  it('name-constraints: compared case-insensitively, constraint and name alike', async () => {
    const shouting = await ca('CN=Shouting NC CA', root, { extensions: [nameConstraints({ excluded: [{ dns: 'SECRET.Company.COM' }] })] });
    const r = check(await server(shouting, { subject: 'CN=x', dns: [HOST, 'Db.Secret.company.com'] }), [shouting], [root]);
    expect(r.errors).toEqual([
      {
        code: 'name-constraints',
        message:
          "'CN=x' violates the name constraints of 'CN=Shouting NC CA': dNSName 'Db.Secret.company.com' is within the excluded subtree 'SECRET.Company.COM' (candidate issuer of 'CN=x' from the untrusted intermediates)",
      },
    ]);
  });

  it('name-constraints: e-mail addresses in the SAN are held to rfc822Name constraints', async () => {
    const mailCa = await ca('CN=Mail NC CA', root, { extensions: [nameConstraints({ permitted: [{ dns: 'company.com' }, { email: 'company.com' }] })] });
    const withMail = (mail: string) =>
      server(mailCa, { dns: [], extensions: [new x509.SubjectAlternativeNameExtension([{ type: 'dns', value: HOST }, { type: 'email', value: mail }])] });
    expect(check(await withMail('ops@company.com'), [mailCa], [root]).ok).toBe(true);
    const r = check(await withMail('ops@evil.example'), [mailCa], [root]);
    expect(codes(r)).toEqual(['name-constraints']);
    expect(r.errors[0]!.message).toMatch(/rfc822Name 'ops@evil.example' is outside the permitted subtrees/);
  });

  it('name-constraints: a wildcard SAN that could match an excluded name', async () => {
    const wild = await server(constrained, { subject: 'CN=x', dns: ['*.secret.company.com', '*.company.com'] });
    const r = check(wild, [constrained], [root], { ...SERVER, hostname: 'a.company.com' });
    expect(codes(r)).toEqual(['name-constraints']);
  });

  it('name-constraints: applied from the trust anchor too, and not to a self-issued intermediate', async () => {
    const ncRoot = await ca('CN=NC Root', undefined, { extensions: [nameConstraints({ permitted: [{ dns: 'company.com' }] })] });
    const sub = await ca('CN=NC Sub', ncRoot, { dns: ['not-company.org'] });
    expect(codes(check(await server(sub), [sub], [ncRoot]))).toEqual(['name-constraints']);
    const rollover = await ca('CN=NC Root', ncRoot, { dns: ['not-company.org'] }); // self-issued: exempt
    expect(check(await server(rollover), [rollover], [ncRoot]).ok).toBe(true);
  });

  it('name-constraints: a malformed constraint makes the CA unusable', async () => {
    const dotted = await ca('CN=Dotted NC CA', root, { extensions: [nameConstraints({ permitted: [{ dns: '.company.com' }] })] });
    const r = check(await server(dotted), [dotted], [root]);
    expect(r.ok).toBe(false);
    expect(r.errors[0]).toMatchObject({ code: 'name-constraints', message: expect.stringMatching(/malformed dNSName '.company.com' name constraint/) });
  });

  it('too-complex: constraints times names beyond the work limit fail closed', async () => {
    const many = Array.from({ length: 700 }, (_, i) => ({ dns: `n${i}.company.com` }));
    const heavy = await ca('CN=Heavy NC CA', root, { extensions: [nameConstraints({ permitted: many })] });
    const names = Array.from({ length: 400 }, (_, i) => `n${i}.company.com`);
    const r = check(await server(heavy, { subject: 'CN=x', dns: [HOST, ...names] }), [heavy], [root], { ...SERVER, hostname: 'n1.company.com' });
    expect(codes(r)).toEqual(['too-complex']);
  });
});

describe('validatePath: path building backtracks', () => {
  it('rollover: a cross-signed new root reaches the old anchor when only the old root is trusted', async () => {
    const root2025 = await ca('CN=Root 2025', undefined);
    const root2026 = await ca('CN=Root 2026 R', undefined);
    const cross = await ca(root2026.subject, root2025, { keys: root2026.keys });
    const ica = await ca('CN=Issuing R', root2026);
    const leaf = await server(ica);
    // The self-signed new root comes first among the intermediates: a dead end the builder must back out of.
    const oldOnly = check(leaf, [ica, root2026, cross], [root2025]);
    expect(oldOnly.ok).toBe(true);
    expect(names(oldOnly.path)).toEqual([`CN=${HOST}`, 'CN=Issuing R', 'CN=Root 2026 R', 'CN=Root 2025']);
    expect(oldOnly.path![2]!.fingerprint).toBe(cross.cert.fingerprint);
    const newOnly = check(leaf, [ica, cross], [root2026]);
    expect(names(newOnly.path)).toEqual([`CN=${HOST}`, 'CN=Issuing R', 'CN=Root 2026 R']);
  });

  it('an expired cross-sign next to a valid self-signed root (the chain of pain)', async () => {
    const oldRoot = await ca('CN=AddTrust-like Root', undefined, { notBefore: days(-5000), notAfter: days(-10) });
    const newRoot = await ca('CN=USERTrust-like Root', undefined);
    const expiredCross = await ca(newRoot.subject, oldRoot, { keys: newRoot.keys, notBefore: days(-3000), notAfter: days(-10) });
    const ica = await ca('CN=Sectigo-like ICA', newRoot);
    const r = check(await server(ica), [ica, expiredCross], [oldRoot, newRoot]);
    expect(r.ok).toBe(true);
    expect(r.path!.at(-1)!.fingerprint).toBe(newRoot.cert.fingerprint);
  });

  it('an expired alternate issuer next to a valid one, whatever the order', async () => {
    const expired = await ca(issuing.subject, root, { keys: issuing.keys, notBefore: days(-900), notAfter: days(-200) });
    const leaf = await server(issuing);
    expect(check(leaf, [expired, issuing], [root]).ok).toBe(true);
    expect(check(leaf, [issuing, expired], [root]).ok).toBe(true);
  });

  it('a valid-looking first candidate that leads nowhere: backs out and takes the second', async () => {
    const orphanRoot = await ca('CN=Orphan Root', undefined);
    const deadEnd = await ca(issuing.subject, orphanRoot, { keys: issuing.keys });
    const r = check(await server(issuing), [deadEnd, issuing], [root]);
    expect(r.ok).toBe(true);
    expect(r.path![1]!.fingerprint).toBe(issuing.cert.fingerprint);
  });

  it('decoys: same-name intermediates with other keys, unrelated certificates, duplicates', async () => {
    const decoy = await ca(issuing.subject, root); // same name, another key
    const unrelated = await ca('CN=Unrelated', root);
    const r = check(await server(issuing), [decoy, unrelated, decoy, issuing, issuing], [root, root]);
    expect(r.ok).toBe(true);
    expect(r.path![1]!.fingerprint).toBe(issuing.cert.fingerprint);
  });

  it('cycles: two CAs that sign each other, with no way to an anchor, fail cleanly', async () => {
    const a = await ca('CN=Cycle A', undefined);
    const b = await ca('CN=Cycle B', a);
    const aByB = await ca('CN=Cycle A', b, { keys: a.keys });
    const leaf = await server(b);
    const other = await ca('CN=Somewhere Else', undefined);
    const r = check(leaf, [b, aByB], [other]);
    expect(r.ok).toBe(false);
    expect(codes(r)).toEqual(['issuer-not-found']);
    expect(r.errors[0]!.message).toMatch(/^the only issuer of 'CN=Cycle A' among .* leads back into the path \(a cycle\)/);
    // Trusting A resolves the same graph.
    expect(check(leaf, [b, aByB], [a]).ok).toBe(true);
  });

  it('same name and key many times over: pruned, not explored exponentially', async () => {
    const key = (await ca('CN=Loop', undefined)).keys;
    const loops: Issued[] = [];
    let prev: Issued | undefined;
    for (let i = 0; i < 20; i++) {
      prev = await ca('CN=Loop', prev, { keys: key, serial: `0${(i + 1).toString(16).padStart(2, '0')}` });
      loops.push(prev);
    }
    const started = performance.now();
    const r = check(await server(loops.at(-1)!), loops, [root]);
    expect(r.ok).toBe(false);
    expect(performance.now() - started).toBeLessThan(2000);
  });
});

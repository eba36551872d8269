// The real @azure/keyvault-certificates SDK against a local HTTPS server speaking the Key Vault
// REST API: TLS verification and the challenge-resource check stay on; only the address is local.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readKeyVault } from '../../src/sources/keyvault.ts';
import { Resolver, resolvingAgent } from '../../src/sources/resolve.ts';
import { keyVaultKey } from '../../src/model/live.ts';
import type { KeyVaultRef } from '../../src/topology/model.ts';
import type { KeyVaultRead } from '../../src/model/types.ts';
import { FakeKeyVault, fakeCredential } from '../helpers/keyvault-server.ts';
import { days, testPki } from '../helpers/estate.ts';

const location = { file: 'rc-topology.yaml', line: 1, column: 1 };
const ref = (vault: string, certificate: string, version?: string): KeyVaultRef => ({ vault, certificate, vaultExplicit: true, location, ...(version && { version }) });

let kv: FakeKeyVault;
const certs: Uint8Array[] = [];

beforeAll(async () => {
  kv = await FakeKeyVault.start(['kv-us', 'kv-in']);
  const pki = await testPki();
  for (let i = 0; i < 4; i++) certs.push((await pki.server(`broker-${i}.company.com`)).cert.der);
  // Three versions (page size 2: the version list takes two pages via nextLink), current = certs[2].
  kv.put('kv-us', 'rotated', [
    { der: certs[0]!, created: days(-300) },
    { der: certs[1]!, created: days(-200) },
    { der: certs[2]!, created: days(-10) },
  ]);
  kv.put('kv-us', 'disabled-current', [
    { der: certs[0]!, created: days(-300) },
    { der: certs[1]!, created: days(-200) },
    { der: certs[3]!, created: days(-1), enabled: false },
  ]);
  kv.put('kv-us', 'all-disabled', [{ der: certs[0]!, created: days(-3), enabled: false }]);
  kv.put('kv-in', 'throttled-twice', [{ der: certs[3]!, created: days(-3) }]);
  kv.fault('kv-in', 'throttled-twice', { status: 429, times: 2 });
  kv.put('kv-in', 'throttled', [{ der: certs[3]!, created: days(-3) }]);
  kv.fault('kv-in', 'throttled', { status: 429 });
  kv.put('kv-in', 'forbidden', [{ der: certs[3]!, created: days(-3) }]);
  kv.fault('kv-in', 'forbidden', { status: 403 });
  kv.fault('kv-in', 'broken', { status: 500 });
  kv.fault('kv-in', 'slow', { hang: true });
  kv.fault('kv-in', 'garbled', { malformed: true });
});
afterAll(() => kv?.stop());

async function read(refs: KeyVaultRef[], o: { ca?: string | false; server?: FakeKeyVault; perVault?: number } = {}): Promise<Map<string, KeyVaultRead>> {
  const server = o.server ?? kv;
  const agent = resolvingAgent(new Resolver(server.resolveEntries()), o.ca === false ? {} : { ca: o.ca ?? server.ca.pem });
  try {
    return await readKeyVault(refs, {
      credential: fakeCredential(),
      agent,
      timeoutMs: 1500,
      regions: [],
      retry: { attempts: 3, baseDelayMs: 10, maxDelayMs: 50 },
      ...(o.perVault && { perVaultConcurrency: o.perVault }),
    });
  } finally {
    agent.destroy();
  }
}

const get = (m: Map<string, KeyVaultRead>, r: KeyVaultRef) => m.get(keyVaultKey(r))!;

describe('Key Vault source (real SDK, local Key Vault)', () => {
  it('reads the current version, follows nextLink through every version, and never touches secrets or keys', async () => {
    const scopes: string[][] = [];
    const r = ref('kv-us', 'rotated');
    const agent = resolvingAgent(new Resolver(kv.resolveEntries()), { ca: kv.ca.pem });
    const before = kv.requests.length;
    const out = await readKeyVault([r], { credential: fakeCredential(scopes), agent, timeoutMs: 2000, regions: [] });
    agent.destroy();
    const got = get(out, r);
    expect(got.status).toBe('found');
    if (got.status !== 'found') return;
    expect(Buffer.from(got.referenced.cert.der)).toEqual(Buffer.from(certs[2]!));
    expect(got.expected?.version).toBe(got.referenced.version);
    expect(got.versions.map((v) => v.version)).toEqual([2, 1, 0].map((i) => kv.versionId('kv-us', 'rotated', i)));
    expect(got.versions.every((v) => v.enabled && /^[0-9a-f]{40}$/.test(v.sha1 ?? ''))).toBe(true);
    const log = kv.requests.slice(before);
    // The challenge flow: an unauthenticated request, the 401 challenge, then the token for the vault's resource.
    expect(log[0]!.authorized).toBe(false);
    expect(scopes).toContainEqual(['https://vault.azure.net/.default']);
    expect(log.filter((q) => q.authorized).map((q) => q.path)).toEqual([
      '/certificates/rotated',
      '/certificates/rotated/versions',
      '/certificates/rotated/versions',
    ]);
    expect(log.filter((q) => q.path.endsWith('/versions'))[1]!.query.$skiptoken).toBe('2');
    expect(log.every((q) => q.query['api-version'])).toBe(true);
  });

  it('falls back to the newest enabled version when the current one is disabled', async () => {
    const r = ref('kv-us', 'disabled-current');
    const got = get(await read([r]), r);
    expect(got.status).toBe('found');
    if (got.status !== 'found') return;
    expect(got.referenced.enabled).toBe(false);
    expect(Buffer.from(got.referenced.cert.der)).toEqual(Buffer.from(certs[3]!));
    expect(got.expected?.version).toBe(kv.versionId('kv-us', 'disabled-current', 1));
    expect(Buffer.from(got.expected!.cert.der)).toEqual(Buffer.from(certs[1]!));
  });

  it('has no expected version when none is enabled', async () => {
    const r = ref('kv-us', 'all-disabled');
    const got = get(await read([r]), r);
    expect(got).toMatchObject({ status: 'found', referenced: { enabled: false } });
    expect(got.status === 'found' && got.expected).toBeUndefined();
  });

  it('reads a pinned version', async () => {
    const r = ref('kv-us', 'rotated', kv.versionId('kv-us', 'rotated', 0));
    const got = get(await read([r]), r);
    expect(got.status === 'found' && Buffer.from(got.referenced.cert.der)).toEqual(Buffer.from(certs[0]!));
    expect(got.status === 'found' && got.expected?.version).toBe(kv.versionId('kv-us', 'rotated', 0));
  });

  it('turns 404 into not-found, with Key Vault\'s own message', async () => {
    const missing = ref('kv-us', 'nope');
    const missingVersion = ref('kv-us', 'rotated', 'ffffffffffffffffffffffffffffffff');
    const out = await read([missing, missingVersion]);
    expect(get(out, missing)).toMatchObject({ status: 'not-found', reason: expect.stringMatching(/404 CertificateNotFound.*nope was not found/) });
    expect(get(out, missingVersion)).toMatchObject({ status: 'not-found' });
  });

  it('retries a 429 without Retry-After with backoff', async () => {
    const r = ref('kv-in', 'throttled-twice');
    const before = kv.requests.filter((q) => q.path === '/certificates/throttled-twice' && q.authorized).length;
    const got = get(await read([r]), r);
    expect(got.status).toBe('found');
    expect(kv.requests.filter((q) => q.path === '/certificates/throttled-twice' && q.authorized).length - before).toBe(3);
  });

  it('turns every failing vault answer into a failed read with its reason, and finishes', async () => {
    const refs = { throttled: ref('kv-in', 'throttled'), forbidden: ref('kv-in', 'forbidden'), broken: ref('kv-in', 'broken'), slow: ref('kv-in', 'slow'), garbled: ref('kv-in', 'garbled') };
    const out = await read(Object.values(refs));
    expect(get(out, refs.throttled)).toMatchObject({ status: 'failed', reason: expect.stringMatching(/^HTTP 429 Throttled \(throttled\): .*\(after 3 attempts\)$/) });
    expect(get(out, refs.forbidden)).toMatchObject({ status: 'failed', reason: expect.stringMatching(/^HTTP 403 Forbidden \(access denied\): Caller is not authorized/) });
    expect(get(out, refs.broken)).toMatchObject({ status: 'failed', reason: expect.stringMatching(/^HTTP 500 .*\(after 3 attempts\)$/) });
    expect(get(out, refs.slow)).toMatchObject({ status: 'failed', reason: 'no answer within 1500 ms (after 3 attempts)' });
    expect(get(out, refs.garbled)).toMatchObject({ status: 'failed', reason: 'Key Vault answered HTTP 200 with a body that is not valid JSON' });
    expect(JSON.stringify([...out.values()])).not.toMatch(/fake-token|Bearer/);
  });

  it('keeps TLS verification on: a vault whose certificate is not trusted fails', async () => {
    const r = ref('kv-us', 'rotated');
    const got = get(await read([r], { ca: false }), r);
    expect(got).toMatchObject({ status: 'failed', reason: expect.stringMatching(/certificate/i) });
  });

  it('keeps the challenge-resource check on: a challenge for another resource is refused', async () => {
    const evil = await FakeKeyVault.start(['kv-us'], { resource: 'https://vault.example.com' });
    try {
      evil.put('kv-us', 'rotated', [{ der: certs[0]!, created: days(-1) }]);
      const r = ref('kv-us', 'rotated');
      const got = get(await read([r], { server: evil }), r);
      expect(got).toMatchObject({ status: 'failed', reason: expect.stringMatching(/challenge resource .* does not match/) });
      expect(evil.requests.every((q) => !q.authorized)).toBe(true);
    } finally {
      await evil.stop();
    }
  });

  it('keeps per-vault concurrency low', async () => {
    const slow = await FakeKeyVault.start(['kv-us'], { delayMs: 30 });
    try {
      const refs = Array.from({ length: 8 }, (_, i) => ref('kv-us', `c${i}`));
      for (const r of refs) slow.put('kv-us', r.certificate, [{ der: certs[0]!, created: days(-1) }]);
      const out = await read(refs, { server: slow, perVault: 2 });
      expect([...out.values()].every((r) => r.status === 'found')).toBe(true);
      expect(slow.maxInFlight.get('kv-us')).toBe(2);
    } finally {
      await slow.stop();
    }
  });
});

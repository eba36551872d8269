// A seed-000 estate generated at test time (EC P-256 keys: fast), written to a temporary folder and
// checked through the library. Rule tests start from the clean baseline and break one thing.
import { mkdtemp, mkdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll } from 'vitest';
import { stringify } from 'yaml';
import { check, type CheckOptions } from '../../src/check.ts';
import { issue, type IssueOptions, type Issued } from '../../src/pki/generate.ts';
import type { Finding, Report } from '../../src/report/types.ts';

/** The evaluation time of every estate test (matches ../shared/scenarios). */
export const T0 = new Date('2026-12-01T00:00:00Z');
const DAY = 86_400_000;
export const days = (n: number, from = T0): Date => new Date(from.getTime() + n * DAY);

export interface Pki {
  readonly root: Issued;
  readonly serverCa: Issued;
  readonly clientCa: Issued;
  /** A broker/server leaf for fqdn from serverCa (SAN = fqdn, EKU serverAuth), with overrides. */
  server(fqdn: string, o?: Partial<IssueOptions>): Promise<Issued>;
  /** A client leaf from clientCa (EKU clientAuth), with overrides. */
  client(name: string, o?: Partial<IssueOptions>): Promise<Issued>;
}

let cached: Promise<Pki> | undefined;

export function testPki(): Promise<Pki> {
  cached ??= (async () => {
    const root = await issue({ subject: 'CN=Test Root CA, O=Company', notBefore: days(-700), notAfter: days(3000), ca: { pathLen: 1 } });
    const ca = { issuer: root, notBefore: days(-600), notAfter: days(900), ca: { pathLen: 0 } } as const;
    const serverCa = await issue({ ...ca, subject: 'CN=Test Server Issuing CA, O=Company' });
    const clientCa = await issue({ ...ca, subject: 'CN=Test Client Issuing CA, O=Company' });
    const leaf = { notBefore: days(-30), notAfter: days(300) };
    return {
      root,
      serverCa,
      clientCa,
      server: (fqdn, o = {}) => issue({ ...leaf, subject: `CN=${fqdn}, O=Company`, issuer: serverCa, dns: [fqdn], eku: ['serverAuth'], ...o }),
      client: (name, o = {}) => issue({ ...leaf, subject: `CN=${name}, O=Company`, issuer: clientCa, eku: ['clientAuth'], ...o }),
    };
  })();
  return cached;
}

export type Json = any; // eslint-disable-line @typescript-eslint/no-explicit-any

export interface Estate {
  /** The topology as a plain object; written as YAML. */
  topology: Json;
  /** Files by path relative to the topology (PEM text or bytes). */
  files: Record<string, string | Uint8Array>;
  pki: Pki;
}

export const BROKERS = [
  { id: 'broker-us-1', region: 'us' },
  { id: 'broker-us-2', region: 'us' },
  { id: 'broker-in-3', region: 'in' },
] as const;

export const CLIENTS = [
  { id: 'controller-us', role: 'controller', region: 'us', connectsTo: ['crlb'] },
  { id: 'target-us', role: 'target', region: 'us', connectsTo: ['slb-us'] },
  { id: 'target-in', role: 'target', region: 'in', connectsTo: ['crlb'] },
] as const;

/** The clean seed-000 estate of ../shared/scenarios/baseline, freshly issued. */
export async function baseline(): Promise<Estate> {
  const pki = await testPki();
  const files: Estate['files'] = {
    'pki/root.pem': pki.root.pem,
    'pki/server-issuing.pem': pki.serverCa.pem,
    'pki/client-issuing.pem': pki.clientCa.pem,
    'pki/rc-trust-bundle.pem': pki.root.pem,
  };
  for (const b of BROKERS) files[`certs/${b.id}.pem`] = (await leafFor(pki, b.id)) + pki.serverCa.pem;
  for (const c of CLIENTS) files[`certs/${c.id}.pem`] = (await clientFor(pki, c.id)) + pki.clientCa.pem;
  const broker = (id: string, i: number) => ({
    id,
    fqdn: `${id}.company.com`,
    port: 443,
    address: `10.0.1.${4 + i}`,
    issuer: 'server-issuing',
    cert: { file: `certs/${id}.pem`, keyVault: { certificate: `${id}-cert` } },
    clientAuth: { required: true, trustBundle: 'rc-trust' },
  });
  const region = (id: string, address: string) => ({
    id,
    keyVault: { name: `kv-${id}` },
    loadBalancers: [
      {
        id: `slb-${id}`,
        type: 'azure-standard-lb',
        frontend: { fqdn: `slb-${id}.company.com`, address },
        listeners: [{ port: 443, protocol: 'tcp', backendPort: 443 }],
        backends: BROKERS.filter((b) => b.region === id).map((b) => b.id),
      },
    ],
    brokers: BROKERS.filter((b) => b.region === id).map((b, i) => broker(b.id, i)),
  });
  const topology = {
    apiVersion: 'rc-policy/v1',
    kind: 'Topology',
    metadata: { name: 'rc-test' },
    cas: [
      { id: 'root', cert: { file: 'pki/root.pem' } },
      { id: 'server-issuing', issuer: 'root', cert: { file: 'pki/server-issuing.pem' } },
      { id: 'client-issuing', issuer: 'root', cert: { file: 'pki/client-issuing.pem' } },
    ],
    trustBundles: [{ id: 'rc-trust', cas: ['root'], file: 'pki/rc-trust-bundle.pem' }],
    regions: [region('us', '20.0.0.10'), region('in', '20.1.0.10')],
    globalLoadBalancers: [
      { id: 'crlb', type: 'azure-cross-region-lb', frontend: { fqdn: 'rc.company.com' }, listeners: [{ port: 443, protocol: 'tcp' }], backends: ['slb-us', 'slb-in'] },
    ],
    clients: CLIENTS.map((c) => ({ ...c, connectsTo: [...c.connectsTo], cert: { file: `certs/${c.id}.pem` }, trustBundle: 'rc-trust' })),
  };
  return { topology, files, pki };
}

// Leaves are issued once per test process: most cases replace one file and keep the rest.
const leafCache = new Map<string, Promise<string>>();
const leafFor = (pki: Pki, id: string) => {
  if (!leafCache.has(id)) leafCache.set(id, pki.server(`${id}.company.com`).then((c) => c.pem));
  return leafCache.get(id)!;
};
const clientFor = (pki: Pki, id: string) => {
  if (!leafCache.has(`client:${id}`)) leafCache.set(`client:${id}`, pki.client(id).then((c) => c.pem));
  return leafCache.get(`client:${id}`)!;
};

/** Finds a broker object in the topology by id. */
export function broker(e: Estate, id: string): Json {
  for (const r of e.topology.regions) for (const b of r.brokers ?? []) if (b.id === id) return b;
  throw new Error(`no broker ${id}`);
}

export function region(e: Estate, id: string): Json {
  const r = e.topology.regions.find((x: Json) => x.id === id);
  if (!r) throw new Error(`no region ${id}`);
  return r;
}

const dirs: string[] = [];
try {
  afterAll(async () => {
    await Promise.all(dirs.map((d) => rm(d, { recursive: true, force: true })));
  });
} catch {
  // Not under vitest (scripts/fuzz.ts builds estates too): nothing to register.
}

/** Writes the estate to a fresh temporary folder; returns the topology path. */
export async function writeEstate(e: Pick<Estate, 'topology' | 'files'>, name = 'rc-topology.yaml'): Promise<string> {
  const dir = await mkdtemp(path.join(tmpdir(), 'rc-policy-test-'));
  dirs.push(dir);
  for (const [rel, content] of Object.entries(e.files)) {
    await mkdir(path.dirname(path.join(dir, rel)), { recursive: true });
    await writeFile(path.join(dir, rel), content);
  }
  const file = path.join(dir, name);
  await writeFile(file, name.endsWith('.json') ? JSON.stringify(e.topology, null, 2) : stringify(e.topology));
  return file;
}

export async function evaluate(e: Pick<Estate, 'topology' | 'files'>, o: { at?: Date; policy?: string; matrix?: CheckOptions['matrix'] } = {}): Promise<Report> {
  const file = await writeEstate(e);
  return check({ topology: file, at: o.at ?? T0, cwd: path.dirname(file), ...(o.policy && { policy: o.policy }), ...(o.matrix && { matrix: o.matrix }) });
}

export const findings = (r: Report, rule: string): Finding[] => r.findings.filter((f) => f.rule === rule);

/** Findings at error or warning level: what a clean estate must not have. */
export const problems = (r: Report): Finding[] => r.findings.filter((f) => f.severity !== 'info');

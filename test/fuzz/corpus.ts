// The valid inputs the fuzzer starts from, generated at run time (never committed: some hold keys):
// the seed-000 estate of test/helpers/estate.ts as YAML and JSON, its certificates as PEM and DER,
// an RSA certificate, a private key, a PKCS#12 file, the built-in policy packs and a ConfigMap.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { stringify } from 'yaml';
import { packageRoot } from '../../src/package.ts';
import { issue, privateKeyPem } from '../../src/pki/generate.ts';
import { baseline, days, type Json } from '../helpers/estate.ts';
import { asIndefiniteLength, makePkcs12, pfxShape } from '../helpers/pkcs12.ts';

export interface Corpus {
  /** The clean estate: topology object and files by relative path (PEM text). */
  readonly estate: { readonly topology: Json; readonly files: Readonly<Record<string, string>> };
  /** Topology, pack, waiver-like and ConfigMap texts. */
  readonly yaml: readonly string[];
  readonly pem: readonly string[];
  readonly der: readonly Uint8Array[];
  readonly pkcs12: readonly Uint8Array[];
  readonly packs: readonly string[];
  readonly configMaps: readonly string[];
  /** Secrets planted in some inputs: they must never come back out. */
  readonly keyPem: string;
}

let cached: Promise<Corpus> | undefined;

export function corpus(): Promise<Corpus> {
  cached ??= build();
  return cached;
}

async function build(): Promise<Corpus> {
  const e = await baseline();
  const files = Object.fromEntries(Object.entries(e.files).map(([k, v]) => [k, typeof v === 'string' ? v : Buffer.from(v).toString('utf8')]));
  const rsa = await issue({ subject: 'CN=rsa.company.com, O=Company', key: 'rsa-2048', issuer: e.pki.serverCa, dns: ['rsa.company.com'], eku: ['serverAuth'], notBefore: days(-10), notAfter: days(100) });
  const wild = await issue({ subject: 'CN=*.company.com', issuer: e.pki.serverCa, dns: ['*.company.com', 'x.company.com'], ips: ['10.0.0.1'], eku: ['serverAuth', 'clientAuth'], notBefore: days(-10), notAfter: days(100), hash: 'SHA-1' });
  const keyPem = await privateKeyPem(e.pki.serverCa.keys);
  const pem = [...Object.values(files), rsa.pem, wild.pem, rsa.pem + e.pki.serverCa.pem + e.pki.root.pem, wild.pem + keyPem];
  const der = [e.pki.root, e.pki.serverCa, e.pki.clientCa, rsa, wild].map((c) => c.cert.der);
  const made = makePkcs12(rsa.pem, await privateKeyPem(rsa.keys), 'fuzz-pfx-password');
  const pkcs12 = [made.bytes, asIndefiniteLength(made.bytes), pfxShape()];
  const packs = ['rc-default', 'lb-tls-offload'].map((n) => readFileSync(path.join(packageRoot, 'policies', `${n}.yaml`), 'utf8'));
  packs.push(stringify({ apiVersion: 'rc-policy/v1', kind: 'PolicyPack', metadata: { name: 'custom' }, extends: 'rc-default', params: { renewBeforeDays: 45, allowedCurves: ['P-256'] }, rules: { 'broker/wildcard': 'error', 'lb/orphan-broker': 'off' } }));
  const configMaps = [
    stringify({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'rc-trust-bundle' }, data: { 'ca.crt': e.pki.root.pem + e.pki.serverCa.pem } }),
    `${stringify({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'x' } })}---\n${stringify({ apiVersion: 'v1', kind: 'ConfigMap', data: { 'ca.crt': e.pki.root.pem } })}`,
  ];
  const waiverLike = stringify({ apiVersion: 'rc-policy/v1', kind: 'Waivers', waivers: [{ rule: 'broker/wildcard', target: 'broker-us-1', reason: 'legacy (CHG-1)', expires: '2027-01-31' }] });
  const yaml = [stringify(e.topology), JSON.stringify(e.topology), JSON.stringify(e.topology, null, 2), ...packs, waiverLike, ...configMaps];
  return { estate: { topology: e.topology, files }, yaml, pem, der, pkcs12, packs, configMaps, keyPem };
}

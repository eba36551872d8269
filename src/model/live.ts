// Queries over what the live sources saw (audit only): the live rules and the audit-mode
// certificate queries read the observations through these, never the raw maps.
import { createHash } from 'node:crypto';
import type { Certificate } from '../pki/cert.ts';
import type { KeyVaultRef, LoadBalancer, Location, Server } from '../topology/model.ts';
import type { Endpoint, KeyVaultCertificate, KeyVaultRead, Model, ServerProbe } from './types.ts';

/** The key of a Key Vault reference in LiveObservations.keyVault: vault/name[@version], case-insensitive as Key Vault is. */
export const keyVaultKey = (ref: Pick<KeyVaultRef, 'vault' | 'certificate' | 'version'>): string =>
  `${(ref.vault ?? '').toLowerCase()}/${ref.certificate.toLowerCase()}${ref.version ? `@${ref.version.toLowerCase()}` : ''}`;

export const keyVaultRead = (model: Model, ref: KeyVaultRef): KeyVaultRead | undefined => model.live?.keyVault.get(keyVaultKey(ref));

/** The Key Vault certificate standing for a reference: what should be in use, else the version referenced. */
export function keyVaultCertificate(model: Model, ref: KeyVaultRef): KeyVaultCertificate | undefined {
  const read = keyVaultRead(model, ref);
  return read?.status === 'found' ? (read.expected ?? read.referenced) : undefined;
}

/** A regional or cross-region load balancer by id. */
export const loadBalancerOf = (model: Model, id: string): LoadBalancer | undefined =>
  model.topology.byId.get(id)?.find((o): o is LoadBalancer => o.kind === 'loadBalancer' || o.kind === 'globalLoadBalancer');

export const serverProbe = (model: Model, server: Server): ServerProbe | undefined => model.live?.servers.get(server.id);

/** The leaf a server presented to the probe, when it presented one. */
export const presentedLeaf = (model: Model, server: Server): Certificate | undefined => serverProbe(model, server)?.anonymous.served[0];

const sha1s = new WeakMap<Certificate, string>();
/** SHA-1 of the DER, lower-case hex: what Key Vault's x5t thumbprint holds. */
export function sha1Of(cert: Certificate): string {
  let v = sha1s.get(cert);
  if (v === undefined) sha1s.set(cert, (v = createHash('sha1').update(cert.der).digest('hex')));
  return v;
}

/** A certificate as a message names it: subject and a short SHA-256. */
export const describeCertificate = (c: Certificate): string => `${c.subjectName || '(empty subject)'} [SHA-256 ${c.fingerprint.slice(0, 16)}]`;

/** Where a finding about a server's certificate points: its file, else its Key Vault reference, else the cert block. */
export const certLocation = (s: Server): Location => s.cert?.file?.location ?? s.cert?.keyVault?.location ?? s.cert?.location ?? s.location;

/** An endpoint as a message names it: the name and port asked for, and what was dialled. */
export function describeEndpoint(e: Endpoint): string {
  const name = `${e.host}:${e.port}`;
  if (e.via === 'dns') return e.address ? `${name} (DNS: ${e.address})` : name;
  const target = e.connectPort === e.port ? e.address : `${e.address}:${e.connectPort}`;
  return `${name} via ${target}${e.via === 'resolve' ? ' (--resolve)' : ''}`;
}

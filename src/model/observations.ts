// The evidence of an audit (docs/decisions/0125): what each live source was asked and what it saw,
// as plain data for the report — every probed endpoint with the address dialled, the protocol, the
// served chain's fingerprints and how client authentication fared, and every Key Vault read.
import { certReferences, tlsServers } from './certificates.ts';
import { keyVaultRead, serverProbe } from './live.ts';
import type { Endpoint, FrontendProbe, Model, TlsObservation } from './types.ts';
import type { ClientAuthEvidence, EndpointObservation, KeyVaultObservation, Observations } from '../report/types.ts';
import { expandToServers } from '../topology/reach.ts';

/** `127.0.0.1:8443`, `[::1]:8443`; undefined when nothing was dialled (a name that did not resolve). */
function dialled(e: Endpoint): string | undefined {
  if (!e.address) return undefined;
  return `${e.address.includes(':') ? `[${e.address}]` : e.address}:${e.connectPort}`;
}

/**
 * Whether the endpoint refused a client without a certificate. Only the outcome of a handshake
 * that tried it counts as `enforced`; a server that never asked for a certificate is `not-enforced`.
 */
export function clientAuthOf(o: TlsObservation, tested: boolean): ClientAuthEvidence {
  const { outcome } = o;
  if (outcome.kind === 'unreachable') return 'not-tested';
  if (!o.certificateRequested) return 'not-enforced';
  if (!tested) return 'not-tested';
  if (outcome.kind === 'rejected') return 'enforced';
  if (outcome.kind === 'accepted') return 'not-enforced';
  return outcome.afterApplicationData ? 'not-enforced' : 'not-tested';
}

/** How the server treated the probe's own client certificate (--client-cert). */
function clientCertificateOf(o: TlsObservation): NonNullable<EndpointObservation['clientCertificate']> {
  const { outcome } = o;
  if (outcome.kind === 'unreachable') return 'not-tested';
  if (outcome.kind === 'accepted' || (outcome.kind === 'closed' && outcome.afterApplicationData)) return 'accepted';
  return 'rejected';
}

function endpointObservation(target: string, o: TlsObservation, tested: boolean): EndpointObservation {
  const address = dialled(o.endpoint);
  return {
    target,
    endpoint: `${o.endpoint.host}:${o.endpoint.port}`,
    ...(address && { address }),
    via: o.endpoint.via,
    sni: o.endpoint.servername,
    ...(o.protocol && { tlsVersion: o.protocol }),
    chain: o.served.map((c) => c.fingerprint),
    clientAuth: clientAuthOf(o, tested),
    ...(o.outcome.kind === 'unreachable' && { error: o.outcome.reason }),
  };
}

/** The backend whose own leaf came back through a frontend: a layer-4 balancer picks one whatever the SNI. */
function backendReached(model: Model, f: FrontendProbe): string | undefined {
  const leaf = f.observation.served[0];
  if (!leaf) return undefined;
  for (const s of expandToServers(model.topology, [f.loadBalancer])) {
    if (serverProbe(model, s)?.anonymous.served[0]?.fingerprint === leaf.fingerprint) return s.id;
  }
  return undefined;
}

/** What the live sources saw, in topology order; undefined in check mode. */
export function observationsOf(model: Model): Observations | undefined {
  if (!model.live) return undefined;
  const endpoints: EndpointObservation[] = [];
  for (const server of tlsServers(model.topology)) {
    const probe = serverProbe(model, server);
    if (!probe) continue;
    const seen = endpointObservation(server.id, probe.anonymous, server.clientAuth.required);
    const withCert = probe.withClientCert;
    endpoints.push(withCert ? { ...seen, clientCertificate: clientCertificateOf(withCert) } : seen);
  }
  for (const f of model.live.frontends) {
    const backend = backendReached(model, f);
    endpoints.push({ ...endpointObservation(f.loadBalancer, f.observation, false), sniFor: f.server, ...(backend && { backend }) });
  }
  const keyVault: KeyVaultObservation[] = [];
  for (const ref of certReferences(model)) {
    const kv = ref.source.keyVault;
    const read = kv && keyVaultRead(model, kv);
    if (!read) continue;
    const base = { target: ref.target, vault: read.vault, certificate: read.name };
    if (read.status === 'found') keyVault.push({ ...base, version: read.referenced.version, sha256: read.referenced.cert.fingerprint, enabled: read.referenced.enabled });
    else keyVault.push({ ...base, error: read.reason });
  }
  return { endpoints, keyVault };
}

// Every host:port an audit of this topology may dial: its TLS servers, its load balancer frontends
// and its Key Vaults. A --resolve entry must name one of them (a typo would otherwise be ignored
// and the audit would quietly fall back to DNS).
import { certSources } from './walk.ts';
import type { Topology } from './model.ts';

/** Names an audit may connect to besides the topology's own: Microsoft Entra ID, for the Key Vault token. */
const AZURE_AUTHORITY = (env: NodeJS.ProcessEnv) => {
  try {
    return new URL(env.AZURE_AUTHORITY_HOST || 'https://login.microsoftonline.com').hostname;
  } catch {
    return 'login.microsoftonline.com';
  }
};

const vaultHost = (topology: Topology, vault: string): string => {
  const url = topology.regions.find((r) => r.keyVault?.name.toLowerCase() === vault.toLowerCase())?.keyVault?.url;
  try {
    if (url) return new URL(url).hostname;
  } catch {
    // an unparsable URL: the Key Vault source reports it
  }
  return `${vault}.vault.azure.net`;
};

/** `host:port` (host lower-case, no trailing dot) of everything an audit of `topology` may dial. */
export function dialableNames(topology: Topology, env = process.env): Set<string> {
  const names = new Set<string>();
  const add = (host: string, port: number) => names.add(`${host.toLowerCase().replace(/\.$/, '')}:${port}`);
  for (const s of [...topology.brokers, ...topology.gateways]) add(s.fqdn, s.port);
  for (const lb of [...topology.loadBalancers, ...topology.globalLoadBalancers]) {
    const host = lb.frontend?.fqdn ?? lb.frontend?.address;
    if (host) for (const l of lb.listeners) add(host, l.port);
  }
  for (const r of topology.regions) if (r.keyVault) add(vaultHost(topology, r.keyVault.name), 443);
  for (const ref of certSources(topology)) if (ref.source.keyVault?.vault) add(vaultHost(topology, ref.source.keyVault.vault), 443);
  add(AZURE_AUTHORITY(env), 443);
  return names;
}

import { defineRule } from '../rule.ts';
import { fileOf } from '../../model/certificates.ts';
import { describeCertificate, describeEndpoint, keyVaultRead, loadBalancerOf, presentedLeaf, sha1Of } from '../../model/live.ts';
import { expandToServers } from '../../topology/reach.ts';
import type { Model } from '../../model/types.ts';
import type { LoadBalancer, Server } from '../../topology/model.ts';

/** Every certificate known to belong to these servers: presented directly, in the repo, or any Key Vault version. */
function backendCertificates(model: Model, servers: readonly Server[]): { sha256: Set<string>; sha1: Set<string> } {
  const sha256 = new Set<string>();
  const sha1 = new Set<string>();
  for (const s of servers) {
    const presented = presentedLeaf(model, s);
    if (presented) sha256.add(presented.fingerprint);
    const repo = fileOf(model, s.cert)?.certs[0];
    if (repo) sha256.add(repo.fingerprint);
    const read = s.cert?.keyVault && keyVaultRead(model, s.cert.keyVault);
    if (read?.status === 'found') {
      sha256.add(read.referenced.cert.fingerprint);
      if (read.expected) sha256.add(read.expected.cert.fingerprint);
      for (const v of read.versions) if (v.sha1) sha1.add(v.sha1);
    }
  }
  return { sha256, sha1 };
}

export const rule = defineRule({
  meta: {
    id: 'live/lb-terminates-tls',
    severity: 'error',
    live: true,
    title: 'A handshake through a load balancer reaches a broker\'s own certificate',
    rationale:
      'The load balancers are layer-4 pass-through devices; TLS and mTLS terminate only on the brokers (the RC system design). Through a pass-through frontend a client always meets one of the backends\' own certificates. Any other certificate means something on the path terminates TLS — and then also sees, and may not verify, the client certificates. A layer-4 balancer does not route by SNI, so the certificate may be any backend\'s, not necessarily the one named in the SNI.',
    source: 'docs/architectures/rc-system.md#load-balancers-pass-tls-through; docs/spec.md §3 (live)',
    remedy: 'Remove the TLS listener or certificate from the load balancer path so that it forwards TCP unchanged; if a TLS-terminating hop is intended (the ELB mutual TLS design), declare it as a gateway and use the lb-tls-offload pack.',
    messages: {
      terminates:
        'through load balancer {{id}} at {{endpoint}} (SNI {{sni}}) the server presented {{presented}}, which none of its backends ({{backends}}) presents: something on the path terminates TLS',
    },
  },
  applies: (model) => model.live !== undefined,
  *check(model) {
    // Per load balancer: what its backends are known to present (computed once), and the frontend
    // certificates that are none of them — one finding per frontend and certificate, whatever the SNI.
    const known = new Map<string, ReturnType<typeof backendCertificates> & { backends: string[] }>();
    const seen = new Map<string, { lb: LoadBalancer; endpoint: string; presented: string; backends: string[]; sni: string[] }>();
    for (const f of model.live!.frontends) {
      const lb = loadBalancerOf(model, f.loadBalancer);
      const leaf = f.observation.served[0];
      if (!lb || !leaf) continue;
      let k = known.get(lb.id);
      if (!k) {
        const backends = expandToServers(model.topology, [lb.id]);
        known.set(lb.id, (k = { ...backendCertificates(model, backends), backends: backends.map((s) => s.id) }));
      }
      // Nothing known about the backends (their probes failed too): live/unreachable already says so.
      if (k.sha256.size === 0 && k.sha1.size === 0) continue;
      if (k.sha256.has(leaf.fingerprint) || k.sha1.has(sha1Of(leaf))) continue;
      const endpoint = describeEndpoint(f.observation.endpoint);
      const key = `${lb.id}|${endpoint}|${leaf.fingerprint}`;
      const entry = seen.get(key) ?? { lb, endpoint, presented: describeCertificate(leaf), backends: k.backends, sni: [] };
      entry.sni.push(f.observation.endpoint.servername);
      seen.set(key, entry);
    }
    for (const e of seen.values()) {
      yield {
        target: e.lb.id,
        messageId: 'terminates',
        data: { id: e.lb.id, endpoint: e.endpoint, sni: e.sni.join(', '), presented: e.presented, backends: e.backends.join(', ') },
        location: e.lb.location,
      };
    }
  },
});

import { defineRule } from '../rule.ts';
import { certReferences, tlsServers } from '../../model/certificates.ts';
import { describeEndpoint, keyVaultRead, loadBalancerOf, serverProbe } from '../../model/live.ts';
import type { TlsObservation } from '../../model/types.ts';

/** Why the probe's client certificate did not get through, or undefined when it did. */
function clientCertFailure(o: TlsObservation): string | undefined {
  switch (o.outcome.kind) {
    case 'unreachable':
      return o.outcome.reason;
    case 'rejected':
      return `the server refused it with a TLS alert (${o.outcome.alert})`;
    case 'closed':
      return o.outcome.afterApplicationData ? undefined : 'the server closed the connection right after the handshake, without a TLS alert';
    case 'accepted':
      return undefined;
  }
}

export const rule = defineRule({
  meta: {
    id: 'live/unreachable',
    severity: 'error',
    live: true,
    title: 'Every live endpoint and Key Vault certificate the audit needs answers',
    rationale:
      'An audit that cannot complete a TLS handshake with a broker, reach a load balancer frontend or read a Key Vault certificate cannot vouch for it. Fail closed: an unreachable endpoint is a finding, never a pass, and the run exits 2 ("could not evaluate", ADR 0070) whatever this rule\'s severity or --fail-on, so a partial audit never reports success.',
    source: 'docs/spec.md §3 (live), §4 (audit); docs/decisions/0070-incomplete-audit-exit-2.md',
    remedy:
      'Check that the audit runner can reach the endpoint (network path, DNS, or --resolve), that the broker trusts the probe\'s client certificate, and that the audit identity holds Key Vault Reader (or certificates get/list) on the vault. Waive with a reason and an expiry if an endpoint is out of reach on purpose: a waiver is the only way to accept a gap, and the report still lists it.',
    messages: {
      server: '{{id}} is unreachable at {{endpoint}}: {{reason}}',
      clientCert: "{{id}} did not accept the probe's client certificate at {{endpoint}}: {{reason}}",
      frontend: 'load balancer {{id}} is unreachable at {{endpoint}} (SNI {{sni}}): {{reason}}',
      keyVault: "cannot read {{id}}'s Key Vault certificate {{vault}}/{{name}}: {{reason}}",
    },
  },
  applies: (model) => model.live !== undefined,
  *check(model) {
    for (const server of tlsServers(model.topology)) {
      const probe = serverProbe(model, server);
      if (!probe) continue;
      const { outcome, endpoint } = probe.anonymous;
      if (outcome.kind === 'unreachable') {
        yield { target: server.id, messageId: 'server', data: { id: server.id, endpoint: describeEndpoint(endpoint), reason: outcome.reason }, location: server.location };
        continue;
      }
      const reason = probe.withClientCert && clientCertFailure(probe.withClientCert);
      if (reason) {
        yield { target: server.id, messageId: 'clientCert', data: { id: server.id, endpoint: describeEndpoint(probe.withClientCert!.endpoint), reason }, location: server.location };
      }
    }
    // A frontend that cannot be reached fails the same way for every SNI: one finding per cause.
    const frontends = new Map<string, { lb: string; endpoint: string; reason: string; sni: string[] }>();
    for (const f of model.live!.frontends) {
      const { outcome, endpoint } = f.observation;
      if (outcome.kind !== 'unreachable') continue;
      const where = describeEndpoint(endpoint);
      const key = `${f.loadBalancer}|${where}|${outcome.reason}`;
      const entry = frontends.get(key) ?? { lb: f.loadBalancer, endpoint: where, reason: outcome.reason, sni: [] };
      entry.sni.push(endpoint.servername);
      frontends.set(key, entry);
    }
    for (const f of frontends.values()) {
      const lb = loadBalancerOf(model, f.lb);
      if (!lb) continue;
      yield { target: lb.id, messageId: 'frontend', data: { id: lb.id, endpoint: f.endpoint, sni: f.sni.join(', '), reason: f.reason }, location: lb.location };
    }
    for (const ref of certReferences(model)) {
      const kv = ref.source.keyVault;
      const read = kv && keyVaultRead(model, kv);
      if (read?.status !== 'failed') continue;
      yield { target: ref.target, messageId: 'keyVault', data: { id: ref.target, vault: read.vault, name: read.name, reason: read.reason }, location: kv!.location };
    }
  },
});

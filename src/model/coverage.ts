// What an audit could not evaluate (ADR 0070): every object whose live evidence is missing because a
// source failed — a TLS endpoint that did not complete a handshake, a Key Vault read that failed.
// The live/unreachable rule reports the same facts as findings; this list exists apart from the
// findings so that no pack setting can hide it: a rule can be switched off, the gap cannot.
import { certReferences, tlsServers } from './certificates.ts';
import { describeEndpoint, keyVaultRead, loadBalancerOf, serverProbe } from './live.ts';
import type { Model } from './types.ts';
import type { Finding } from '../domain/finding.ts';
import type { NotEvaluated } from '../domain/report.ts';

/** The objects `model.live` has no usable evidence for, in topology order; empty in check mode. */
export function notEvaluated(model: Model): NotEvaluated[] {
  if (!model.live) return [];
  const out: NotEvaluated[] = [];
  const seen = new Set<string>();
  const add = (e: NotEvaluated) => {
    const key = `${e.target}\0${e.source}\0${e.reason}`;
    if (seen.has(key)) return;
    seen.add(key);
    out.push(e);
  };
  for (const server of tlsServers(model.topology)) {
    const probe = serverProbe(model, server);
    if (!probe) continue;
    // A refused client certificate is an answer (a finding); a probe that never got one is a gap.
    for (const o of [probe.anonymous, probe.withClientCert]) {
      if (o?.outcome.kind === 'unreachable') add({ target: server.id, source: `tls ${describeEndpoint(o.endpoint)}`, reason: o.outcome.reason, location: server.location });
    }
  }
  for (const f of model.live.frontends) {
    const { outcome, endpoint } = f.observation;
    const lb = loadBalancerOf(model, f.loadBalancer);
    if (outcome.kind === 'unreachable' && lb) add({ target: lb.id, source: `tls ${describeEndpoint(endpoint)}`, reason: outcome.reason, location: lb.location });
  }
  for (const ref of certReferences(model)) {
    const kv = ref.source.keyVault;
    const read = kv && keyVaultRead(model, kv);
    if (read?.status === 'failed') add({ target: ref.target, source: `key-vault ${read.vault}/${read.name}`, reason: read.reason, location: kv!.location });
  }
  return out;
}

/**
 * Marks the gaps a waiver accepts: a waived live/unreachable finding on the same target (a
 * waiver names a reason, an owner and an expiry; a baseline or a pack that turns the rule off does not).
 */
export function withWaivers(gaps: readonly NotEvaluated[], findings: readonly Finding[]): NotEvaluated[] {
  const waived = new Set(findings.filter((f) => f.rule === 'live/unreachable' && f.waived).map((f) => f.target));
  return gaps.map((g) => (waived.has(g.target) ? { ...g, waived: true } : g));
}

// A digest of the topology for pictures (the Markdown job summary): who routes to whom, who connects
// to what, and every certificate's validity window. Derived from the model, so it costs nothing to
// keep in the report and lets the renderers stay pure functions of the report.
import { certificateUses } from './certificates.ts';
import type { Model } from './types.ts';
import type { Estate, EstateCertificate, EstateEdge, EstateNode } from '../domain/report.ts';

export function estateOf(model: Model): Estate {
  const t = model.topology;
  const nodes: EstateNode[] = [
    ...t.globalLoadBalancers.map((lb): EstateNode => ({ id: lb.id, kind: 'globalLoadBalancer', ...(lb.frontend?.fqdn && { fqdn: lb.frontend.fqdn }), location: lb.location })),
    ...t.loadBalancers.map((lb): EstateNode => ({ id: lb.id, kind: 'loadBalancer', region: lb.region, ...(lb.frontend?.fqdn && { fqdn: lb.frontend.fqdn }), location: lb.location })),
    ...t.gateways.map((g): EstateNode => ({ id: g.id, kind: 'gateway', region: g.region, fqdn: g.fqdn, location: g.location })),
    ...t.brokers.map((b): EstateNode => ({ id: b.id, kind: 'broker', region: b.region, fqdn: b.fqdn, location: b.location })),
    ...t.clients.map((c): EstateNode => ({ id: c.id, kind: 'client', ...(c.region && { region: c.region }), location: c.location })),
  ];
  const edges: EstateEdge[] = [];
  for (const lb of [...t.globalLoadBalancers, ...t.loadBalancers]) for (const to of lb.backends) edges.push({ from: lb.id, to, kind: 'backend' });
  for (const g of t.gateways) for (const u of g.upstreams) edges.push({ from: g.id, to: u.to, kind: 'upstream', tls: u.tls });
  for (const c of t.clients) {
    // The spec's default for a client without connectsTo: every broker with a cert, every gateway.
    const to = c.connectsTo ?? [...t.brokers.filter((b) => b.cert).map((b) => b.id), ...t.gateways.map((g) => g.id)];
    for (const id of to) edges.push({ from: c.id, to: id, kind: 'connects' });
  }
  // Certificates issued together share their dates: each distinct date is formatted once.
  const isoDates = new Map<number, string>();
  const iso = (d: Date): string => {
    let text = isoDates.get(d.getTime());
    if (text === undefined) isoDates.set(d.getTime(), (text = d.toISOString()));
    return text;
  };
  const certificates = certificateUses(model).map(
    (u): EstateCertificate => ({
      target: u.target,
      kind: u.kind,
      subject: u.cert.subjectName,
      notBefore: iso(u.cert.notBefore),
      notAfter: iso(u.cert.notAfter),
      fingerprint: u.cert.fingerprint,
    }),
  );
  return {
    name: t.name,
    nodes,
    edges,
    certificates,
    ...(t.rollover && { rollover: { from: t.rollover.from, to: t.rollover.to, phase: t.rollover.phase } }),
  };
}

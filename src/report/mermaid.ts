// Mermaid pictures for the Markdown job summary: the topology as a flowchart coloured by status,
// and certificate validity windows as a gantt. Labels come from the topology file (ids and FQDNs,
// which the schema already restricts); as a second line of defence anything outside a small safe
// set becomes '_' — entity codes are not decoded the same way by every Mermaid renderer.
import type { Estate, EstateCertificate, EstateNode } from '../domain/report.ts';
import type { Finding } from '../domain/finding.ts';
import type { Severity } from '../domain/finding.ts';

export type Status = Severity | 'ok';

const SAFE = /[A-Za-z0-9 ._/-]/;

/** A label inside "...": safe characters as they are, everything else '_'. */
export const mermaidLabel = (s: string): string =>
  [...s]
    .slice(0, 200)
    .map((ch) => (SAFE.test(ch) ? ch : '_'))
    .join('');

/** A gantt task name: no quoting exists there, so anything outside the safe set becomes '_'. */
export const ganttName = (s: string): string =>
  s
    .replace(/->/g, ' to ')
    .replace(/[^A-Za-z0-9 ._()/-]/g, '_')
    .slice(0, 80);

const RANK: Record<Status, number> = { error: 0, warning: 1, info: 2, ok: 3 };
const worse = (a: Status, b: Status): Status => (RANK[a] <= RANK[b] ? a : b);

/**
 * The status of each object: the worst unwaived finding about it — its own id, or a handshake or
 * hop target (`a->b`) naming it at either end.
 */
export function statusByObject(findings: readonly Finding[]): Map<string, Status> {
  const out = new Map<string, Status>();
  const mark = (id: string, s: Status) => out.set(id, worse(out.get(id) ?? 'ok', s));
  for (const f of findings) {
    if (f.waived) continue;
    mark(f.target, f.severity);
    const arrow = f.target.indexOf('->');
    if (arrow > 0) {
      mark(f.target.slice(0, arrow), f.severity);
      mark(f.target.slice(arrow + 2), f.severity);
    }
  }
  return out;
}

export const MAX_DIAGRAM_NODES = 60;
export const MAX_GANTT_TASKS = 40;

const CLASS_DEFS = [
  'classDef error fill:#ffebe9,stroke:#cf222e,color:#1f2328',
  'classDef warning fill:#fff8c5,stroke:#9a6700,color:#1f2328',
  'classDef info fill:#ddf4ff,stroke:#0969da,color:#1f2328',
  'classDef ok fill:#dafbe1,stroke:#1a7f37,color:#1f2328',
];

function shape(n: EstateNode, key: string): string {
  const label = n.fqdn ? `${mermaidLabel(n.id)}<br/>${mermaidLabel(n.fqdn)}` : mermaidLabel(n.id);
  switch (n.kind) {
    case 'client':
      return `${key}(["${label}"])`;
    case 'globalLoadBalancer':
      return `${key}{{"${label}"}}`;
    case 'loadBalancer':
      return `${key}[["${label}"]]`;
    case 'gateway':
      return `${key}("${label}")`;
    default:
      return `${key}["${label}"]`;
  }
}

/** Which nodes fit in the picture: every load balancer and gateway, then the worst first. */
function pickNodes(nodes: readonly EstateNode[], status: ReadonlyMap<string, Status>): EstateNode[] {
  if (nodes.length <= MAX_DIAGRAM_NODES) return [...nodes];
  const structural = nodes.filter((n) => n.kind !== 'broker' && n.kind !== 'client');
  const rest = nodes
    .filter((n) => n.kind === 'broker' || n.kind === 'client')
    .map((n, i) => ({ n, i, s: RANK[status.get(n.id) ?? 'ok'] }))
    .sort((a, b) => a.s - b.s || a.i - b.i)
    .map((x) => x.n);
  const keep = new Set([...structural, ...rest].slice(0, Math.max(MAX_DIAGRAM_NODES, structural.length)));
  return nodes.filter((n) => keep.has(n));
}

export interface Diagram {
  readonly mermaid: string;
  /** How many objects were left out to keep the picture readable. */
  readonly omitted: number;
}

/** Clients on the left, then global and regional load balancers, then brokers (regions as boxes). */
/** `elsewhere`: objects another shard reports (ADR 0123), left uncoloured rather than shown as clean. */
export function topologyFlowchart(estate: Estate, status: ReadonlyMap<string, Status>, elsewhere: ReadonlySet<string> = new Set()): Diagram {
  const drawn = pickNodes(estate.nodes, status);
  const key = new Map<string, string>();
  drawn.forEach((n, i) => {
    if (!key.has(n.id)) key.set(n.id, `n${i}`);
  });
  const lines = ['flowchart LR', ...CLASS_DEFS.map((d) => `  ${d}`)];
  const clients = drawn.filter((n) => n.kind === 'client');
  if (clients.length) {
    lines.push('  subgraph clients ["clients"]');
    for (const n of clients) lines.push(`    ${shape(n, key.get(n.id)!)}`);
    lines.push('  end');
  }
  for (const n of drawn.filter((x) => x.kind === 'globalLoadBalancer')) lines.push(`  ${shape(n, key.get(n.id)!)}`);
  const regions = [...new Set(drawn.filter((n) => n.kind !== 'client' && n.region).map((n) => n.region!))];
  regions.forEach((r, i) => {
    lines.push(`  subgraph region${i} ["region ${mermaidLabel(r)}"]`);
    for (const n of drawn.filter((x) => x.kind !== 'client' && x.region === r)) lines.push(`    ${shape(n, key.get(n.id)!)}`);
    lines.push('  end');
  });
  for (const n of drawn.filter((x) => x.kind !== 'client' && x.kind !== 'globalLoadBalancer' && !x.region)) lines.push(`  ${shape(n, key.get(n.id)!)}`);
  const edges = new Set<string>();
  for (const e of estate.edges) {
    const a = key.get(e.from);
    const b = key.get(e.to);
    if (!a || !b) continue;
    const edge =
      e.kind === 'upstream' ? (e.tls === 'none' ? `${a} -. "plaintext" .-> ${b}` : `${a} -. "${mermaidLabel(e.tls ?? 'tls')}" .-> ${b}`) : e.kind === 'connects' ? `${a} --> ${b}` : `${a} ==> ${b}`;
    edges.add(`  ${edge}`);
  }
  lines.push(...edges);
  const byStatus = new Map<Status, string[]>();
  for (const n of drawn) {
    if (elsewhere.has(n.id)) continue;
    const s = status.get(n.id) ?? 'ok';
    byStatus.set(s, [...(byStatus.get(s) ?? []), key.get(n.id)!]);
  }
  for (const [s, keys] of byStatus) lines.push(`  class ${[...new Set(keys)].join(',')} ${s}`);
  return { mermaid: `${lines.join('\n')}\n`, omitted: estate.nodes.length - drawn.length };
}

const day = (iso: string): string => iso.slice(0, 10);
const KIND_ORDER: Record<EstateCertificate['kind'], number> = { root: 0, intermediate: 1, leaf: 2 };
const SECTION: Record<EstateCertificate['kind'], string> = { root: 'Root CAs', intermediate: 'Intermediate CAs', leaf: 'Leaf certificates' };

/**
 * Validity windows by kind (roots, intermediates, leaves soonest-expiring first), the evaluation
 * time as a milestone, and a declared rollover as its own section: old root, new root, and the
 * window in which both can be trusted. A bar is drawn critical when a rule about validity windows
 * (`dateRules`: the descriptors with the `validity` concern) has a finding on its certificate.
 */
export function validityGantt(estate: Estate, findings: readonly Finding[], evaluatedAt: string, dateRules: ReadonlySet<string>): Diagram {
  const critical = new Set(findings.filter((f) => !f.waived && f.severity !== 'info' && dateRules.has(f.rule)).map((f) => f.target));
  const at = Date.parse(evaluatedAt);
  const sorted = [...estate.certificates].sort((a, b) => KIND_ORDER[a.kind] - KIND_ORDER[b.kind] || a.notAfter.localeCompare(b.notAfter) || a.target.localeCompare(b.target));
  const shown = sorted.slice(0, MAX_GANTT_TASKS);
  const lines = [
    'gantt',
    `  title Certificate validity (evaluated ${day(evaluatedAt)})`,
    '  dateFormat YYYY-MM-DD',
    '  axisFormat %Y-%m',
    '  todayMarker off',
  ];
  let section = '';
  const byTarget = new Map<string, EstateCertificate>();
  shown.forEach((c, i) => {
    if (SECTION[c.kind] !== section) {
      section = SECTION[c.kind];
      lines.push(`  section ${section}`);
    }
    if (!byTarget.has(c.target) && c.kind !== 'leaf') byTarget.set(c.target, c);
    const expired = Date.parse(c.notAfter) <= at || Date.parse(c.notBefore) > at;
    const tag = critical.has(c.target) || expired ? 'crit, ' : 'active, ';
    lines.push(`  ${ganttName(c.kind === 'leaf' ? c.target : `${c.target} (${c.kind})`)} :${tag}c${i}, ${day(c.notBefore)}, ${day(c.notAfter)}`);
  });
  lines.push('  section Evaluation', `  evaluated :milestone, m0, ${day(evaluatedAt)}, 0d`);
  const r = estate.rollover;
  if (r) {
    const from = estate.certificates.find((c) => c.target === r.from && c.kind !== 'leaf');
    const to = estate.certificates.find((c) => c.target === r.to && c.kind !== 'leaf');
    lines.push(`  section ${ganttName(`Rollover ${r.from} to ${r.to}`)}`);
    if (from) lines.push(`  ${ganttName(`old root ${r.from}`)} :r0, ${day(from.notBefore)}, ${day(from.notAfter)}`);
    if (to) lines.push(`  ${ganttName(`new root ${r.to}`)} :r1, ${day(to.notBefore)}, ${day(to.notAfter)}`);
    if (from && to) {
      const start = from.notBefore > to.notBefore ? from.notBefore : to.notBefore;
      const end = from.notAfter < to.notAfter ? from.notAfter : to.notAfter;
      if (start < end) lines.push(`  both roots valid :active, r2, ${day(start)}, ${day(end)}`);
    }
    lines.push(`  ${ganttName(`phase ${r.phase} (declared)`)} :milestone, r3, ${day(evaluatedAt)}, 0d`);
  }
  return { mermaid: `${lines.join('\n')}\n`, omitted: sorted.length - shown.length };
}

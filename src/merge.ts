// `rc-policy merge`: the shard reports of one estate (`check`/`audit --region`) combined into the
// report a single run would give (ADR 0115). Each regional object is reported by its own shard
// only; objects outside every region are reported by every shard and de-duplicated — shards must
// agree on them, else the merge cannot say which is true (exit 2). Gaps (`incomplete`) are kept.
import { sortDependents, sortFindings } from './engine.ts';
import { InputError } from './errors.ts';
import { recountWaivers } from './policy/waivers.ts';
import { BUILTIN_RULES } from './rules/index.ts';
import type { RuleDescriptor } from './domain/rule.ts';
import { summaryOf } from './report/summary.ts';
import { objectsOf } from './report/targets.ts';
import { summariseMatrix } from './report/matrix-state.ts';
import type { DependentCheck, EndpointObservation, Estate, EstateCertificate, EstateNode, Finding, KeyVaultObservation, MatrixPair, MatrixSummary, NotEvaluated, Observations, Report, ReportScope, RuleRun, WaiverOutcome } from './report/types.ts';

export interface ShardReport {
  /** As named on the command line, for messages. */
  readonly file: string;
  readonly report: Report;
}

const identity = (f: Finding) => JSON.stringify([f.rule, f.target, f.location.file, f.location.line, f.location.column, f.message]);
const verdict = (f: Finding) => JSON.stringify([f.severity, f.waived, f.waiver ?? null, f.baseline ?? false]);
const describe = (f: Finding) => `${f.rule} (${f.waived ? 'waived' : f.severity}) "${f.message.length > 120 ? `${f.message.slice(0, 117)}...` : f.message}"`;

/** The fields every shard of one run shares: reports that differ here are not shards of one estate. */
function sameRun(shards: readonly ShardReport[]): void {
  const first = shards[0]!;
  const fields: [string, (r: Report) => unknown][] = [
    ['rc-policy version', (r) => r.tool.version],
    ['topology', (r) => r.topology],
    ['mode', (r) => r.mode],
    ['policy pack', (r) => r.policy.pack],
    ['regions declared', (r) => r.scope?.allRegions.join(', ')],
  ];
  for (const s of shards.slice(1)) {
    for (const [what, get] of fields) {
      const a = JSON.stringify(get(first.report));
      const b = JSON.stringify(get(s.report));
      if (a !== b) throw new InputError(`${s.file} is not a shard of the same run as ${first.file}: ${what} ${b ?? 'none'} differs from ${a ?? 'none'}`);
    }
  }
}

/** Every declared region covered exactly once. */
function coverage(shards: readonly ShardReport[]): string[] {
  const owner = new Map<string, string>();
  for (const s of shards) {
    if (!s.report.scope) {
      if (shards.length > 1) throw new InputError(`${s.file} covers the whole estate (it was not run with --region): merge shard reports only, or this one alone`);
      return [];
    }
    for (const r of s.report.scope.regions) {
      const other = owner.get(r);
      if (other !== undefined) throw new InputError(`region ${r} is in both ${other} and ${s.file}: give each region's shard once`);
      owner.set(r, s.file);
    }
  }
  const missing = shards[0]!.report.scope!.allRegions.filter((r) => !owner.has(r));
  if (missing.length > 0) throw new InputError(`no shard report covers region${missing.length > 1 ? 's' : ''} ${missing.join(', ')}: the merged report would leave ${missing.length > 1 ? 'them' : 'it'} out`);
  return [...owner.keys()].sort();
}

/**
 * Objects every shard evaluates in full must come out the same in each (live/unreachable aside: a
 * gap one shard met is kept, not a contradiction). Returns nothing; throws on the first difference.
 */
function agreeOnShared(shards: readonly ShardReport[]): void {
  const shared = new Set(shards[0]!.report.scope?.shared ?? []);
  if (shards.length < 2 || shared.size === 0) return;
  const isShared = (f: { rule: string; target: string }) => f.rule !== 'live/unreachable' && objectsOf(f.target).every((id) => shared.has(id));
  const per = shards.map((s) => new Map(s.report.findings.filter(isShared).map((f) => [identity(f), describe(f)] as const)));
  const waiting = shards.map((s) => new Map((s.report.notEvaluated ?? []).filter(isShared).map((d) => [dependentIdentity(d), `${d.rule} as not evaluated`] as const)));
  for (const lists of [per, waiting]) {
    for (let i = 1; i < shards.length; i++) {
      for (const [a, b, fa, fb] of [[lists[0]!, lists[i]!, shards[0]!.file, shards[i]!.file] as const, [lists[i]!, lists[0]!, shards[i]!.file, shards[0]!.file] as const]) {
        for (const [key, what] of a) {
          if (!b.has(key)) throw conflict(targetOf(key), `${fa} reports ${what}, ${fb} does not`);
        }
      }
    }
  }
}

/** The target of an identity key (rule, target, ...). */
const targetOf = (key: string): string => (JSON.parse(key) as string[])[1]!;

const conflict = (target: string, detail: string) => new InputError(`conflicting results for ${target} (audited by every shard): ${detail}; re-run the shards against the same estate`);

/** `... (SNI a.example, b.example) ...`: a load balancer frontend finding that lists the SNIs probed. */
const SNI_LIST = /^(.*\(SNI )([^()]+)(\).*)$/s;

/**
 * A load balancer outside every region is probed by each shard for its own backends only: where one
 * run raises one finding naming every SNI (live/unreachable, live/lb-terminates-tls), each shard
 * raises one naming its own. The same finding but for its SNI list is one finding, its SNIs in the
 * order one run probes them (by backend, in document order).
 */
function joinSniLists(findings: readonly Finding[], crossRegion: ReadonlySet<string>, order: DocumentOrder, serverOfSni: ReadonlyMap<string, string>): Finding[] {
  const groups = new Map<string, { finding: Finding; head: string; tail: string; sni: Set<string> }>();
  const out: Finding[] = [];
  for (const f of findings) {
    const m = crossRegion.has(f.target) ? SNI_LIST.exec(f.message) : null;
    if (!m) {
      out.push(f);
      continue;
    }
    const [, head, list, tail] = m as unknown as [string, string, string, string];
    const key = JSON.stringify([f.rule, f.target, f.location, f.severity, f.waived, head, tail]);
    const group = groups.get(key);
    if (group) for (const sni of list.split(', ')) group.sni.add(sni);
    else groups.set(key, { finding: f, head, tail, sni: new Set(list.split(', ')) });
  }
  const rank = (sni: string) => order.server(serverOfSni.get(sni) ?? '');
  for (const g of groups.values()) {
    const sni = [...g.sni].sort((a, b) => rank(a) - rank(b));
    out.push({ ...g.finding, message: `${g.head}${sni.join(', ')}${g.tail}` });
  }
  return out;
}

function mergeFindings(shards: readonly ShardReport[]): Finding[] {
  const byIdentity = new Map<string, { finding: Finding; file: string }>();
  for (const s of shards) {
    for (const f of s.report.findings) {
      const key = identity(f);
      const seen = byIdentity.get(key);
      if (!seen) byIdentity.set(key, { finding: f, file: s.file });
      else if (verdict(seen.finding) !== verdict(f)) throw conflict(f.target, `${seen.file} reports ${describe(seen.finding)}, ${s.file} reports ${describe(f)}`);
    }
  }
  return [...byIdentity.values()].map((v) => v.finding);
}

/**
 * Where each object stands in one run's lists, from the estate section, so that the merged lists
 * come back in the order one run gives them: initiators clients first then gateways, servers
 * brokers first then gateways, frontends regional load balancers first; each in document order.
 */
interface DocumentOrder {
  readonly initiator: (id: string) => number;
  readonly server: (id: string) => number;
  readonly loadBalancer: (id: string) => number;
  readonly isServer: (id: string) => boolean;
  /** The order the certificate references are read in (the estate's certificates, by target). */
  readonly reference: (id: string) => number;
}

function documentOrder(report: Report): DocumentOrder {
  const nodes = report.estate?.nodes ?? [];
  const rank = (kinds: readonly EstateNode['kind'][]) => {
    const index = new Map<string, number>();
    for (const kind of kinds) for (const n of nodes) if (n.kind === kind && !index.has(n.id)) index.set(n.id, index.size);
    return (id: string) => index.get(id) ?? index.size;
  };
  const servers = new Set(nodes.filter((n) => n.kind === 'broker' || n.kind === 'gateway').map((n) => n.id));
  const refs = new Map<string, number>();
  for (const c of report.estate?.certificates ?? []) if (!refs.has(c.target)) refs.set(c.target, refs.size);
  return {
    initiator: rank(['client', 'gateway']),
    server: rank(['broker', 'gateway']),
    loadBalancer: rank(['loadBalancer', 'globalLoadBalancer']),
    isServer: (id) => servers.has(id),
    reference: (id) => refs.get(id) ?? refs.size,
  };
}

function mergePairs(shards: readonly ShardReport[], order: DocumentOrder): MatrixPair[] | undefined {
  if (shards.every((s) => !s.report.matrix)) return undefined;
  const pairs = new Map<string, { pair: MatrixPair; file: string }>();
  for (const s of shards) {
    for (const p of s.report.matrix ?? []) {
      const key = `${p.client}->${p.server}`;
      const seen = pairs.get(key);
      if (!seen) pairs.set(key, { pair: p, file: s.file });
      else if (JSON.stringify(seen.pair) !== JSON.stringify(p)) throw conflict(key, `${seen.file} and ${s.file} simulate its handshake differently`);
    }
  }
  return [...pairs.values()].map((v) => v.pair).sort((a, b) => order.initiator(a.client) - order.initiator(b.client) || order.server(a.server) - order.server(b.server));
}

/**
 * The whole matrix counted. A pair belongs to its server's shard, so the shards' counts add up;
 * a client reaching several regions is counted once (`scope.pairClients`). Shards that list every
 * pair are simply counted again.
 */
function mergeMatrixSummary(shards: readonly ShardReport[], matrix: readonly MatrixPair[] | undefined): MatrixSummary | undefined {
  if (!matrix) return undefined;
  const withSummary = shards.filter((s) => s.report.matrixSummary);
  const listings = new Set(withSummary.map((s) => s.report.matrixSummary!.listed));
  if (listings.size > 1) {
    const [a, b] = [withSummary.find((s) => s.report.matrixSummary!.listed === 'all')!, withSummary.find((s) => s.report.matrixSummary!.listed === 'problems')!];
    throw new InputError(`${a.file} lists every handshake pair, ${b.file} only the failing ones: run every shard with the same --matrix`);
  }
  if (!listings.has('problems')) return withSummary.length > 0 ? { ...summariseMatrix(matrix), listed: 'all' } : undefined;
  const old = shards.find((s) => s.report.matrix && !s.report.scope?.pairClients);
  if (old) throw new InputError(`${old.file} lists only the failing handshake pairs and does not count its own (a shard report of an older rc-policy): re-run the shards`);
  const sum = (get: (m: MatrixSummary) => number | undefined) => withSummary.reduce((n, s) => n + (get(s.report.matrixSummary!) ?? 0), 0);
  const brokenOnPath = sum((m) => m.brokenOnPath);
  return {
    pairs: sum((m) => m.pairs),
    ok: sum((m) => m.ok),
    failing: sum((m) => m.failing),
    ...(brokenOnPath > 0 && { brokenOnPath }),
    notEvaluated: sum((m) => m.notEvaluated),
    clients: new Set(shards.flatMap((s) => s.report.scope?.pairClients ?? [])).size,
    servers: sum((m) => m.servers),
    listed: 'problems',
  };
}

/** One entry per key; the same key seen twice must be the same observation (an object every shard reads). */
function unite<T>(shards: readonly ShardReport[], list: (r: Report) => readonly T[] | undefined, key: (t: T) => string, what: (t: T) => [target: string, detail: string]): T[] {
  const out = new Map<string, { item: T; file: string }>();
  for (const s of shards) {
    for (const item of list(s.report) ?? []) {
      const k = key(item);
      const seen = out.get(k);
      if (!seen) out.set(k, { item, file: s.file });
      else if (JSON.stringify(seen.item) !== JSON.stringify(item)) {
        const [target, detail] = what(item);
        throw conflict(target, `${seen.file} and ${s.file} observed ${detail} differently`);
      }
    }
  }
  return [...out.values()].map((v) => v.item);
}

/** The audit evidence of every shard: each probe and Key Vault read once, in one run's order. */
function mergeObservations(shards: readonly ShardReport[], order: DocumentOrder): Observations | undefined {
  if (shards.every((s) => !s.report.observations)) return undefined;
  const endpoints = unite(
    shards,
    (r) => r.observations?.endpoints,
    (e: EndpointObservation) => JSON.stringify([e.target, e.endpoint, e.sni, e.sniFor ?? null]),
    (e) => [e.target, `${e.endpoint} (SNI ${e.sni})`],
  );
  // One run probes the servers, then each frontend listener by listener, backend by backend.
  const listener = new Map<string, number>();
  for (const e of endpoints) if (e.sniFor !== undefined && !listener.has(`${e.target} ${e.endpoint}`)) listener.set(`${e.target} ${e.endpoint}`, listener.size);
  const position = (e: EndpointObservation): number[] =>
    e.sniFor === undefined ? [0, order.server(e.target)] : [1, order.loadBalancer(e.target), listener.get(`${e.target} ${e.endpoint}`)!, order.server(e.sniFor)];
  const byPosition = (a: EndpointObservation, b: EndpointObservation) => {
    const [pa, pb] = [position(a), position(b)];
    for (let i = 0; i < Math.max(pa.length, pb.length); i++) if ((pa[i] ?? 0) !== (pb[i] ?? 0)) return (pa[i] ?? 0) - (pb[i] ?? 0);
    return 0;
  };
  const keyVault = unite(
    shards,
    (r) => r.observations?.keyVault,
    (k: KeyVaultObservation) => JSON.stringify([k.target, k.vault, k.certificate]),
    (k) => [k.target, `Key Vault certificate ${k.vault}/${k.certificate}`],
  );
  return { endpoints: attributeBackends(endpoints.sort(byPosition), shards[0]!.report), keyVault: keyVault.sort((a, b) => order.reference(a.target) - order.reference(b.target)) };
}

/**
 * A layer-4 balancer hands a shard's probe to any backend, perhaps another region's, which that
 * shard did not probe and cannot name. With every shard's probes together, the backend whose own
 * certificate came back is known again, as one run names it (the first of the balancer's backends).
 */
function attributeBackends(endpoints: readonly EndpointObservation[], report: Report): EndpointObservation[] {
  const edges = report.estate?.edges.filter((e) => e.kind === 'backend') ?? [];
  const servers = new Set(endpoints.filter((e) => e.sniFor === undefined).map((e) => e.target));
  const behind = (id: string, seen = new Set<string>()): string[] => {
    if (seen.has(id)) return [];
    seen.add(id);
    return edges.filter((e) => e.from === id).flatMap((e) => (servers.has(e.to) ? [e.to] : behind(e.to, seen)));
  };
  const leafOf = new Map<string, string>();
  for (const e of endpoints) if (e.sniFor === undefined && e.chain[0] && !leafOf.has(e.target)) leafOf.set(e.target, e.chain[0]);
  return endpoints.map((e) => {
    if (e.sniFor === undefined || e.backend !== undefined || !e.chain[0]) return e;
    const backend = behind(e.target).find((s) => leafOf.get(s) === e.chain[0]);
    return backend ? { ...e, backend } : e;
  });
}

const dependentIdentity = (d: DependentCheck) => JSON.stringify([d.rule, d.target, d.location.file, d.location.line, d.location.column, d.message]);

/**
 * The checks waiting on a cause: each shard's own, and the shared objects' once (shards must agree on
 * what they wait on). A check waits only on findings the run raised (ADR 0120); a shard may have
 * seen another region's object from repo files alone, so each cause must be a merged finding, or
 * the shards saw that object differently and the merge cannot say which is true.
 */
function mergeDependents(shards: readonly ShardReport[], findings: readonly Finding[]): DependentCheck[] | undefined {
  const raised = new Set(findings.map((f) => `${f.rule}\t${f.target}`));
  const byIdentity = new Map<string, { check: DependentCheck; file: string }>();
  for (const s of shards) {
    for (const d of s.report.notEvaluated ?? []) {
      const key = dependentIdentity(d);
      const seen = byIdentity.get(key);
      const missing = d.because.find((c) => !raised.has(`${c.rule}\t${c.target}`));
      if (missing) {
        throw new InputError(
          `${s.file} lists ${d.rule} on ${d.target} as not evaluated because of ${missing.rule} on ${missing.target}, which no shard reports: the shards saw ${missing.target} differently; re-run the shards against the same estate`,
        );
      }
      if (!seen) byIdentity.set(key, { check: d, file: s.file });
      else if (JSON.stringify(seen.check.because) !== JSON.stringify(d.because)) {
        throw conflict(d.target, `${seen.file} and ${s.file} list ${d.rule} as not evaluated because of different findings`);
      }
    }
  }
  return byIdentity.size > 0 ? sortDependents([...byIdentity.values()].map((v) => v.check)) : undefined;
}

/** Every shard's gaps, once, in one run's order: servers, then load balancer frontends, then Key Vault reads. */
function mergeGaps(shards: readonly ShardReport[], order: DocumentOrder): NotEvaluated[] | undefined {
  if (shards.every((s) => !s.report.incomplete)) return undefined;
  const gaps = new Map<string, NotEvaluated>();
  for (const s of shards) for (const g of s.report.incomplete ?? []) gaps.set(JSON.stringify([g.target, g.source, g.reason, g.waived ?? false]), g);
  const position = (g: NotEvaluated): [number, number] => {
    if (g.source.startsWith('key-vault ')) return [2, order.reference(g.target)];
    return order.isServer(g.target) ? [0, order.server(g.target)] : [1, order.loadBalancer(g.target)];
  };
  return [...gaps.values()].sort((a, b) => {
    const [pa, pb] = [position(a), position(b)];
    return pa[0] - pb[0] || pa[1] - pb[1];
  });
}

const STATUS_RANK: Record<RuleRun['status'], number> = { ran: 0, 'not-applicable': 1, 'audit-only': 2, off: 3 };

function mergeRules(shards: readonly ShardReport[]): RuleRun[] | undefined {
  const first = shards.find((s) => s.report.rules)?.report.rules;
  if (!first) return undefined;
  const best = new Map<string, RuleRun['status']>();
  for (const s of shards) {
    for (const r of s.report.rules ?? []) {
      const now = best.get(r.id);
      if (now === undefined || STATUS_RANK[r.status] < STATUS_RANK[now]) best.set(r.id, r.status);
    }
  }
  return [...best].map(([id, status]) => ({ id, status }));
}

/**
 * The baseline findings no longer raised: each shard counted those of its scope, the shared objects'
 * in every shard. Shards that do not say how many were shared (older reports) each compared the
 * whole baseline: the largest count is the closest to one run's.
 */
function mergeFixed(shards: readonly ShardReport[]): number {
  const parts = shards.filter((s) => s.report.baseline);
  if (parts.some((s) => s.report.scope?.sharedFixed === undefined)) return Math.max(...parts.map((s) => s.report.baseline!.fixed));
  const shared = parts[0]!.report.scope!.sharedFixed!;
  return parts.reduce((n, s) => n + s.report.baseline!.fixed - s.report.scope!.sharedFixed!, 0) + shared;
}

/** Each waiver once (in the order of the waivers file), with what it matches in the merged findings. */
function mergeWaivers(shards: readonly ShardReport[], findings: readonly Finding[]): WaiverOutcome[] | undefined {
  if (shards.every((s) => !s.report.waivers)) return undefined;
  const outcomes = new Map<string, WaiverOutcome>();
  for (const s of shards) {
    for (const o of s.report.waivers ?? []) {
      const key = JSON.stringify([o.waiver, o.location]);
      const seen = outcomes.get(key);
      if (!seen || o.status === 'expired') outcomes.set(key, o);
    }
  }
  const byPlace = (a: WaiverOutcome, b: WaiverOutcome) => a.location.file.localeCompare(b.location.file) || a.location.line - b.location.line || a.location.column - b.location.column;
  return recountWaivers([...outcomes.values()].sort(byPlace), findings);
}

/**
 * What the topology declares is the same in every shard, but an audit's certificate inventory holds
 * what each server served: every object's certificates come from the shard that probed it.
 */
function mergeEstate(shards: readonly ShardReport[]): Estate | undefined {
  const first = shards[0]!.report.estate;
  if (!first || shards.length < 2) return first;
  const regionOf = new Map(first.nodes.filter((n) => n.region !== undefined).map((n) => [n.id, n.region!]));
  const owner = (target: string) => {
    const home = objectsOf(target).map((id) => regionOf.get(id)).find((r) => r !== undefined);
    return (home !== undefined && shards.find((s) => s.report.scope?.regions.includes(home))?.report.estate) || first;
  };
  const byTarget = (e: Estate) => {
    const out = new Map<string, EstateCertificate[]>();
    for (const c of e.certificates) out.set(c.target, [...(out.get(c.target) ?? []), c]);
    return out;
  };
  const groups = new Map<Estate, Map<string, EstateCertificate[]>>();
  const certificates: EstateCertificate[] = [];
  // A certificate only Key Vault holds is in its own shard's inventory alone.
  for (const target of new Set(shards.flatMap((s) => s.report.estate?.certificates.map((c) => c.target) ?? []))) {
    const estate = owner(target);
    if (!groups.has(estate)) groups.set(estate, byTarget(estate));
    certificates.push(...(groups.get(estate)!.get(target) ?? []));
  }
  return { ...first, certificates };
}

function mergedScope(shards: readonly ShardReport[], regions: string[]): ReportScope {
  // Per-shard counts; the merged report's own are in its summary and baseline.
  const { pairClients: _clients, sharedFixed: _fixed, shards: _merged, ...scope } = shards[0]!.report.scope!;
  const clients = shards.flatMap((s) => s.report.scope?.pairClients ?? []);
  return { ...scope, regions, ...(clients.length > 0 && { pairClients: [...new Set(clients)].sort() }), shards: shards.length };
}

/**
 * What the renderers say about each rule (SARIF's rule list, JUnit's cases, help links): not in the
 * JSON reports, so the built-in rules' own, in the run's order. A pack's custom (CEL) rules are
 * known by id only.
 */
function describeRules(rules: readonly RuleRun[] | undefined): RuleDescriptor[] {
  if (!rules) return [...BUILTIN_RULES.descriptors];
  return rules.flatMap((r) => BUILTIN_RULES.byId.get(r.id)?.meta ?? []);
}

/** Combines shard reports into one. Throws InputError (exit 2) when they are not shards of one run or contradict each other. */
export function mergeReports(shards: readonly ShardReport[]): Report {
  if (shards.length === 0) throw new InputError('rc-policy merge needs at least one report');
  const regions = coverage(shards);
  sameRun(shards);
  agreeOnShared(shards);
  const order = documentOrder(shards[0]!.report);
  const nodes = shards[0]!.report.estate?.nodes ?? [];
  const crossRegion = new Set(nodes.filter((n) => n.kind === 'globalLoadBalancer').map((n) => n.id));
  const serverOfSni = new Map(nodes.filter((n) => n.fqdn !== undefined).map((n) => [n.fqdn!, n.id]));
  const findings = sortFindings(shards.length > 1 ? joinSniLists(mergeFindings(shards), crossRegion, order, serverOfSni) : mergeFindings(shards));
  const first = shards[0]!.report;
  const notEvaluated = mergeDependents(shards, findings);
  const baselines = shards.map((s) => s.report.baseline).filter((b) => b !== undefined);
  const summary = summaryOf(findings, notEvaluated, baselines.length > 0);
  const existing = summary.baseline ?? 0;
  const matrix = mergePairs(shards, order);
  const matrixSummary = mergeMatrixSummary(shards, matrix);
  const observations = mergeObservations(shards, order);
  const estate = mergeEstate(shards);
  const rules = mergeRules(shards);
  const descriptors = describeRules(rules);
  const waivers = mergeWaivers(shards, findings);
  const incomplete = mergeGaps(shards, order);
  return {
    tool: first.tool,
    topology: first.topology,
    // The shards ran one after another: the merged report is as old as its oldest part.
    evaluatedAt: shards.map((s) => s.report.evaluatedAt).sort()[0]!,
    mode: first.mode,
    policy: first.policy,
    summary,
    findings,
    ...(notEvaluated && { notEvaluated }),
    ...(matrix && { matrix }),
    ...(matrixSummary && { matrixSummary }),
    ...(rules && { rules }),
    ...(waivers && { waivers }),
    ...(baselines.length > 0 && {
      baseline: {
        file: baselines[0]!.file,
        existing,
        ...(baselines.some((b) => b.new !== undefined) && { new: findings.filter((f) => !f.waived && !f.baseline).length }),
        fixed: mergeFixed(shards),
      },
    }),
    ...(estate && { estate }),
    ...(incomplete && { incomplete }),
    ...(observations && { observations }),
    ...(first.scope && { scope: mergedScope(shards, regions) }),
    descriptors,
  };
}

import path from 'node:path';
import type { DocPath, SourceDocument } from './document.ts';
import type {
  Broker,
  Ca,
  CertSource,
  Client,
  ClientAuth,
  FileRef,
  Gateway,
  GlobalLoadBalancer,
  Listener,
  ObjectKind,
  Reference,
  Region,
  RegionalLoadBalancer,
  Rollover,
  Topology,
  TopologyObject,
  TrustBundle,
  Upstream,
} from './model.ts';

// Raw shapes as the schema guarantees them (resolve runs only on schema-valid documents).
type Raw = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

// The expected kinds of the references every broker makes, shared (read only) by all of them.
const CA_KIND: readonly ObjectKind[] = Object.freeze(['ca']);
const BUNDLE_KIND: readonly ObjectKind[] = Object.freeze(['trustBundle']);
const SERVER_KINDS: readonly ObjectKind[] = Object.freeze(['broker', 'gateway']);

/** Builds the typed topology from a schema-valid document. Pure: reads no files. */
export function resolveTopology(doc: SourceDocument, absolutePath: string): Topology {
  const dir = path.dirname(absolutePath);
  const data = doc.data as Raw;
  const references: Reference[] = [];
  const loc = (p: DocPath) => doc.locate(p);
  const ref = (from: string, field: string, id: string, expected: readonly ObjectKind[], p: DocPath) =>
    references.push({ from, field, id, expected, location: loc(p) });
  const refs = (from: string, field: string, ids: string[] | undefined, expected: readonly ObjectKind[], p: DocPath) =>
    (ids ?? []).forEach((id, i) => ref(from, field, id, expected, [...p, i]));

  const inDir = resolverIn(dir);
  const fileRef = (file: string, p: DocPath): FileRef => ({ path: file, absolute: inDir(file), location: loc(p) });

  // Object literals written out whole, not spread: kept for the whole run, once per broker, they are
  // then one compact object each (a spread one carries a separate property array).
  const certSource = (raw: Raw | undefined, p: DocPath, regionVault: string | undefined): CertSource | undefined => {
    if (!raw) return undefined;
    const kv = raw.keyVault as Raw | undefined;
    const location = loc(p);
    const file = raw.file !== undefined ? fileRef(raw.file, [...p, 'file']) : undefined;
    const keyVault = kv && {
      certificate: kv.certificate,
      vault: kv.vault ?? regionVault,
      vaultExplicit: kv.vault !== undefined,
      version: kv.version,
      location: loc([...p, 'keyVault']),
    };
    if (file) return keyVault ? { location, file, keyVault } : { location, file };
    return keyVault ? { location, keyVault } : { location };
  };

  const clientAuth = (raw: Raw | undefined, required: boolean, from: string, p: DocPath): ClientAuth => {
    if (raw?.trustBundle !== undefined) ref(from, 'clientAuth.trustBundle', raw.trustBundle, BUNDLE_KIND, [...p, 'trustBundle']);
    return { required: raw?.required ?? required, trustBundle: raw?.trustBundle, location: loc(raw ? p : p.slice(0, -1)) };
  };

  const base = (raw: Raw, p: DocPath) => ({ id: raw.id as string, location: loc(p), path: p });

  const cas: Ca[] = (data.cas ?? []).map((raw: Raw, i: number): Ca => {
    const p = ['cas', i];
    if (raw.issuer !== undefined) ref(raw.id, 'issuer', raw.issuer, CA_KIND, [...p, 'issuer']);
    return { kind: 'ca', ...base(raw, p), issuer: raw.issuer, cert: certSource(raw.cert, [...p, 'cert'], undefined)! };
  });

  const trustBundles: TrustBundle[] = (data.trustBundles ?? []).map((raw: Raw, i: number): TrustBundle => {
    const p = ['trustBundles', i];
    refs(raw.id, 'cas', raw.cas, CA_KIND, [...p, 'cas']);
    return {
      kind: 'trustBundle',
      ...base(raw, p),
      cas: raw.cas,
      ...(raw.file !== undefined && { file: fileRef(raw.file, [...p, 'file']) }),
      ...(raw.configMap && {
        configMap: {
          file: fileRef(raw.configMap.file, [...p, 'configMap', 'file']),
          key: raw.configMap.key ?? 'ca.crt',
          location: loc([...p, 'configMap']),
        },
      }),
    };
  });

  const listeners = (raw: Raw[] | undefined, p: DocPath): Listener[] =>
    (raw ?? []).map((l, i) => ({ port: l.port, protocol: l.protocol, backendPort: l.backendPort ?? l.port, location: loc([...p, i]) }));

  const regions: Region[] = [];
  const loadBalancers: RegionalLoadBalancer[] = [];
  const brokers: Broker[] = [];
  const gateways: Gateway[] = [];
  (data.regions ?? []).forEach((r: Raw, ri: number) => {
    const rp = ['regions', ri];
    const vaultName: string | undefined = r.keyVault?.name ?? vaultNameFromUrl(r.keyVault?.url);
    regions.push({
      kind: 'region',
      ...base(r, rp),
      ...(vaultName !== undefined && { keyVault: { name: vaultName, url: r.keyVault?.url } }),
    });
    (r.loadBalancers ?? []).forEach((lb: Raw, i: number) => {
      const p = [...rp, 'loadBalancers', i];
      refs(lb.id, 'backends', lb.backends, SERVER_KINDS, [...p, 'backends']);
      loadBalancers.push({
        kind: 'loadBalancer',
        ...base(lb, p),
        region: r.id,
        type: lb.type,
        frontend: lb.frontend,
        listeners: listeners(lb.listeners, [...p, 'listeners']),
        backends: lb.backends ?? [],
        backendsLocation: loc(lb.backends ? [...p, 'backends'] : p),
        certificate: certSource(lb.certificate, [...p, 'certificate'], vaultName),
      });
    });
    (r.brokers ?? []).forEach((b: Raw, i: number) => {
      const p = [...rp, 'brokers', i];
      if (b.issuer !== undefined) ref(b.id, 'issuer', b.issuer, CA_KIND, [...p, 'issuer']);
      brokers.push({
        kind: 'broker',
        id: b.id as string,
        location: loc(p),
        path: p,
        region: r.id,
        fqdn: b.fqdn,
        port: b.port ?? 443,
        address: b.address,
        issuer: b.issuer,
        cert: certSource(b.cert, [...p, 'cert'], vaultName),
        clientAuth: clientAuth(b.clientAuth, true, b.id, [...p, 'clientAuth']),
      });
    });
    (r.gateways ?? []).forEach((g: Raw, i: number) => {
      const p = [...rp, 'gateways', i];
      const upstreams: Upstream[] = (g.upstreams ?? []).map((u: Raw, k: number): Upstream => {
        const up = [...p, 'upstreams', k];
        ref(g.id, 'upstreams.to', u.to, SERVER_KINDS, [...up, 'to']);
        if (u.trustBundle !== undefined) ref(g.id, 'upstreams.trustBundle', u.trustBundle, BUNDLE_KIND, [...up, 'trustBundle']);
        return {
          to: u.to,
          tls: u.tls,
          trustBundle: u.trustBundle,
          clientCert: certSource(u.clientCert, [...up, 'clientCert'], vaultName),
          location: loc(up),
          path: up,
        };
      });
      gateways.push({
        kind: 'gateway',
        ...base(g, p),
        region: r.id,
        type: g.type,
        fqdn: g.fqdn,
        port: g.port ?? 443,
        address: g.address,
        cert: certSource(g.cert, [...p, 'cert'], vaultName),
        clientAuth: clientAuth(g.clientAuth, false, g.id, [...p, 'clientAuth']),
        upstreams,
      });
    });
  });

  const globalLoadBalancers: GlobalLoadBalancer[] = (data.globalLoadBalancers ?? []).map((lb: Raw, i: number): GlobalLoadBalancer => {
    const p = ['globalLoadBalancers', i];
    refs(lb.id, 'backends', lb.backends, ['loadBalancer'], [...p, 'backends']);
    return {
      kind: 'globalLoadBalancer',
      ...base(lb, p),
      type: lb.type,
      frontend: lb.frontend,
      listeners: listeners(lb.listeners, [...p, 'listeners']),
      backends: lb.backends ?? [],
      backendsLocation: loc(lb.backends ? [...p, 'backends'] : p),
      certificate: certSource(lb.certificate, [...p, 'certificate'], undefined),
    };
  });

  const clients: Client[] = (data.clients ?? []).map((c: Raw, i: number): Client => {
    const p = ['clients', i];
    if (c.region !== undefined) ref(c.id, 'region', c.region, ['region'], [...p, 'region']);
    if (c.trustBundle !== undefined) ref(c.id, 'trustBundle', c.trustBundle, BUNDLE_KIND, [...p, 'trustBundle']);
    const connectable: ObjectKind[] = ['broker', 'gateway', 'loadBalancer', 'globalLoadBalancer'];
    refs(c.id, 'connectsTo', c.connectsTo, connectable, [...p, 'connectsTo']);
    const vault = regions.find((r) => r.id === c.region)?.keyVault?.name;
    return {
      kind: 'client',
      ...base(c, p),
      role: c.role ?? 'other',
      region: c.region,
      cert: certSource(c.cert, [...p, 'cert'], vault),
      trustBundle: c.trustBundle,
      connectsTo: c.connectsTo,
    };
  });

  let rollover: Rollover | undefined;
  if (data.rollover) {
    const r = data.rollover as Raw;
    const name = data.metadata.name as string;
    ref(name, 'rollover.from', r.from, CA_KIND, ['rollover', 'from']);
    ref(name, 'rollover.to', r.to, CA_KIND, ['rollover', 'to']);
    rollover = { from: r.from, to: r.to, phase: r.phase, location: loc(['rollover']) };
  }

  const byId = new Map<string, TopologyObject[]>();
  const objects: TopologyObject[] = [...cas, ...trustBundles, ...regions, ...loadBalancers, ...globalLoadBalancers, ...brokers, ...gateways, ...clients];
  for (const o of objects) {
    const list = byId.get(o.id);
    if (list) list.push(o);
    else byId.set(o.id, [o]);
  }

  const policy = (data.policy ?? {}) as Raw;
  return {
    file: doc.file,
    dir,
    name: data.metadata.name,
    policy: {
      pack: policy.pack,
      ...(policy.pack !== undefined && { packLocation: loc(['policy', 'pack']) }),
      params: policy.params ?? {},
      ...(policy.waivers !== undefined && { waivers: fileRef(policy.waivers, ['policy', 'waivers']) }),
    },
    cas,
    trustBundles,
    regions,
    loadBalancers,
    globalLoadBalancers,
    brokers,
    gateways,
    clients,
    rollover,
    byId,
    references,
    location: loc([]),
  };
}

/**
 * The vault name is the first label of the URL's host. Read from the text the schema admitted, not
 * with `new URL()`, which throws on hosts the schema's pattern allows (https://kv-us.1.2.3.4).
 */
function vaultNameFromUrl(url: string | undefined): string | undefined {
  if (!url) return undefined;
  return /^https:\/\/([^./]+)/i.exec(url)?.[1];
}

/**
 * path.resolve(dir, file), with a fast path for what topologies hold: a relative name of plain
 * segments (no '.', '..', empty or leading '/') under a normalised absolute folder is the folder, '/'
 * and the name. path.resolve builds its result character run by character run: at 10,000 brokers,
 * ~300 bytes of string pieces kept per certificate file.
 */
export function resolverIn(dir: string): (file: string) => string {
  const normal = path.sep === '/' && path.isAbsolute(dir) && path.resolve(dir) === dir;
  const prefix = dir === '/' ? '/' : `${dir}/`;
  return (file) => (normal && plainRelative(file) ? prefix + file : path.resolve(dir, file));
}

const SLASH = 0x2f;
const DOT = 0x2e;

function plainRelative(file: string): boolean {
  if (file.length === 0 || file.charCodeAt(0) === SLASH) return false;
  let start = 0;
  for (let i = 0; i <= file.length; i++) {
    if (i < file.length && file.charCodeAt(i) !== SLASH) continue;
    const length = i - start;
    if (length === 0) return false; // '//' or a trailing '/'
    if (file.charCodeAt(start) === DOT && (length === 1 || (length === 2 && file.charCodeAt(start + 1) === DOT))) return false;
    start = i + 1;
  }
  return true;
}

// Grammar-based inputs: random topologies and policy packs built over the schema, so most of them
// pass it and reach the resolver and every rule with shapes no hand-written test has: ids that
// collide or dangle, load balancers that list each other, upstream cycles, files that are keys or
// missing, extreme params. Some are then bent out of the schema on purpose (`corrupt`).
import fc from 'fast-check';

/** A small id pool, so references collide, dangle, cycle and name objects of the wrong kind. */
const ID_POOL = ['root', 'issuing', 'clients', 'rc-trust', 'us', 'in', 'slb-us', 'slb-in', 'crlb', 'broker-1', 'broker-2', 'broker-3', 'gw', 'gw-2', 'ctl', 'tgt', 'x'];
const id = fc.oneof({ weight: 12, arbitrary: fc.constantFrom(...ID_POOL) }, { weight: 1, arbitrary: fc.stringMatching(/^[A-Za-z0-9][A-Za-z0-9._-]{0,20}$/) });
const ids = fc.array(id, { maxLength: 5 });

const fqdn = fc.oneof(
  fc.constantFrom('broker-1.company.com', 'broker-2.company.com', 'broker-us-1.company.com', 'rsa.company.com', 'x.company.com', 'company.com', 'a', 'broker-1.company.com.'),
  fc.domain(),
);
const port = fc.oneof(fc.constantFrom(443, 8443, 8883, 1, 65535), fc.integer({ min: 1, max: 65535 }));

export interface FilePool {
  /** Relative paths the topology may reference, and what is there ("missing" ones are not). */
  readonly names: readonly string[];
}

const keyVault = fc.record(
  {
    certificate: fc.stringMatching(/^[0-9A-Za-z-]{1,20}$/),
    vault: fc.constantFrom('kv-us', 'kv-in', 'kv-other'),
    version: fc.stringMatching(/^[0-9a-f]{1,32}$/),
  },
  { requiredKeys: ['certificate'] },
);

export function topologyArbitrary(files: FilePool): fc.Arbitrary<Record<string, unknown>> {
  const file = fc.constantFrom(...files.names);
  const certSource = fc.oneof(
    { weight: 4, arbitrary: fc.record({ file }) },
    { weight: 1, arbitrary: fc.record({ file, keyVault }, { requiredKeys: [] }).filter((r) => Object.keys(r).length > 0) },
  );
  const clientAuth = fc.record({ required: fc.boolean(), trustBundle: id }, { requiredKeys: [] });
  const listener = fc.record(
    { port, protocol: fc.constantFrom('tcp', 'tcp', 'tcp', 'udp', 'tls', 'http', 'https'), backendPort: port },
    { requiredKeys: ['port', 'protocol'] },
  );
  const frontend = fc.record({ fqdn, address: fc.oneof(fc.ipV4(), fc.constantFrom('20.0.0.10', '::1', 'lb.internal')) }, { requiredKeys: [] });
  const loadBalancer = fc.record(
    { id, type: fc.constantFrom('azure-standard-lb', 'azure-cross-region-lb', 'f5'), frontend, listeners: fc.array(listener, { maxLength: 3 }), backends: ids, certificate: certSource },
    { requiredKeys: ['id'] },
  );
  const broker = fc.record(
    { id, fqdn, port, address: fc.ipV4(), issuer: id, cert: certSource, clientAuth },
    { requiredKeys: ['id', 'fqdn'] },
  );
  const upstream = fc.record(
    { to: id, tls: fc.constantFrom('reencrypt', 'passthrough', 'none'), trustBundle: id, clientCert: certSource },
    { requiredKeys: ['to', 'tls'] },
  );
  const gateway = fc.record(
    { id, type: fc.constant('azure-application-gateway'), fqdn, port, cert: certSource, clientAuth, upstreams: fc.array(upstream, { maxLength: 3 }) },
    { requiredKeys: ['id', 'fqdn'] },
  );
  const region = fc.record(
    {
      id,
      keyVault: fc.oneof(fc.record({ name: fc.constantFrom('kv-us', 'kv-in') }), fc.record({ url: fc.constantFrom('https://kv-us.vault.azure.net', 'https://kv-in.vault.azure.net/', 'https://kv-us.1.2.3.4', 'https://KV-IN.xn--a.-/') })),
      loadBalancers: fc.array(loadBalancer, { maxLength: 2 }),
      brokers: fc.array(broker, { maxLength: 4 }),
      gateways: fc.array(gateway, { maxLength: 2 }),
    },
    { requiredKeys: ['id'] },
  );
  const ca = fc.record({ id, issuer: id, cert: certSource }, { requiredKeys: ['id', 'cert'] });
  const bundle = fc.record(
    { id, cas: ids, file, configMap: fc.record({ file, key: fc.constantFrom('ca.crt', 'tls.key', 'missing', '__proto__', 'constructor') }, { requiredKeys: ['file'] }) },
    { requiredKeys: ['id', 'cas'] },
  );
  const client = fc.record(
    { id, role: fc.constantFrom('controller', 'target', 'other'), region: id, cert: certSource, trustBundle: id, connectsTo: ids },
    { requiredKeys: ['id'] },
  );
  return fc.record(
    {
      apiVersion: fc.constant('rc-policy/v1'),
      kind: fc.constant('Topology'),
      metadata: fc.record({ name: fc.constantFrom('rc-fuzz', 'x') }),
      policy: fc.record({ pack: fc.constantFrom('rc-default', 'lb-tls-offload'), params: paramsArbitrary() }, { requiredKeys: [] }),
      cas: fc.array(ca, { maxLength: 4 }),
      trustBundles: fc.array(bundle, { maxLength: 2 }),
      rollover: fc.record({ from: id, to: id, phase: fc.constantFrom('trust-both', 'issue-new', 'retire-old') }),
      regions: fc.array(region, { maxLength: 2 }),
      globalLoadBalancers: fc.array(loadBalancer, { maxLength: 2 }),
      clients: fc.array(client, { maxLength: 3 }),
    },
    { requiredKeys: ['apiVersion', 'kind', 'metadata'] },
  );
}

export function paramsArbitrary(): fc.Arbitrary<Record<string, unknown>> {
  return fc.record(
    {
      renewBeforeDays: fc.integer({ min: 0, max: 3650 }),
      caRenewBeforeDays: fc.integer({ min: 0, max: 3650 }),
      rootRenewBeforeDays: fc.integer({ min: 0, max: 7300 }),
      minRsaBits: fc.integer({ min: 1024, max: 16384 }),
      allowedCurves: fc.uniqueArray(fc.constantFrom('P-256', 'P-384', 'P-521'), { maxLength: 3 }),
      maxLeafValidityDays: fc.integer({ min: 1, max: 36500 }),
    },
    { requiredKeys: [] },
  );
}

export function packArbitrary(ruleIds: readonly string[]): fc.Arbitrary<Record<string, unknown>> {
  const setting = fc.constantFrom('error', 'warning', 'info', 'off');
  const ruleId = fc.oneof({ weight: 8, arbitrary: fc.constantFrom(...ruleIds) }, { weight: 1, arbitrary: fc.stringMatching(/^[a-z]+\/[a-z0-9-]+$/) });
  return fc.record(
    {
      apiVersion: fc.constant('rc-policy/v1'),
      kind: fc.constant('PolicyPack'),
      metadata: fc.record({ name: fc.constantFrom('fuzz-pack', 'p'), description: fc.string() }, { requiredKeys: ['name'] }),
      extends: fc.constantFrom(null, 'rc-default', 'lb-tls-offload'),
      params: paramsArbitrary(),
      rules: fc.dictionary(ruleId, setting, { maxKeys: 6 }),
    },
    { requiredKeys: ['apiVersion', 'kind', 'metadata'] },
  );
}

/** Replaces one value somewhere in `doc` with random JSON: the document leaves the schema. */
export function corrupt<T>(doc: fc.Arbitrary<T>): fc.Arbitrary<unknown> {
  return fc.tuple(doc, fc.nat(), fc.jsonValue({ maxDepth: 2 })).map(([d, pick, value]) => {
    const copy = structuredClone(d) as unknown;
    const slots: { parent: Record<string | number, unknown>; key: string | number }[] = [];
    const walk = (n: unknown) => {
      if (n === null || typeof n !== 'object') return;
      for (const [k, v] of Object.entries(n as object)) {
        slots.push({ parent: n as Record<string, unknown>, key: Array.isArray(n) ? Number(k) : k });
        walk(v);
      }
    };
    walk(copy);
    const slot = slots[pick % Math.max(1, slots.length)];
    if (slot) slot.parent[slot.key] = value;
    return copy;
  });
}

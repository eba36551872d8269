// The model as CEL values (types.ts): what `object`, `topology`, `params` and `now` hold. Every
// record is lazy (LazyRecord) and memoised per model, so a rule pays only for the fields it reads.
import type { Certificate } from '../../pki/cert.ts';
import { ekuName, type GeneralName } from '../../pki/extensions.ts';
import { certificateUses, chainOf, liveChains, memo } from '../../model/certificates.ts';
import { keyVaultCertificate } from '../../model/live.ts';
import { handshakeMatrix } from '../../matrix.ts';
import type { Model } from '../../model/types.ts';
import { lookup, type Broker, type Ca, type CertSource, type Client, type Gateway, type KeyVaultRef, type LoadBalancer, type Location, type Region, type TrustBundle } from '../../topology/model.ts';
import { CEL_CLASSES, type LazyRecord } from './environment.ts';
import type { OnKind } from './types.ts';

type Thunks = Readonly<Record<string, () => unknown>>;
const record = (type: string, thunks: Thunks): LazyRecord => new (CEL_CLASSES.get(type)!)(thunks);
const int = (n: number | undefined): bigint => BigInt(Math.trunc(n ?? 0));

/** One object a rule is evaluated on: its CEL value, and what a finding about it names. */
export interface CelObject {
  readonly value: LazyRecord;
  readonly target: string;
  readonly location: Location;
}

function formatIp(a: Uint8Array): string {
  if (a.length === 4) return a.join('.');
  const parts: string[] = [];
  for (let i = 0; i + 1 < a.length; i += 2) parts.push(((a[i]! << 8) | a[i + 1]!).toString(16));
  return parts.join(':');
}

function sanText(n: GeneralName): string[] {
  if (n.kind === 'dns' || n.kind === 'email' || n.kind === 'uri') return [n.value];
  if (n.kind === 'ip') return [formatIp(n.value)];
  return [];
}

const certViews = new WeakMap<Certificate, Map<string, LazyRecord>>();

/** A certificate as rc.Certificate, once per certificate and source. */
export function certificateValue(c: Certificate, source: string): LazyRecord {
  let bySource = certViews.get(c);
  if (!bySource) certViews.set(c, (bySource = new Map()));
  let v = bySource.get(source);
  if (!v) {
    v = record('rc.Certificate', {
      subject: () => c.subjectName,
      issuer: () => c.issuerName,
      commonNames: () => [...c.commonNames],
      sans: () => (c.subjectAltName ?? []).flatMap(sanText),
      dnsNames: () => [...c.dnsNames],
      serialNumber: () => c.serialNumber,
      notBefore: () => c.notBefore,
      notAfter: () => c.notAfter,
      keyType: () => c.publicKey.algorithm,
      keyBits: () => int(c.publicKey.bits),
      curve: () => c.publicKey.curve ?? '',
      sha256: () => c.fingerprint,
      ekus: () => (c.extKeyUsage ?? []).map(ekuName),
      isCa: () => c.isCa,
      selfIssued: () => c.isSelfIssued,
      signatureAlgorithm: () => c.signatureAlgorithm.name,
      source: () => source,
    });
    bySource.set(source, v);
  }
  return v;
}

/** Where the certificates of a source came from in this model: its file, the TLS probe or Key Vault. */
function sourceOf(m: Model, s: CertSource): string {
  const live = liveChains(m).get(s);
  if (!live) return 'file';
  // liveChains puts a Key Vault leaf in only for a source without a file that the probe did not cover.
  return !s.file && s.keyVault && live[0] === keyVaultCertificate(m, s.keyVault)?.cert ? 'key-vault' : 'tls';
}

function keyVaultValue(m: Model, ref: KeyVaultRef): LazyRecord {
  return record('rc.KeyVault', {
    vault: () => ref.vault ?? '',
    name: () => ref.certificate,
    version: () => ref.version ?? '',
    certificate: () => {
      const kv = keyVaultCertificate(m, ref);
      return kv ? certificateValue(kv.cert, 'key-vault') : undefined;
    },
  });
}

/** The fields of an object that holds a certificate source. */
function certified(m: Model, s: CertSource | undefined): Thunks {
  let chain: readonly Certificate[] | undefined;
  const certs = () => (chain ??= chainOf(m, s));
  return {
    certificate: () => {
      const first = certs()[0];
      return first && s ? certificateValue(first, sourceOf(m, s)) : undefined;
    },
    chain: () => (s ? certs().map((c) => certificateValue(c, sourceOf(m, s))) : []),
    keyVault: () => (s?.keyVault ? keyVaultValue(m, s.keyVault) : undefined),
  };
}

const clientAuthValue = (a: Broker['clientAuth']): LazyRecord => record('rc.ClientAuth', { required: () => a.required, trustBundle: () => a.trustBundle ?? '' });

const brokerValue = (m: Model, b: Broker): LazyRecord =>
  record('rc.Broker', {
    id: () => b.id,
    kind: () => b.kind,
    region: () => b.region,
    fqdn: () => b.fqdn,
    port: () => int(b.port),
    address: () => b.address ?? '',
    issuer: () => b.issuer ?? '',
    clientAuth: () => clientAuthValue(b.clientAuth),
    ...certified(m, b.cert),
  });

const gatewayValue = (m: Model, g: Gateway): LazyRecord =>
  record('rc.Gateway', {
    id: () => g.id,
    kind: () => g.kind,
    region: () => g.region,
    type: () => g.type ?? '',
    fqdn: () => g.fqdn,
    port: () => int(g.port),
    address: () => g.address ?? '',
    clientAuth: () => clientAuthValue(g.clientAuth),
    upstreams: () => g.upstreams.map((u) => record('rc.Upstream', { to: () => u.to, tls: () => u.tls, trustBundle: () => u.trustBundle ?? '' })),
    ...certified(m, g.cert),
  });

const clientValue = (m: Model, c: Client): LazyRecord =>
  record('rc.Client', {
    id: () => c.id,
    kind: () => c.kind,
    role: () => c.role,
    region: () => c.region ?? '',
    trustBundle: () => c.trustBundle ?? '',
    connectsTo: () => [...(c.connectsTo ?? [])],
    ...certified(m, c.cert),
  });

const loadBalancerValue = (m: Model, lb: LoadBalancer): LazyRecord =>
  record('rc.LoadBalancer', {
    id: () => lb.id,
    kind: () => lb.kind,
    region: () => (lb.kind === 'loadBalancer' ? lb.region : ''),
    type: () => lb.type ?? '',
    frontendFqdn: () => lb.frontend?.fqdn ?? '',
    frontendAddress: () => lb.frontend?.address ?? '',
    listeners: () => lb.listeners.map((l) => record('rc.Listener', { port: () => int(l.port), protocol: () => l.protocol, backendPort: () => int(l.backendPort) })),
    backends: () => [...lb.backends],
    certificate: () => certified(m, lb.certificate).certificate!(),
  });

const caValue = (m: Model, ca: Ca): LazyRecord => record('rc.Ca', { id: () => ca.id, kind: () => ca.kind, issuer: () => ca.issuer ?? '', ...certified(m, ca.cert) });

const regionValue = (r: Region): LazyRecord => record('rc.Region', { id: () => r.id, kind: () => r.kind, keyVault: () => r.keyVault?.name ?? '' });

const trustBundleValue = (m: Model, b: TrustBundle): LazyRecord =>
  record('rc.TrustBundle', {
    id: () => b.id,
    cas: () => [...b.cas],
    certificates: () =>
      b.cas.flatMap((id) => {
        const ca = lookup(m.topology, id, 'ca');
        const cert = ca ? certified(m, ca.cert).certificate!() : undefined;
        return cert ? [cert] : [];
      }),
    fileCertificates: () => {
      const file = b.file ?? b.configMap?.file;
      return (file ? (m.files.get(file.absolute)?.certs ?? []) : []).map((c) => certificateValue(c, 'file'));
    },
  });

/** Each object of a kind, once per model and in document order. */
const objects: Readonly<Record<OnKind, (m: Model) => CelObject[]>> = {
  broker: memo((m) => m.topology.brokers.map((b) => ({ value: brokerView(m).get(b)!, target: b.id, location: b.location }))),
  gateway: memo((m) => m.topology.gateways.map((g) => ({ value: gatewayValue(m, g), target: g.id, location: g.location }))),
  client: memo((m) => m.topology.clients.map((c) => ({ value: clientValue(m, c), target: c.id, location: c.location }))),
  lb: memo((m) => [...m.topology.loadBalancers, ...m.topology.globalLoadBalancers].map((lb) => ({ value: loadBalancerValue(m, lb), target: lb.id, location: lb.location }))),
  ca: memo((m) => m.topology.cas.map((ca) => ({ value: caValue(m, ca), target: ca.id, location: ca.location }))),
  region: memo((m) => m.topology.regions.map((r) => ({ value: regionValue(r), target: r.id, location: r.location }))),
  pair: memo((m) =>
    handshakeMatrix(m).map((p) => ({
      value: record('rc.Pair', {
        id: () => p.id,
        kind: () => 'pair',
        client: () => p.client.id,
        server: () => p.server.id,
        ok: () => p.ok,
        serverAuthOk: () => p.serverAuth.ok,
        serverAuthReason: () => p.serverAuth.reason ?? '',
        clientAuthRequired: () => p.clientAuth !== undefined,
        clientAuthOk: () => p.clientAuth?.ok ?? true,
        clientAuthReason: () => p.clientAuth?.reason ?? '',
      }),
      target: p.id,
      location: p.client.location,
    })),
  ),
  certificate: memo((m) =>
    certificateUses(m).map((u) => ({
      value: record('rc.CertificateUse', {
        id: () => u.target,
        kind: () => 'certificate',
        role: () => u.kind,
        certificate: () => certificateValue(u.cert, sourceOf(m, u.ref.source)),
      }),
      target: u.target,
      location: u.location,
    })),
  ),
};

// Brokers are shared by `object` and `topology.brokers`: one value each.
const brokerView = memo((m: Model) => new Map(m.topology.brokers.map((b) => [b, brokerValue(m, b)])));

export const objectsOf = (m: Model, kind: OnKind): CelObject[] => objects[kind](m);

const values = (xs: readonly CelObject[]): LazyRecord[] => xs.map((x) => x.value);

/** `topology`: built on first use, so rules that never read it never pay for it. */
export const topologyValue = memo((m: Model): LazyRecord =>
  record('rc.Topology', {
    name: () => m.topology.name,
    cas: () => values(objectsOf(m, 'ca')),
    trustBundles: () => m.topology.trustBundles.map((b) => trustBundleValue(m, b)),
    regions: () => values(objectsOf(m, 'region')),
    loadBalancers: () => values(objectsOf(m, 'lb')),
    brokers: () => values(objectsOf(m, 'broker')),
    gateways: () => values(objectsOf(m, 'gateway')),
    clients: () => values(objectsOf(m, 'client')),
  }),
);

export const paramsValue = memo((m: Model): LazyRecord =>
  record('rc.Params', {
    renewBeforeDays: () => int(m.params.renewBeforeDays),
    caRenewBeforeDays: () => int(m.params.caRenewBeforeDays),
    rootRenewBeforeDays: () => int(m.params.rootRenewBeforeDays),
    minRsaBits: () => int(m.params.minRsaBits),
    allowedCurves: () => [...m.params.allowedCurves],
    maxLeafValidityDays: () => int(m.params.maxLeafValidityDays),
  }),
);

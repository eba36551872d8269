// Writes the RC system estate (docs/architectures/rc-system.md) to a folder: rc-topology.yaml, its public CA certificates
// and one served chain per broker and client. Used by `rc-policy init` and by the script that
// regenerates examples/rc-system. Keys are generated in memory and dropped: nothing secret is written.
import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { issue, type Issued, type KeySpec } from '../pki/generate.ts';

export interface EstateOptions {
  readonly notBefore: Date;
  readonly leafDays: number;
  readonly caDays: number;
  readonly rootDays: number;
  readonly key?: KeySpec;
  /** Lines added under `policy:` (e.g. params for long-lived fixtures). */
  readonly policyParams?: Readonly<Record<string, number>>;
  readonly header?: string;
  /** Sees every certificate as it is issued, keys included (tests that serve the estate for real). */
  readonly onIssued?: (id: string, issued: Issued) => void;
}

const DAY = 86_400_000;
const plus = (d: Date, days: number) => new Date(d.getTime() + days * DAY);

export const RC_BROKERS = [
  { id: 'broker-us-1', region: 'us', address: '10.0.1.4' },
  { id: 'broker-us-2', region: 'us', address: '10.0.1.5' },
  { id: 'broker-in-3', region: 'in', address: '10.1.1.4' },
] as const;

export const RC_CLIENTS = [
  { id: 'controller-us', role: 'controller', region: 'us', connectsTo: 'crlb' },
  { id: 'target-us', role: 'target', region: 'us', connectsTo: 'slb-us' },
  { id: 'target-in', role: 'target', region: 'in', connectsTo: 'crlb' },
] as const;

export async function writeRcSystem(dir: string, o: EstateOptions): Promise<string[]> {
  const key = o.key ?? 'rsa-2048';
  const nb = o.notBefore;
  const org = 'O=Company';
  const root = await issue({ subject: `CN=RC Root CA, ${org}`, key, notBefore: nb, notAfter: plus(nb, o.rootDays), ca: { pathLen: 1 } });
  const caOpts = { key, issuer: root, notBefore: nb, notAfter: plus(nb, o.caDays), ca: { pathLen: 0 } } as const;
  const serverCa = await issue({ ...caOpts, subject: `CN=RC Server Issuing CA, ${org}` });
  const clientCa = await issue({ ...caOpts, subject: `CN=RC Client Issuing CA, ${org}` });
  o.onIssued?.('root', root);
  o.onIssued?.('server-issuing', serverCa);
  o.onIssued?.('client-issuing', clientCa);
  const leaf = { key, notBefore: nb, notAfter: plus(nb, o.leafDays) } as const;

  const files = new Map<string, string>();
  files.set('pki/root.pem', root.pem);
  files.set('pki/server-issuing.pem', serverCa.pem);
  files.set('pki/client-issuing.pem', clientCa.pem);
  files.set('pki/rc-trust-bundle.pem', root.pem);
  for (const b of RC_BROKERS) {
    const fqdn = `${b.id}.company.com`;
    const cert: Issued = await issue({ ...leaf, subject: `CN=${fqdn}, ${org}`, issuer: serverCa, dns: [fqdn], eku: ['serverAuth'] });
    o.onIssued?.(b.id, cert);
    files.set(`certs/${b.id}.pem`, cert.pem + serverCa.pem);
  }
  for (const c of RC_CLIENTS) {
    const cert = await issue({ ...leaf, subject: `CN=${c.id}, ${org}`, issuer: clientCa, eku: ['clientAuth'] });
    o.onIssued?.(c.id, cert);
    files.set(`certs/${c.id}.pem`, cert.pem + clientCa.pem);
  }
  files.set('rc-topology.yaml', topologyYaml(o));
  for (const [rel, content] of files) {
    await mkdir(path.dirname(path.join(dir, rel)), { recursive: true });
    await writeFile(path.join(dir, rel), content);
  }
  return [...files.keys()];
}

function topologyYaml(o: EstateOptions): string {
  const params = Object.entries(o.policyParams ?? {});
  const broker = (b: (typeof RC_BROKERS)[number]) => `      - id: ${b.id}
        fqdn: ${b.id}.company.com
        port: 443
        address: ${b.address}
        issuer: server-issuing
        cert:
          file: certs/${b.id}.pem
          keyVault: { certificate: ${b.id}-cert }
        clientAuth: { required: true, trustBundle: rc-trust }`;
  const region = (id: 'us' | 'in', address: string) => `  - id: ${id}
    keyVault: { name: kv-${id} }
    loadBalancers:
      - id: slb-${id}
        type: azure-standard-lb
        frontend: { fqdn: slb-${id}.company.com, address: ${address} }
        listeners:
          - { port: 443, protocol: tcp, backendPort: 443 }
        backends: [${RC_BROKERS.filter((b) => b.region === id).map((b) => b.id).join(', ')}]
    brokers:
${RC_BROKERS.filter((b) => b.region === id).map(broker).join('\n')}`;
  return `${o.header ?? ''}# yaml-language-server: $schema=https://raw.githubusercontent.com/rc-policy/rc-policy/v1/schema/topology.schema.json
# The RC system (docs/architectures/rc-system.md): Controllers/Targets -> Cross-Region LB -> regional Standard LBs -> Brokers.
# Load balancers are layer 4: TLS/mTLS terminates only on the brokers.
apiVersion: rc-policy/v1
kind: Topology
metadata:
  name: rc-system
policy:
  pack: rc-default${params.length ? `\n  params:\n${params.map(([k, v]) => `    ${k}: ${v}`).join('\n')}` : ''}

cas:
  - id: root
    cert: { file: pki/root.pem }
  - id: server-issuing
    issuer: root
    cert: { file: pki/server-issuing.pem }
  - id: client-issuing
    issuer: root
    cert: { file: pki/client-issuing.pem }

trustBundles:
  - id: rc-trust
    cas: [root]
    file: pki/rc-trust-bundle.pem

regions:
${region('us', '20.0.0.10')}
${region('in', '20.1.0.10')}

globalLoadBalancers:
  - id: crlb
    type: azure-cross-region-lb
    frontend: { fqdn: rc.company.com }
    listeners:
      - { port: 443, protocol: tcp }
    backends: [slb-us, slb-in]

clients:
${RC_CLIENTS.map(
  (c) => `  - id: ${c.id}
    role: ${c.role}
    region: ${c.region}
    cert: { file: certs/${c.id}.pem }
    trustBundle: rc-trust
    connectsTo: [${c.connectsTo}]`,
).join('\n')}
`;
}

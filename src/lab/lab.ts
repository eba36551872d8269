// `rc-policy lab`: a small estate that runs on this machine, so that `audit` can be tried without
// one (docs/decisions/0126). A fresh PKI; four brokers on loopback — healthy, drifted (it serves
// another certificate than the repo declares), one that never asks for a client certificate, and a
// dead one — behind a layer-4 relay; a topology that names them by FQDNs under .test (RFC 2606:
// they never resolve, so the audit dials only the --resolve addresses printed with it).
import { chmod, mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { issue, privateKeyPem, type Issued } from '../pki/generate.ts';
import { deadPort, tcpRelay, tlsServer, type Listening } from './servers.ts';

export const LAB_DOMAIN = 'rc-lab.test';
export const LAB_PORT = 8883; // MQTT over TLS
export const LAB_BROKERS = ['broker-healthy', 'broker-drifted', 'broker-no-mtls', 'broker-dead'] as const;
export type LabBroker = (typeof LAB_BROKERS)[number];

export interface Lab {
  /** The topology written for the lab (absolute). */
  readonly topology: string;
  /** `host:port:127.0.0.1:port` for each live name: brokers and the load balancer frontend. */
  readonly resolve: readonly string[];
  /** The probe's client certificate and key (PEM files in the private key folder). */
  readonly clientCert: string;
  readonly clientKey: string;
  /** The private folder holding the only key written to disk; deleted by stop(). */
  readonly keyDir: string;
  /** What each broker really serves (SHA-256 of its leaf); the dead one serves nothing. */
  readonly served: Readonly<Partial<Record<LabBroker, string>>>;
  /** Stops every server and deletes the key folder. Safe to call twice. */
  stop(): Promise<void>;
}

const DAY = 86_400_000;
const fqdn = (id: string) => `${id}.${LAB_DOMAIN}`;

function topologyYaml(): string {
  const brokers = LAB_BROKERS.map(
    (id) => `      - id: ${id}
        fqdn: ${fqdn(id)}
        port: ${LAB_PORT}
        issuer: lab-issuing
        cert: { file: certs/${id}.pem }
        clientAuth: { required: true, trustBundle: lab-trust }`,
  ).join('\n');
  return `# Written by rc-policy lab: a dev PKI and servers on loopback, not for production.
# The FQDNs end in .test (RFC 2606) and never resolve: run the audit command the lab printed.
apiVersion: rc-policy/v1
kind: Topology
metadata:
  name: rc-lab
cas:
  - id: lab-root
    cert: { file: pki/lab-root.pem }
  - id: lab-issuing
    issuer: lab-root
    cert: { file: pki/lab-issuing.pem }
trustBundles:
  - id: lab-trust
    cas: [lab-root]
regions:
  - id: lab
    loadBalancers:
      - id: slb-lab
        type: tcp-relay
        frontend: { fqdn: ${fqdn('slb')} }
        listeners:
          - { port: ${LAB_PORT}, protocol: tcp }
        backends: [${LAB_BROKERS.join(', ')}]
    brokers:
${brokers}
clients:
  - id: lab-client
    role: controller
    region: lab
    cert: { file: certs/lab-client.pem }
    trustBundle: lab-trust
    connectsTo: [slb-lab]
`;
}

/** Writes the lab's public files into `dir`, starts its servers and returns how to audit them. */
export async function startLab(dir: string, now = new Date()): Promise<Lab> {
  const notBefore = new Date(now.getTime() - DAY);
  const until = (days: number) => new Date(now.getTime() + days * DAY);
  const root = await issue({ subject: 'CN=RC Lab Root CA, O=rc-policy lab', notBefore, notAfter: until(3650), ca: { pathLen: 1 } });
  const issuing = await issue({ subject: 'CN=RC Lab Issuing CA, O=rc-policy lab', issuer: root, notBefore, notAfter: until(1095), ca: { pathLen: 0 } });
  const leaf = (id: string, eku: 'serverAuth' | 'clientAuth') =>
    issue({ subject: `CN=${eku === 'serverAuth' ? fqdn(id) : id}, O=rc-policy lab`, issuer: issuing, notBefore, notAfter: until(90), eku: [eku], ...(eku === 'serverAuth' && { dns: [fqdn(id)] }) });
  const declared: Record<LabBroker, Issued> = {} as Record<LabBroker, Issued>;
  for (const id of LAB_BROKERS) declared[id] = await leaf(id, 'serverAuth');
  // Drift: a certificate valid in every respect, but not the one in the repo (a hand-installed renewal).
  const driftedServed = await leaf('broker-drifted', 'serverAuth');
  const client = await leaf('lab-client', 'clientAuth');

  const files = new Map<string, string>([
    ['rc-topology.yaml', topologyYaml()],
    ['pki/lab-root.pem', root.pem],
    ['pki/lab-issuing.pem', issuing.pem],
    ['certs/lab-client.pem', client.pem + issuing.pem],
    ...LAB_BROKERS.map((id): [string, string] => [`certs/${id}.pem`, declared[id].pem + issuing.pem]),
  ]);
  for (const [name, text] of files) {
    await mkdir(path.dirname(path.join(dir, name)), { recursive: true });
    await writeFile(path.join(dir, name), text);
  }

  const keyDir = await mkdtemp(path.join(tmpdir(), 'rc-policy-lab-'));
  const running: Listening[] = [];
  let stopped = false;
  const removeKeys = () => rmSync(keyDir, { recursive: true, force: true });
  // Last resort: an exit that skips stop() (an uncaught error) still deletes the key.
  process.once('exit', removeKeys);
  const stop = async () => {
    if (stopped) return;
    stopped = true;
    await Promise.all(running.map((r) => r.stop().catch(() => undefined)));
    await rm(keyDir, { recursive: true, force: true });
    process.removeListener('exit', removeKeys);
  };
  try {
    await chmod(keyDir, 0o700);
    const clientCert = path.join(keyDir, 'lab-client.pem');
    const clientKey = path.join(keyDir, 'lab-client.key');
    await writeFile(clientCert, client.pem + issuing.pem, { mode: 0o600 });
    await writeFile(clientKey, await privateKeyPem(client.keys), { mode: 0o600 });

    const serve = async (served: Issued, clientCa: boolean) => {
      const l = await tlsServer({ chain: served.pem + issuing.pem, key: await privateKeyPem(served.keys), ...(clientCa && { clientCa: root.pem }) });
      running.push(l);
      return l.port;
    };
    const ports: Record<LabBroker, number> = {
      'broker-healthy': await serve(declared['broker-healthy'], true),
      'broker-drifted': await serve(driftedServed, true),
      'broker-no-mtls': await serve(declared['broker-no-mtls'], false),
      'broker-dead': await deadPort(),
    };
    const relay = await tcpRelay(ports['broker-healthy']);
    running.push(relay);
    const resolve = [...LAB_BROKERS.map((id) => `${fqdn(id)}:${LAB_PORT}:127.0.0.1:${ports[id]}`), `${fqdn('slb')}:${LAB_PORT}:127.0.0.1:${relay.port}`];
    return {
      topology: path.join(dir, 'rc-topology.yaml'),
      resolve,
      clientCert,
      clientKey,
      keyDir,
      served: {
        'broker-healthy': declared['broker-healthy'].cert.fingerprint,
        'broker-drifted': driftedServed.cert.fingerprint,
        'broker-no-mtls': declared['broker-no-mtls'].cert.fingerprint,
      },
      stop,
    };
  } catch (err) {
    await stop();
    throw err;
  }
}

/** The audit command for a lab, as a user types it from `cwd`. */
export function labAuditCommand(lab: Pick<Lab, 'topology' | 'resolve' | 'clientCert' | 'clientKey'>, cwd = process.cwd()): string {
  const rel = (p: string) => {
    const r = path.relative(cwd, p);
    return r && !r.startsWith('..') && !path.isAbsolute(r) ? r : p;
  };
  return [
    `npx rc-policy audit ${rel(lab.topology)}`,
    ...lab.resolve.map((r) => `  --resolve ${r}`),
    `  --client-cert ${lab.clientCert} --client-key ${lab.clientKey}`,
  ].join(' \\\n');
}

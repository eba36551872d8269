// A root rollover plan on the seed-000 estate (seed 001's dual-root bundle): the old root
// root-2025 expires 170 days after T0, the new root root-2026 has its own server and client
// issuing CAs, and a cross-certificate of root-2026 signed by root-2025 is available. At T0,
// broker-us-1 and controller-us have been reissued under the new root; the rest still chain to
// the old one, with leaves that expire 120 days after T0.
import { issue, type Issued } from '../../src/pki/generate.ts';
import { baseline, broker, days, type Estate } from './estate.ts';

export interface RolloverPki {
  readonly oldRoot: Issued;
  readonly oldServerCa: Issued;
  readonly oldClientCa: Issued;
  readonly newRoot: Issued;
  readonly newServerCa: Issued;
  readonly newClientCa: Issued;
  /** root-2026's subject and key, signed by root-2025. */
  readonly cross: Issued;
}

let cached: Promise<RolloverPki> | undefined;

export function rolloverPki(): Promise<RolloverPki> {
  cached ??= (async () => {
    const oldRoot = await issue({ subject: 'CN=RC Root CA 2025, O=Company', notBefore: days(-700), notAfter: days(170), ca: { pathLen: 1 } });
    const oldCa = { issuer: oldRoot, notBefore: days(-600), notAfter: days(150), ca: { pathLen: 0 } } as const;
    const oldServerCa = await issue({ ...oldCa, subject: 'CN=RC Server Issuing CA 2025, O=Company' });
    const oldClientCa = await issue({ ...oldCa, subject: 'CN=RC Client Issuing CA 2025, O=Company' });
    const NEW_ROOT = 'CN=RC Root CA 2026, O=Company';
    const newRoot = await issue({ subject: NEW_ROOT, notBefore: days(-30), notAfter: days(3000), ca: { pathLen: 1 } });
    const newCa = { issuer: newRoot, notBefore: days(-20), notAfter: days(900), ca: { pathLen: 0 } } as const;
    const newServerCa = await issue({ ...newCa, subject: 'CN=RC Server Issuing CA 2026, O=Company' });
    const newClientCa = await issue({ ...newCa, subject: 'CN=RC Client Issuing CA 2026, O=Company' });
    const cross = await issue({ subject: NEW_ROOT, keys: newRoot.keys, issuer: oldRoot, notBefore: days(-30), notAfter: days(170), ca: { pathLen: 1 } });
    return { oldRoot, oldServerCa, oldClientCa, newRoot, newServerCa, newClientCa, cross };
  })();
  return cached;
}

/** Leaf and client owners reissued under root-2026 at T0. */
export const MOVED = new Set(['broker-us-1', 'controller-us']);

export type Phase = 'trust-both' | 'issue-new' | 'retire-old';

/**
 * The estate mid-rollover. `moved` names the owners already reissued under root-2026 (default
 * MOVED); `bundle` the CAs rc-trust lists (default both roots); `phase` the declared phase, or
 * null for no rollover declaration.
 */
export async function rolloverEstate(o: { phase?: Phase | null; moved?: ReadonlySet<string>; bundle?: readonly string[] } = {}): Promise<Estate> {
  const e = await baseline();
  const p = await rolloverPki();
  const moved = o.moved ?? MOVED;
  const bundle = o.bundle ?? ['root-2025', 'root-2026'];
  const pem: Record<string, Issued> = {
    'root-2025': p.oldRoot,
    'issuing-2025': p.oldServerCa,
    'clients-2025': p.oldClientCa,
    'root-2026': p.newRoot,
    'issuing-2026': p.newServerCa,
    'clients-2026': p.newClientCa,
    'root-2026-x': p.cross,
  };
  e.topology.cas = [
    { id: 'root-2025' },
    { id: 'issuing-2025', issuer: 'root-2025' },
    { id: 'clients-2025', issuer: 'root-2025' },
    { id: 'root-2026' },
    { id: 'issuing-2026', issuer: 'root-2026' },
    { id: 'clients-2026', issuer: 'root-2026' },
    { id: 'root-2026-x', issuer: 'root-2025' },
  ].map((ca) => ({ ...ca, cert: { file: `pki/${ca.id}.pem` } }));
  for (const [id, c] of Object.entries(pem)) e.files[`pki/${id}.pem`] = c.pem;
  for (const f of ['pki/root.pem', 'pki/server-issuing.pem', 'pki/client-issuing.pem']) delete e.files[f];
  e.topology.trustBundles = [{ id: 'rc-trust', cas: [...bundle], file: 'pki/rc-trust-bundle.pem' }];
  e.files['pki/rc-trust-bundle.pem'] = bundle.map((id) => pem[id]!.pem).join('');
  if (o.phase) e.topology.rollover = { from: 'root-2025', to: 'root-2026', phase: o.phase };

  const oldLeaf = { notBefore: days(-200), notAfter: days(120) };
  for (const id of ['broker-us-1', 'broker-us-2', 'broker-in-3']) {
    const ca = moved.has(id) ? p.newServerCa : p.oldServerCa;
    const leaf = await issue({
      ...(moved.has(id) ? { notBefore: days(-10), notAfter: days(300) } : oldLeaf),
      subject: `CN=${id}.company.com, O=Company`,
      issuer: ca,
      dns: [`${id}.company.com`],
      eku: ['serverAuth'],
    });
    e.files[`certs/${id}.pem`] = leaf.pem + ca.pem;
    broker(e, id).issuer = moved.has(id) ? 'issuing-2026' : 'issuing-2025';
  }
  for (const id of ['controller-us', 'target-us', 'target-in']) {
    const ca = moved.has(id) ? p.newClientCa : p.oldClientCa;
    const leaf = await issue({ ...(moved.has(id) ? { notBefore: days(-10), notAfter: days(300) } : oldLeaf), subject: `CN=${id}, O=Company`, issuer: ca, eku: ['clientAuth'] });
    e.files[`certs/${id}.pem`] = leaf.pem + ca.pem;
  }
  return e;
}

// Queries over the collected certificates. Memoised per model, so rules can ask freely.
import { hasMatchingDnsName } from '../pki/names.ts';
import type { Certificate } from '../pki/cert.ts';
import type { CertSource, Location, Server, Topology } from '../topology/model.ts';
import { certSources, type CertReference } from '../topology/walk.ts';
import { findIssuer } from '../pki/issuers.ts';
import { certLocation, keyVaultCertificate } from './live.ts';
import type { CertFile, Model } from './types.ts';

export type CertKind = 'leaf' | 'intermediate' | 'root';

/** One certificate the estate uses, attributed to the object a finding about it should name. */
export interface CertificateUse {
  readonly cert: Certificate;
  readonly kind: CertKind;
  readonly target: string;
  readonly location: Location;
  readonly ref: CertReference;
}

export function fileOf(model: Model, source: CertSource | undefined): CertFile | undefined {
  return source?.file ? model.files.get(source.file.absolute) : undefined;
}

/**
 * The certificates a source holds, leaf first: for a server, the chain it serves. In audit mode
 * what the live sources saw comes first (liveChains), so every rule evaluates the live estate.
 */
export function chainOf(model: Model, source: CertSource | undefined): readonly Certificate[] {
  if (!source) return [];
  return liveChains(model).get(source) ?? fileOf(model, source)?.certs ?? [];
}

export function leafOf(model: Model, source: CertSource | undefined): Certificate | undefined {
  return chainOf(model, source)[0];
}

/** Memoises a derived query per model (a WeakMap: the cache dies with the model). */
export const memo = <T>(fn: (m: Model) => T): ((m: Model) => T) => {
  const cache = new WeakMap<Model, T>();
  return (m) => {
    let v = cache.get(m);
    if (v === undefined) cache.set(m, (v = fn(m)));
    return v;
  };
};

export const certReferences = memo((m: Model): CertReference[] => certSources(m.topology));

/**
 * Audit mode (ADR 0040): the chain a server served to the probe replaces its file; a Key Vault
 * certificate stands in for a source that has no file. Key Vault's `cer` holds only the leaf (the
 * chain lives in the secret, which is never read), so such a leaf is completed with the declared
 * intermediates that issue it. Sources the live sources did not cover keep their files.
 */
export const liveChains = memo((m: Model): Map<CertSource, readonly Certificate[]> => {
  const out = new Map<CertSource, readonly Certificate[]>();
  if (m.mode !== 'audit' || !m.live) return out;
  const kvLeaf = (s: CertSource) => (!s.file && s.keyVault ? keyVaultCertificate(m, s.keyVault)?.cert : undefined);
  const intermediates: Certificate[] = [];
  for (const ca of m.topology.cas) {
    const leaf = kvLeaf(ca.cert);
    if (leaf) out.set(ca.cert, [leaf]);
    const cert = leaf ?? fileOf(m, ca.cert)?.certs[0];
    if (cert && !cert.isSelfIssued) intermediates.push(cert);
  }
  for (const ref of certReferences(m)) {
    if (ref.role === 'ca') continue;
    const served = ref.role === 'server' ? m.live.servers.get(ref.target)?.anonymous.served : undefined;
    if (served && served.length > 0) out.set(ref.source, served);
    else {
      const leaf = kvLeaf(ref.source);
      if (leaf) out.set(ref.source, withDeclaredIntermediates(leaf, intermediates));
    }
  }
  return out;
});

function withDeclaredIntermediates(leaf: Certificate, intermediates: readonly Certificate[]): Certificate[] {
  const chain = [leaf];
  for (let next = findIssuer(leaf, intermediates); next && !chain.includes(next) && chain.length < 8; next = findIssuer(next, intermediates)) chain.push(next);
  return chain;
}

/** Declared CA certificates by id (the first certificate of each CA's file). */
export const caCertificates = memo((m: Model): Map<string, Certificate> => {
  const out = new Map<string, Certificate>();
  for (const ca of m.topology.cas) {
    const cert = leafOf(m, ca.cert);
    if (cert) out.set(ca.id, cert);
  }
  return out;
});

/** Declared CA ids by certificate fingerprint. */
export const caIdsByFingerprint = memo((m: Model): Map<string, string> => {
  const out = new Map<string, string>();
  for (const [id, cert] of caCertificates(m)) if (!out.has(cert.fingerprint)) out.set(cert.fingerprint, id);
  return out;
});

const caKind = (c: Certificate): CertKind => (c.isSelfIssued ? 'root' : 'intermediate');

/**
 * Every certificate the estate uses, once per target: declared CAs (target: the CA), each leaf
 * (target: its owner) and the chain certificates servers and clients send that are not declared
 * CAs (target: the sender). A declared CA served in many chains is evaluated once, as the CA.
 */
export const certificateUses = memo((m: Model): CertificateUse[] => {
  const declared = caIdsByFingerprint(m);
  const out: CertificateUse[] = [];
  const seen = new Set<string>();
  for (const ref of certReferences(m)) {
    const certs = chainOf(m, ref.source);
    const location = ref.source.file?.location ?? ref.source.location;
    certs.forEach((cert, i) => {
      let kind: CertKind;
      let target = ref.target;
      if (ref.role === 'ca') {
        if (i > 0) return; // a CA file's extra certificates are that CA's own chain, declared elsewhere
        kind = caKind(cert);
      } else if (i === 0) {
        kind = 'leaf';
      } else {
        if (declared.has(cert.fingerprint)) return;
        kind = caKind(cert);
      }
      const key = `${cert.fingerprint}|${target}`;
      if (seen.has(key)) return;
      seen.add(key);
      out.push({ cert, kind, target, location, ref });
    });
  }
  return out;
});

/** Brokers and gateways, as the TLS servers they are. */
export const tlsServers = (t: Topology): Server[] => [...t.brokers, ...t.gateways];

/** What a TLS server sends in its handshake: its leaf, then the rest of its file in order. */
export interface ServedChain {
  readonly server: Server;
  readonly leaf: Certificate;
  /** The whole served list, leaf first. */
  readonly certs: readonly Certificate[];
  readonly location: Location;
}

/** Every server whose certificate file was read, with the chain it serves. */
export const servedChains = memo((m: Model): ServedChain[] => {
  const out: ServedChain[] = [];
  for (const server of tlsServers(m.topology)) {
    const certs = chainOf(m, server.cert);
    if (certs.length === 0) continue;
    out.push({ server, leaf: certs[0]!, certs, location: certLocation(server) });
  }
  return out;
});

/**
 * Servers that serve another server's certificate, each with that other server (broker/shared-certificate).
 * Of the servers sharing one certificate, the owner is the first whose FQDN the certificate names (else
 * the first declared): a certificate copied to the wrong broker is reported on that broker, not on its owner.
 */
export const sharedCertificates = memo((m: Model): Map<string, { owner: string; chain: ServedChain }> => {
  const byFingerprint = new Map<string, ServedChain[]>();
  for (const c of servedChains(m)) {
    const group = byFingerprint.get(c.leaf.fingerprint);
    if (group) group.push(c);
    else byFingerprint.set(c.leaf.fingerprint, [c]);
  }
  const out = new Map<string, { owner: string; chain: ServedChain }>();
  for (const group of byFingerprint.values()) {
    if (group.length < 2) continue;
    const owner = group.find((c) => hasMatchingDnsName(c.leaf, c.server.fqdn)) ?? group[0]!;
    for (const c of group) if (c !== owner) out.set(c.server.id, { owner: owner.server.id, chain: c });
  }
  return out;
});

/** Client certificates: each client's, and each gateway upstream's clientCert. */
export const clientCertificates = memo((m: Model): { target: string; leaf: Certificate; location: Location }[] =>
  certReferences(m).flatMap((r) => {
    if (r.role !== 'client' && r.role !== 'upstream-client') return [];
    const leaf = leafOf(m, r.source);
    return leaf ? [{ target: r.target, leaf, location: r.source.file?.location ?? r.source.keyVault?.location ?? r.source.location }] : [];
  }),
);

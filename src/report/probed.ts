// The "what was probed" table of an audit, for text and Markdown: one row per endpoint (what was
// dialled, the protocol, the served chain, client authentication) and one per Key Vault read.
import type { EndpointObservation, KeyVaultObservation, Observations } from './types.ts';

/** Fingerprints are long; 16 hex digits identify a certificate for a reader, the JSON has them whole. */
const short = (sha256: string): string => sha256.slice(0, 16);

const CLIENT_AUTH: Record<EndpointObservation['clientAuth'], string> = {
  enforced: 'enforced',
  'not-enforced': 'NOT enforced',
  'not-tested': 'not tested',
};

interface Row {
  readonly target: string;
  readonly endpoint: string;
  readonly dialled: string;
  readonly tls: string;
  readonly chain: string;
  readonly clientAuth: string;
}

function endpointRow(e: EndpointObservation): Row {
  const through = e.sniFor ? ` (SNI of ${e.sniFor} → ${e.backend ? `reached ${e.backend}` : 'no known backend'})` : '';
  const cert = e.clientCertificate ? `; probe's certificate ${e.clientCertificate}` : '';
  return {
    target: e.target,
    endpoint: `${e.endpoint}${through}`,
    dialled: `${e.address ?? '—'}${e.via === 'resolve' ? ' (--resolve)' : e.via === 'dns' ? ' (DNS)' : ''}`,
    tls: e.tlsVersion ?? '—',
    chain: e.error ? `unreachable: ${e.error}` : e.chain.map(short).join(' ← ') || '—',
    clientAuth: `${CLIENT_AUTH[e.clientAuth]}${cert}`,
  };
}

const keyVaultLine = (k: KeyVaultObservation): [string, string, string] => [
  k.target,
  `${k.vault || '(no vault)'}/${k.certificate}`,
  k.error ? `not read: ${k.error}` : `version ${k.version}${k.enabled === false ? ' (disabled)' : ''}, SHA-256 ${short(k.sha256 ?? '')}`,
];

/** Text: aligned columns under a heading; empty when nothing was probed. */
export function probedText(o: Observations, bold: (s: string) => string): string[] {
  const out: string[] = [];
  if (o.endpoints.length > 0) {
    const rows = o.endpoints.map(endpointRow);
    const header: Row = { target: 'target', endpoint: 'endpoint', dialled: 'dialled', tls: 'TLS', chain: 'served chain (SHA-256, leaf first)', clientAuth: 'client auth' };
    const keys = ['target', 'endpoint', 'dialled', 'tls', 'chain'] as const;
    const width = Object.fromEntries(keys.map((k) => [k, Math.max(...[header, ...rows].map((r) => r[k].length))])) as Record<(typeof keys)[number], number>;
    const line = (r: Row) => `  ${keys.map((k) => r[k].padEnd(width[k])).join('  ')}  ${r.clientAuth}`.trimEnd();
    out.push(bold('Probed (what the live estate served):'), line(header), ...rows.map(line), '');
  }
  if (o.keyVault.length > 0) {
    const rows = o.keyVault.map(keyVaultLine);
    const w0 = Math.max(...rows.map((r) => r[0].length));
    const w1 = Math.max(...rows.map((r) => r[1].length));
    out.push(bold('Key Vault certificates read:'), ...rows.map((r) => `  ${r[0].padEnd(w0)}  ${r[1].padEnd(w1)}  ${r[2]}`), '');
  }
  return out;
}

/** Markdown: the same tables; `md` escapes text, `code` makes a code span (from report/markdown.ts). */
export function probedMarkdown(o: Observations, esc: { md: (s: string) => string; code: (s: string) => string }): string[] {
  if (o.endpoints.length === 0 && o.keyVault.length === 0) return [];
  const out = ['### What was probed', ''];
  if (o.endpoints.length > 0) {
    out.push('| Target | Endpoint | Dialled | TLS | Served chain (SHA-256, leaf first) | Client auth |', '| --- | --- | --- | --- | --- | --- |');
    for (const r of o.endpoints.map(endpointRow)) {
      out.push(`| ${esc.md(r.target)} | ${esc.md(r.endpoint)} | ${esc.code(r.dialled)} | ${esc.md(r.tls)} | ${esc.md(r.chain)} | ${esc.md(r.clientAuth)} |`);
    }
    out.push('');
  }
  if (o.keyVault.length > 0) {
    out.push('| Target | Key Vault certificate | Read |', '| --- | --- | --- |');
    for (const [t, c, read] of o.keyVault.map(keyVaultLine)) out.push(`| ${esc.md(t)} | ${esc.code(c)} | ${esc.md(read)} |`);
    out.push('');
  }
  return out;
}

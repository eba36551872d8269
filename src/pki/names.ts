// RFC 6125 host name matching on SAN dNSName entries only: no CN fallback, a wildcard only as the
// whole leftmost label, case-insensitive, one label per wildcard.
import type { Certificate } from './cert.ts';

/** Lower case, one trailing dot dropped. */
const normalise = (name: string): string => {
  const lower = name.toLowerCase();
  return lower.endsWith('.') ? lower.slice(0, -1) : lower;
};

const LABEL = /^[a-z0-9_]([a-z0-9_-]*[a-z0-9_])?$/;

/** Answers by host name: the rules and the matrix ask about each broker's FQDN several times. */
const validHosts = new Map<string, boolean>();

/** A reference identity (what the client connects to) that can be matched at all. */
export function isValidHostname(host: string): boolean {
  let ok = validHosts.get(host);
  if (ok === undefined) {
    if (validHosts.size >= 100_000) validHosts.clear(); // bounded; a pure function, cheap to recompute
    validHosts.set(host, (ok = checkHostname(host)));
  }
  return ok;
}

function checkHostname(host: string): boolean {
  const h = normalise(host);
  if (h.length === 0 || h.length > 253) return false;
  if (/^[0-9.]+$/.test(h) || h.includes(':')) return false; // IP literals never match dNSName
  return h.split('.').every((l) => l.length <= 63 && LABEL.test(l));
}

/** Whether one SAN dNSName (possibly `*.example.com`) covers `host`. */
export function dnsNameMatches(pattern: string, host: string): boolean {
  const p = normalise(pattern);
  const h = normalise(host);
  if (!isValidHostname(h) || p.length === 0) return false;
  if (!p.includes('*')) return p === h;
  const [first, ...rest] = p.split('.');
  if (first !== '*' || rest.length < 2 || rest.some((l) => l.includes('*') || !LABEL.test(l))) return false;
  const hostLabels = h.split('.');
  if (hostLabels.length !== rest.length + 1) return false;
  return hostLabels.slice(1).join('.') === rest.join('.');
}

export const isWildcard = (pattern: string): boolean => pattern.includes('*');

/** The SAN dNSName entries of `cert` that cover `host`. */
export function matchingDnsNames(cert: Certificate, host: string): string[] {
  return cert.dnsNames.filter((n) => dnsNameMatches(n, host));
}

/** Whether any SAN dNSName entry of `cert` covers `host` (matchingDnsNames(cert, host).length > 0). */
export function hasMatchingDnsName(cert: Certificate, host: string): boolean {
  for (const n of cert.dnsNames) if (dnsNameMatches(n, host)) return true;
  return false;
}

// RFC 5280 4.2.1.10 name constraints: a CA's permitted and excluded subtrees bound every name in the
// certificates below it. DNS, IP, e-mail, URI and directory names are evaluated; a constraint on any
// other name form that a certificate below actually uses cannot be evaluated, and fails closed.
import type { Certificate } from './cert.ts';
import { type DistinguishedName, OID_CN, OID_EMAIL, attributeValues } from './dn.ts';
import type { GeneralName } from './extensions.ts';
import { isValidHostname } from './names.ts';

const LABEL = /^[a-z0-9_]([a-z0-9_-]*[a-z0-9_])?$/;

/** A dNSName constraint: empty (everything), or a host name without wildcards or a leading period. */
export function isValidDnsConstraint(c: string): boolean {
  if (c === '') return true;
  if (c.length > 253) return false;
  return c
    .toLowerCase()
    .split('.')
    .every((l) => l.length > 0 && l.length <= 63 && LABEL.test(l));
}

/** An iPAddress constraint: address and mask of the same family, the mask a contiguous CIDR prefix. */
export function isValidIpConstraint(v: Uint8Array): boolean {
  if (v.length !== 8 && v.length !== 32) return false;
  const half = v.length / 2;
  let zeros = false;
  for (let i = half; i < v.length; i++) {
    for (let b = 7; b >= 0; b--) {
      const one = ((v[i]! >> b) & 1) === 1;
      if (one && zeros) return false;
      if (!one) zeros = true;
    }
  }
  return true;
}

/** Work bound across one validation: many constraints times many names is a denial-of-service shape. */
export interface Budget {
  left: number;
}
export const NAME_CONSTRAINT_BUDGET = 1 << 18;

export class ConstraintWorkExceeded extends Error {}

function spend(budget: Budget, n: number): void {
  budget.left -= n;
  if (budget.left < 0) throw new ConstraintWorkExceeded('name constraint checks exceed the work limit');
}

const dnsWithin = (name: string, c: string): boolean => c === '' || name === c || name.endsWith(`.${c}`);

function dnsProblem(san: string, permitted: string[], excluded: string[]): string | undefined {
  const name = san.toLowerCase();
  const wildcard = name.startsWith('*.');
  const base = wildcard ? name.slice(2) : name;
  if (!isValidHostname(base) || base.endsWith('.') || (!wildcard && name.includes('*'))) {
    return `dNSName '${san}' is malformed, so it cannot be shown to satisfy the name constraints`;
  }
  for (const raw of excluded) {
    const c = raw.toLowerCase();
    // `*.base` covers one label below base: it meets an excluded subtree above base, or one label below it.
    const hit = dnsWithin(base, c) || (wildcard && c.endsWith(`.${base}`) && c.split('.').length === base.split('.').length + 1);
    if (hit) return `dNSName '${san}' is within the excluded subtree '${raw}'`;
  }
  if (permitted.length > 0 && !permitted.some((c) => dnsWithin(base, c.toLowerCase()))) {
    return `dNSName '${san}' is outside the permitted subtrees (${permitted.map((c) => `'${c}'`).join(', ')})`;
  }
  return undefined;
}

function ipWithin(addr: Uint8Array, c: Uint8Array): boolean {
  if (addr.length * 2 !== c.length) return false;
  const half = addr.length;
  for (let i = 0; i < half; i++) if ((addr[i]! & c[half + i]!) !== (c[i]! & c[half + i]!)) return false;
  return true;
}

function formatIp(a: Uint8Array): string {
  if (a.length === 4) return a.join('.');
  const parts: string[] = [];
  for (let i = 0; i < a.length; i += 2) parts.push(((a[i]! << 8) | a[i + 1]!).toString(16));
  return parts.join(':');
}

function emailWithin(mailbox: string, c: string): boolean | undefined {
  const at = mailbox.lastIndexOf('@');
  if (at <= 0) return undefined;
  const host = mailbox.slice(at + 1).toLowerCase();
  if (c.includes('@')) {
    const cat = c.lastIndexOf('@');
    return mailbox.slice(0, at) === c.slice(0, cat) && host === c.slice(cat + 1).toLowerCase();
  }
  const lc = c.toLowerCase();
  return lc.startsWith('.') ? host.endsWith(lc) : host === lc;
}

const URI_HOST = /^[a-z][a-z0-9+.-]*:\/\/(?:[^@/?#]*@)?([^:/?#[\]]+)(?::\d*)?(?:[/?#]|$)/i;

function uriWithin(uri: string, c: string): boolean | undefined {
  const host = URI_HOST.exec(uri)?.[1]?.toLowerCase();
  if (!host || !isValidHostname(host)) return undefined;
  const lc = c.toLowerCase();
  return lc.startsWith('.') ? host.endsWith(lc) : host === lc;
}

const normalise = (v: string): string => v.trim().replace(/\s+/g, ' ').toLowerCase();

/** Whether `base` is a prefix of `name`, comparing attribute values case-insensitively (RFC 5280 7.1). */
function dnWithin(name: DistinguishedName, base: DistinguishedName): boolean | undefined {
  if (base.rdns.length > name.rdns.length) return false;
  for (let i = 0; i < base.rdns.length; i++) {
    const b = base.rdns[i]!;
    const n = name.rdns[i]!;
    if (b.length !== n.length) return false;
    for (const ba of b) {
      if (ba.value === '#') return undefined;
      if (!n.some((na) => na.type === ba.type && na.value !== '#' && normalise(na.value) === normalise(ba.value))) return false;
    }
  }
  return true;
}

const otherKey = (n: GeneralName): string => (n.kind === 'other' ? `other:${n.tag}` : n.kind);

/** The names `cert` asserts, by form, as constraints see them (RFC 5280 4.2.1.10). */
function namesOf(cert: Certificate, isLeaf: boolean): GeneralName[] {
  const out: GeneralName[] = [...(cert.subjectAltName ?? [])];
  if (cert.subject.rdns.length > 0) out.push({ kind: 'dn', value: cert.subject });
  for (const email of attributeValues(cert.subject, OID_EMAIL)) out.push({ kind: 'email', value: email });
  if (isLeaf && !cert.subjectAltName?.some((n) => n.kind === 'dns')) {
    // No DNS name in the SAN (none at all, or only IP/e-mail/URI entries): legacy clients read a host
    // name from the CN, so a host-like CN is held to the DNS constraints too.
    for (const cn of attributeValues(cert.subject, OID_CN)) if (cn.includes('.') && isValidHostname(cn)) out.push({ kind: 'dns', value: cn });
  }
  return out;
}

/**
 * Why `cert`'s names break `ca`'s name constraints, or undefined when they all comply.
 * Throws ConstraintWorkExceeded when the budget runs out.
 */
export function nameConstraintProblem(ca: Certificate, cert: Certificate, isLeaf: boolean, budget: Budget): string | undefined {
  const nc = ca.nameConstraints;
  if (!nc) return undefined;
  const names = namesOf(cert, isLeaf);
  spend(budget, names.length * (nc.permitted.length + nc.excluded.length) + 1);
  for (const name of names) {
    const key = otherKey(name);
    const permitted = nc.permitted.filter((c) => otherKey(c) === key);
    const excluded = nc.excluded.filter((c) => otherKey(c) === key);
    if (permitted.length === 0 && excluded.length === 0) continue;
    const problem = nameProblem(name, permitted, excluded);
    if (problem) return problem;
  }
  return undefined;
}

interface ByKind {
  dns: string[];
  ip: Uint8Array[];
  email: string[];
  uri: string[];
  dn: DistinguishedName[];
}
function byKind(list: GeneralName[]): ByKind {
  const out: ByKind = { dns: [], ip: [], email: [], uri: [], dn: [] };
  for (const c of list) {
    if (c.kind === 'dns' || c.kind === 'email' || c.kind === 'uri') out[c.kind].push(c.value);
    else if (c.kind === 'ip') out.ip.push(c.value);
    else if (c.kind === 'dn') out.dn.push(c.value);
  }
  return out;
}

function nameProblem(name: GeneralName, permittedList: GeneralName[], excludedList: GeneralName[]): string | undefined {
  const permitted = byKind(permittedList);
  const excluded = byKind(excludedList);
  switch (name.kind) {
    case 'dns':
      return dnsProblem(name.value, permitted.dns, excluded.dns);
    case 'ip': {
      const addr = name.value;
      if (excluded.ip.some((c) => ipWithin(addr, c))) return `iPAddress ${formatIp(addr)} is within an excluded subtree`;
      if (permitted.ip.length > 0 && !permitted.ip.some((c) => ipWithin(addr, c))) return `iPAddress ${formatIp(addr)} is outside the permitted subtrees`;
      return undefined;
    }
    case 'email':
      return stringProblem('rfc822Name', name.value, emailWithin, permitted.email, excluded.email);
    case 'uri':
      return stringProblem('URI', name.value, uriWithin, permitted.uri, excluded.uri);
    case 'dn': {
      const ex = excluded.dn.map((c) => dnWithin(name.value, c));
      const per = permitted.dn.map((c) => dnWithin(name.value, c));
      if (ex.includes(undefined) || per.includes(undefined)) return 'a directoryName cannot be evaluated against the name constraints';
      if (ex.includes(true)) return 'the subject name is within an excluded directoryName subtree';
      if (per.length > 0 && !per.includes(true)) return 'the subject name is outside the permitted directoryName subtrees';
      return undefined;
    }
    default:
      return `a name of form [${name.tag}] is constrained by a form rc-policy cannot evaluate`;
  }
}

function stringProblem(label: string, value: string, within: (v: string, c: string) => boolean | undefined, permitted: string[], excluded: string[]): string | undefined {
  const ex = excluded.map((c) => within(value, c));
  const per = permitted.map((c) => within(value, c));
  if (ex.includes(undefined) || per.includes(undefined)) return `${label} '${value}' cannot be evaluated against the name constraints`;
  if (ex.includes(true)) return `${label} '${value}' is within an excluded subtree`;
  if (per.length > 0 && !per.includes(true)) return `${label} '${value}' is outside the permitted subtrees`;
  return undefined;
}

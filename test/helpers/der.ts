// A few DER building blocks for tests that need shapes @peculiar/x509 cannot issue: name-constraint
import 'reflect-metadata';
// extensions, v1 certificates, broken signatures. Certificates are re-signed with the in-memory key.
import { KeyObject, sign } from 'node:crypto';
import * as x509 from '@peculiar/x509';
import { Certificate } from '../../src/pki/cert.ts';
import { children, readRoot, whole } from '../../src/pki/der.ts';
import { toPem } from '../../src/pki/pem.ts';
import type { Issued } from '../../src/pki/generate.ts';

function lengthBytes(n: number): number[] {
  if (n < 0x80) return [n];
  const out: number[] = [];
  for (let v = n; v > 0; v = Math.floor(v / 256)) out.unshift(v & 0xff);
  return [0x80 | out.length, ...out];
}

export function tlv(tag: number, ...parts: Uint8Array[]): Uint8Array<ArrayBuffer> {
  const body = Buffer.concat(parts);
  return new Uint8Array(Buffer.concat([Buffer.from([tag, ...lengthBytes(body.length)]), body]));
}

export const seq = (...parts: Uint8Array[]): Uint8Array<ArrayBuffer> => tlv(0x30, ...parts);
const ascii = (s: string): Uint8Array => new Uint8Array(Buffer.from(s, 'latin1'));

export type Subtree = { dns: string } | { ip: string; bits: number } | { email: string };

function ipBytes(ip: string): number[] {
  if (ip.includes(':')) {
    const [head, tail = ''] = ip.split('::');
    const h = head ? head.split(':') : [];
    const t = tail ? tail.split(':') : [];
    const groups = ip.includes('::') ? [...h, ...Array(8 - h.length - t.length).fill('0'), ...t] : h;
    return groups.flatMap((g) => [parseInt(g, 16) >> 8, parseInt(g, 16) & 0xff]);
  }
  return ip.split('.').map(Number);
}

function subtree(s: Subtree): Uint8Array {
  if ('dns' in s) return seq(tlv(0x82, ascii(s.dns)));
  if ('email' in s) return seq(tlv(0x81, ascii(s.email)));
  const addr = ipBytes(s.ip);
  const mask = addr.map((_, i) => {
    const bits = Math.max(0, Math.min(8, s.bits - i * 8));
    return (0xff << (8 - bits)) & 0xff;
  });
  return seq(tlv(0x87, new Uint8Array([...addr, ...mask])));
}

/** A nameConstraints extension (critical unless told otherwise). */
export function nameConstraints(o: { permitted?: Subtree[]; excluded?: Subtree[]; critical?: boolean }): x509.Extension {
  const parts: Uint8Array[] = [];
  if (o.permitted?.length) parts.push(tlv(0xa0, ...o.permitted.map(subtree)));
  if (o.excluded?.length) parts.push(tlv(0xa1, ...o.excluded.map(subtree)));
  return new x509.Extension('2.5.29.30', o.critical ?? true, seq(...parts));
}

/** A raw extension with an arbitrary OID and an empty SEQUENCE value. */
export const rawExtension = (oid: string, critical: boolean): x509.Extension => new x509.Extension(oid, critical, seq());

/**
 * Re-issues `cert` after `edit` rewrites its TBSCertificate parts (version, serial, ..., extensions),
 * signed again by `signer` so that only the edited shape differs.
 */
export function reissue(cert: Issued, signer: Issued, edit: (parts: Uint8Array[]) => Uint8Array[]): { cert: Certificate; pem: string } {
  const der = cert.cert.der;
  const [tbs, alg] = children(der, readRoot(der));
  const parts = children(der, tbs!).map((t) => new Uint8Array(whole(der, t)));
  const newTbs = seq(...edit(parts));
  const key = KeyObject.from(signer.keys.privateKey);
  const signature = sign(key.asymmetricKeyType === 'ec' ? 'sha256' : 'sha256', newTbs, { key, dsaEncoding: 'der' });
  const out = seq(newTbs, new Uint8Array(whole(der, alg!)), tlv(0x03, new Uint8Array([0]), new Uint8Array(signature)));
  return { cert: new Certificate(out), pem: toPem(out) };
}

/** The same certificate with one signature byte flipped. */
export function corruptSignature(cert: Issued): Certificate {
  const der = new Uint8Array(cert.cert.der);
  der[der.length - 5]! ^= 0x01;
  return new Certificate(der);
}

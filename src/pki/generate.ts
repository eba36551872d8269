// Issues certificates with @peculiar/x509: the dev PKI of `rc-policy init`, the bundled examples and
// every test PKI. Private keys stay in memory (WebCrypto CryptoKeys) and are never written out.
import 'reflect-metadata';
import { webcrypto } from 'node:crypto';
import * as x509 from '@peculiar/x509';
import { Certificate } from './cert.ts';
import { toPem } from './pem.ts';

x509.cryptoProvider.set(webcrypto as unknown as Crypto);

export type KeySpec = 'rsa-1024' | 'rsa-2048' | 'rsa-3072' | 'rsa-4096' | 'ec-p256' | 'ec-p384' | 'ec-p521' | 'ed25519';
export type HashName = 'SHA-1' | 'SHA-256' | 'SHA-384' | 'SHA-512';

export interface IssueOptions {
  /** Subject as an RFC 4514 string ("CN=broker-us-1.company.com, O=Company") or just a CN. */
  readonly subject: string;
  /** Signer; omitted = self-signed. */
  readonly issuer?: Issued;
  readonly key?: KeySpec;
  /** Reuse an existing key pair (shared-key scenarios). */
  readonly keys?: CryptoKeyPair;
  readonly notBefore: Date;
  readonly notAfter: Date;
  /** CA: basicConstraints CA:TRUE (critical) and keyUsage keyCertSign|cRLSign. */
  readonly ca?: boolean | { readonly pathLen?: number };
  /** Extended key usage OIDs or names: serverAuth, clientAuth, anyExtendedKeyUsage. Empty list = no EKU extension. */
  readonly eku?: readonly string[];
  readonly dns?: readonly string[];
  readonly ips?: readonly string[];
  readonly hash?: HashName;
  readonly serial?: string;
  /** Extra raw extensions (tests: name constraints, unknown critical extensions). */
  readonly extensions?: readonly x509.Extension[];
  /** Omit basicConstraints/keyUsage entirely (legacy shapes in tests). */
  readonly bare?: boolean;
  /** Key identifiers as hex instead of the computed ones; authority null = no authorityKeyIdentifier (tests). */
  readonly keyIds?: { readonly subject?: string; readonly authority?: string | null };
}

export interface Issued {
  readonly cert: Certificate;
  readonly pem: string;
  readonly keys: CryptoKeyPair;
  readonly subject: string;
}

const EKU_OIDS: Record<string, string> = {
  serverAuth: '1.3.6.1.5.5.7.3.1',
  clientAuth: '1.3.6.1.5.5.7.3.2',
  codeSigning: '1.3.6.1.5.5.7.3.3',
  emailProtection: '1.3.6.1.5.5.7.3.4',
  anyExtendedKeyUsage: '2.5.29.37.0',
};

function keyAlgorithm(spec: KeySpec, hash: HashName): RsaHashedKeyGenParams | EcKeyGenParams | Algorithm {
  if (spec.startsWith('rsa-')) {
    return { name: 'RSASSA-PKCS1-v1_5', modulusLength: Number(spec.slice(4)), publicExponent: new Uint8Array([1, 0, 1]), hash } as RsaHashedKeyGenParams;
  }
  if (spec === 'ed25519') return { name: 'Ed25519' };
  return { name: 'ECDSA', namedCurve: `P-${spec.slice(4)}` } as EcKeyGenParams;
}

function signingAlgorithm(keys: CryptoKeyPair, hash: HashName): Algorithm {
  const name = keys.privateKey.algorithm.name;
  if (name === 'ECDSA') return { name, hash } as EcdsaParams;
  if (name === 'Ed25519') return { name };
  return { name, hash } as Algorithm;
}

export async function generateKeys(spec: KeySpec = 'ec-p256', hash: HashName = 'SHA-256'): Promise<CryptoKeyPair> {
  return (await webcrypto.subtle.generateKey(keyAlgorithm(spec, hash) as never, true, ['sign', 'verify'])) as CryptoKeyPair;
}

/** Issues one certificate; returns it parsed by our own parser, as PEM, and with its (in-memory) keys. */
export async function issue(o: IssueOptions): Promise<Issued> {
  const hash = o.hash ?? 'SHA-256';
  const keys = o.keys ?? (await generateKeys(o.key ?? 'ec-p256', hash));
  const subject = derOrder(o.subject.includes('=') ? o.subject : `CN=${o.subject}`);
  const signer = o.issuer?.keys ?? keys;
  const extensions: x509.Extension[] = [];
  if (!o.bare) {
    if (o.ca) {
      const pathLen = typeof o.ca === 'object' ? o.ca.pathLen : undefined;
      extensions.push(new x509.BasicConstraintsExtension(true, pathLen, true));
      extensions.push(new x509.KeyUsagesExtension(x509.KeyUsageFlags.keyCertSign | x509.KeyUsageFlags.cRLSign, true));
    } else {
      extensions.push(new x509.BasicConstraintsExtension(false, undefined, true));
      const ku = keys.publicKey.algorithm.name === 'ECDSA' ? x509.KeyUsageFlags.digitalSignature : x509.KeyUsageFlags.digitalSignature | x509.KeyUsageFlags.keyEncipherment;
      extensions.push(new x509.KeyUsagesExtension(ku, true));
    }
  }
  if (o.eku && o.eku.length > 0) extensions.push(new x509.ExtendedKeyUsageExtension(o.eku.map((e) => EKU_OIDS[e] ?? e)));
  const names = [...(o.dns ?? []).map((value) => ({ type: 'dns' as const, value })), ...(o.ips ?? []).map((value) => ({ type: 'ip' as const, value }))];
  if (names.length > 0) extensions.push(new x509.SubjectAlternativeNameExtension(names));
  const ids = o.keyIds ?? {};
  extensions.push(ids.subject ? new x509.SubjectKeyIdentifierExtension(ids.subject) : await x509.SubjectKeyIdentifierExtension.create(keys.publicKey));
  if (ids.authority !== null) {
    extensions.push(ids.authority ? new x509.AuthorityKeyIdentifierExtension(ids.authority) : await x509.AuthorityKeyIdentifierExtension.create(signer.publicKey));
  }
  extensions.push(...(o.extensions ?? []));
  const created = await x509.X509CertificateGenerator.create({
    serialNumber: o.serial ?? randomSerial(),
    subject,
    issuer: o.issuer?.subject ?? subject,
    notBefore: o.notBefore,
    notAfter: o.notAfter,
    publicKey: keys.publicKey,
    signingKey: signer.privateKey,
    signingAlgorithm: signingAlgorithm(signer, hash),
    extensions,
  });
  const der = new Uint8Array(created.rawData);
  return { cert: new Certificate(der), pem: toPem(der), keys, subject };
}

/**
 * @peculiar/x509 encodes RDNs in string order; RFC 4514 strings list the most specific first. Reverse
 * so "CN=x, O=y" becomes the conventional DER order (O, then CN) that OpenSSL and CAs produce.
 */
function derOrder(rfc4514: string): string {
  return rfc4514
    .split(/,\s*(?=[A-Za-z0-9.]+=)/)
    .reverse()
    .join(', ');
}

function randomSerial(): string {
  const b = webcrypto.getRandomValues(new Uint8Array(16));
  b[0] = (b[0]! & 0x7f) | 0x01;
  return Buffer.from(b).toString('hex');
}

/** PEM of a private key: only ever for test servers that must complete a real handshake. */
export async function privateKeyPem(keys: CryptoKeyPair): Promise<string> {
  const der = Buffer.from(await webcrypto.subtle.exportKey('pkcs8', keys.privateKey));
  return `-----BEGIN PRIVATE KEY-----\n${der.toString('base64').replace(/.{64}/g, '$&\n').replace(/\n$/, '')}\n-----END PRIVATE KEY-----\n`;
}

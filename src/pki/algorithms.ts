import { type Tlv, Tag, DerError, children, expectTag, readOid, readRoot, whole } from './der.ts';

const SIGNATURE_ALGORITHMS: Record<string, string> = {
  '1.2.840.113549.1.1.2': 'md2WithRSAEncryption',
  '1.2.840.113549.1.1.4': 'md5WithRSAEncryption',
  '1.2.840.113549.1.1.5': 'sha1WithRSAEncryption',
  '1.2.840.113549.1.1.10': 'rsassaPss',
  '1.2.840.113549.1.1.11': 'sha256WithRSAEncryption',
  '1.2.840.113549.1.1.12': 'sha384WithRSAEncryption',
  '1.2.840.113549.1.1.13': 'sha512WithRSAEncryption',
  '1.2.840.113549.1.1.14': 'sha224WithRSAEncryption',
  '1.2.840.10045.4.1': 'ecdsa-with-SHA1',
  '1.2.840.10045.4.3.1': 'ecdsa-with-SHA224',
  '1.2.840.10045.4.3.2': 'ecdsa-with-SHA256',
  '1.2.840.10045.4.3.3': 'ecdsa-with-SHA384',
  '1.2.840.10045.4.3.4': 'ecdsa-with-SHA512',
  '1.2.840.10040.4.3': 'dsa-with-SHA1',
  '2.16.840.1.101.3.4.3.2': 'dsa-with-SHA256',
  '1.3.101.112': 'Ed25519',
  '1.3.101.113': 'Ed448',
};

const WEAK_SIGNATURES = new Set([
  '1.2.840.113549.1.1.2',
  '1.2.840.113549.1.1.4',
  '1.2.840.113549.1.1.5',
  '1.2.840.10045.4.1',
  '1.2.840.10040.4.3',
]);

export const signatureAlgorithmName = (oid: string): string => SIGNATURE_ALGORITHMS[oid] ?? oid;

/** MD2, MD5 or SHA-1 based signatures: collisions are practical, so they prove nothing. */
export const isWeakSignatureAlgorithm = (oid: string): boolean => WEAK_SIGNATURES.has(oid);

const CURVES: Record<string, string> = {
  '1.2.840.10045.3.1.7': 'P-256',
  '1.3.132.0.34': 'P-384',
  '1.3.132.0.35': 'P-521',
  '1.3.132.0.10': 'secp256k1',
  '1.2.840.10045.3.1.1': 'P-192',
  '1.3.132.0.33': 'P-224',
};

export type KeyAlgorithm = 'rsa' | 'ec' | 'ed25519' | 'ed448' | 'dsa' | 'rsa-pss' | 'unknown';

export interface PublicKeyInfo {
  readonly algorithm: KeyAlgorithm;
  readonly oid: string;
  /** RSA modulus size in bits. */
  readonly bits?: number;
  /** EC named curve ("P-256", or the OID when unknown). */
  readonly curve?: string;
  /** The whole SubjectPublicKeyInfo, DER: what "same key" compares. */
  readonly spki: Uint8Array;
}

const KEY_ALGORITHMS: Record<string, KeyAlgorithm> = {
  '1.2.840.113549.1.1.1': 'rsa',
  '1.2.840.113549.1.1.10': 'rsa-pss',
  '1.2.840.10045.2.1': 'ec',
  '1.3.101.112': 'ed25519',
  '1.3.101.113': 'ed448',
  '1.2.840.10040.4.1': 'dsa',
};

export function describePublicKey(der: Uint8Array, t: Tlv): PublicKeyInfo {
  const [alg, key, extra] = children(der, t);
  if (!alg || !key || extra) throw new DerError('malformed SubjectPublicKeyInfo');
  const [oidTlv, params] = children(der, expectTag(alg, Tag.SEQUENCE, 'AlgorithmIdentifier'));
  const oid = readOid(der, oidTlv!);
  expectTag(key, Tag.BIT_STRING, 'subjectPublicKey');
  const spki = whole(der, t);
  const algorithm = KEY_ALGORITHMS[oid] ?? 'unknown';
  if (algorithm === 'ec') {
    if (params?.tag !== Tag.OID) return { algorithm, oid, curve: 'explicit-parameters', spki };
    const curveOid = readOid(der, params);
    return { algorithm, oid, curve: CURVES[curveOid] ?? curveOid, spki };
  }
  if (algorithm === 'rsa' || algorithm === 'rsa-pss') {
    return { algorithm, oid, bits: rsaModulusBits(der.subarray(key.body + 1, key.end)), spki };
  }
  return { algorithm, oid, spki };
}

function rsaModulusBits(rsaPublicKey: Uint8Array): number {
  const root = expectTag(readRoot(rsaPublicKey), Tag.SEQUENCE, 'RSAPublicKey');
  const [modulus] = children(rsaPublicKey, root);
  const m = expectTag(modulus, Tag.INTEGER, 'modulus');
  let start = m.body;
  while (start < m.end && rsaPublicKey[start] === 0) start++;
  if (start === m.end) return 0;
  const top = rsaPublicKey[start]!;
  return (m.end - start - 1) * 8 + (32 - Math.clz32(top));
}

export function describeKey(k: PublicKeyInfo): string {
  if (k.algorithm === 'rsa' || k.algorithm === 'rsa-pss') return `RSA-${k.bits}`;
  if (k.algorithm === 'ec') return `EC ${k.curve}`;
  return k.algorithm === 'unknown' ? `key type ${k.oid}` : k.algorithm;
}

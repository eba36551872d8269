import { type Tlv, Tag, DerCursor, DerError, children, expectTag, readOid, readRoot, whole } from './der.ts';

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

/** Field sizes in bytes, for the point-length check. */
const CURVE_BYTES: Record<string, number> = { 'P-256': 32, 'P-384': 48, 'P-521': 66, secp256k1: 32, 'P-192': 24, 'P-224': 28 };

export function describePublicKey(der: Uint8Array, t: Tlv): PublicKeyInfo {
  const parts = new DerCursor(der, t);
  if (parts.count !== 2) throw new DerError('malformed SubjectPublicKeyInfo');
  const alg = new DerCursor(der, expectTag(parts.next(), Tag.SEQUENCE, 'AlgorithmIdentifier'));
  if (alg.count === 0 || alg.count > 2) throw new DerError('malformed AlgorithmIdentifier');
  const oid = readOid(der, alg.next()!);
  const params = alg.next();
  const key = expectTag(parts.next(), Tag.BIT_STRING, 'subjectPublicKey');
  if (der[key.body] !== 0) throw new DerError('subjectPublicKey BIT STRING has unused bits');
  const spki = whole(der, t);
  const algorithm = KEY_ALGORITHMS[oid] ?? 'unknown';
  const point = der.subarray(key.body + 1, key.end);
  if (algorithm === 'ec') {
    if (params?.tag === Tag.SEQUENCE) return { algorithm, oid, curve: 'explicit-parameters', spki };
    if (params?.tag !== Tag.OID) throw new DerError('EC key parameters are neither a named curve nor explicit parameters');
    const curveOid = readOid(der, params);
    const curve = CURVES[curveOid] ?? curveOid;
    const size = CURVE_BYTES[curve];
    // SEC 1 2.3.3: 04 X Y, or 02/03 X.
    if (size && !((point[0] === 4 && point.length === 1 + 2 * size) || ((point[0] === 2 || point[0] === 3) && point.length === 1 + size))) {
      throw new DerError(`EC public key is not a ${curve} point encoding`);
    }
    return { algorithm, oid, curve, spki };
  }
  if (algorithm === 'rsa' || algorithm === 'rsa-pss') {
    // RFC 3279 2.3.1: rsaEncryption parameters are NULL; RFC 4055: RSA-PSS parameters absent or a SEQUENCE.
    const okParams = algorithm === 'rsa' ? !params || (params.tag === Tag.NULL && params.end === params.body) : !params || params.tag === Tag.SEQUENCE;
    if (!okParams) throw new DerError('malformed RSA key parameters');
    return { algorithm, oid, bits: rsaModulusBits(point), spki };
  }
  return { algorithm, oid, spki };
}

function rsaModulusBits(rsaPublicKey: Uint8Array): number {
  const root = expectTag(readRoot(rsaPublicKey), Tag.SEQUENCE, 'RSAPublicKey');
  const [modulus, exponent, extra] = children(rsaPublicKey, root);
  const m = expectTag(modulus, Tag.INTEGER, 'modulus');
  const e = expectTag(exponent, Tag.INTEGER, 'publicExponent');
  if (extra || m.end === m.body || e.end === e.body || rsaPublicKey[m.body]! & 0x80 || rsaPublicKey[e.body]! & 0x80) throw new DerError('malformed RSAPublicKey');
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

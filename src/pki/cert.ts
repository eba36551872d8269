import { X509Certificate, createPublicKey, hash, verify as verifySignature, type KeyObject } from 'node:crypto';
import {
  type Tlv,
  Tag,
  DerCursor,
  DerError,
  contentHex,
  ctx,
  equalBytes,
  expectTag,
  readBoolean,
  readBits,
  readOid,
  readRoot,
  readSmallInt,
  readTime,
  whole,
} from './der.ts';
import { type DistinguishedName, OID_CN, attributeValues, formatName, readName, rememberName, sameName } from './dn.ts';
import {
  type AuthorityKeyIdentifier,
  type BasicConstraints,
  type Extension,
  type GeneralName,
  type KeyUsageName,
  type NameConstraints,
  OID,
  decodeAuthorityKeyId,
  decodeBasicConstraints,
  decodeExtKeyUsage,
  decodeGeneralNames,
  decodeKeyUsage,
  decodeNameConstraints,
  decodeSubjectKeyId,
} from './extensions.ts';
import { hashBytes } from './hash.ts';
import { describePublicKey, signatureAlgorithmName, type KeyAlgorithm, type PublicKeyInfo } from './algorithms.ts';

export class CertificateParseError extends Error {}

/**
 * One parsed X.509 certificate. The structure is read with our DER reader; signature checks use
 * Node's native crypto. Parsing is strict: a certificate that is not valid DER is not a certificate.
 */
export class Certificate {
  readonly der: Uint8Array;
  readonly version: number;
  readonly serialNumber: string;
  readonly serialNegativeOrZero: boolean;
  readonly signatureAlgorithm: { readonly oid: string; readonly name: string; readonly params?: Uint8Array };
  /** The outer signatureAlgorithm equals the one inside tbsCertificate (RFC 5280 4.1.1.2). */
  readonly signatureAlgorithmsMatch: boolean;
  readonly issuer: DistinguishedName;
  readonly subject: DistinguishedName;
  readonly notBefore: Date;
  readonly notAfter: Date;
  /** Validity dates use UTCTime through 2049 and GeneralizedTime from 2050 (RFC 5280 4.1.2.5). */
  readonly validityEncodingOk: boolean;
  readonly publicKey: PublicKeyInfo;
  readonly extensions: readonly Extension[];
  readonly basicConstraints?: BasicConstraints;
  readonly keyUsage?: ReadonlySet<KeyUsageName>;
  readonly extKeyUsage?: readonly string[];
  readonly subjectAltName?: readonly GeneralName[];
  readonly subjectAltNameCritical: boolean;
  readonly subjectKeyId?: string;
  readonly authorityKeyId?: AuthorityKeyIdentifier;
  readonly nameConstraints?: NameConstraints;
  readonly hasUniqueIds: boolean;

  #fingerprint?: string;
  #subjectName?: string;
  #issuerName?: string;
  #commonNames?: readonly string[];
  #dnsNames?: readonly string[];
  #native?: X509Certificate;
  #selfIssued?: boolean;
  #key?: KeyObject;
  /** Signature checks already made against issuers, by issuer fingerprint: each pair is verified once. */
  #signedBy?: Map<string, boolean>;
  // Offsets into der, not views: a Uint8Array view costs ~100 bytes, kept as long as the certificate.
  readonly #tbsStart: number;
  readonly #tbsEnd: number;
  readonly #signatureStart: number;

  constructor(input: Uint8Array) {
    // A plain Uint8Array view: the ~20 views taken below are then plain views too, several times
    // cheaper to create than Buffer slices (10,000 leaves: measurable).
    const der = Buffer.isBuffer(input) ? new Uint8Array(input.buffer, input.byteOffset, input.byteLength) : input;
    this.der = der;
    try {
      const root = expectTag(readRoot(der), Tag.SEQUENCE, 'Certificate');
      const top = new DerCursor(der, root);
      if (top.count !== 3) throw new DerError('Certificate must have three parts');
      const tbs = expectTag(top.next(), Tag.SEQUENCE, 'TBSCertificate').copy();
      this.#tbsStart = tbs.start;
      this.#tbsEnd = tbs.end;
      const sigAlg = top.next()!;
      const outerAlg = readAlgorithm(der, sigAlg);
      const sigAlgStart = sigAlg.start;
      const sigAlgEnd = sigAlg.end;
      this.signatureAlgorithm = outerAlg;
      const sig = expectTag(top.next(), Tag.BIT_STRING, 'signatureValue');
      if (der[sig.body] !== 0) throw new DerError('signature BIT STRING has unused bits');
      this.#signatureStart = sig.body + 1; // the signature ends the certificate: readRoot checked that

      // The TBSCertificate's fields in order, the optional ones recognised by their tag.
      const parts = new DerCursor(der, tbs);
      let part = parts.next();
      let version = 1;
      if (part?.tag === ctx(0, true)) {
        const v = new DerCursor(der, part);
        if (v.count !== 1) throw new DerError('malformed version');
        version = readSmallInt(der, v.next()!) + 1;
        if (version === 1) throw new DerError('explicit v1 version is not DER (DEFAULT)');
        if (version > 3) throw new DerError(`unknown certificate version ${version}`);
        part = parts.next();
      }
      this.version = version;
      const serial = expectTag(part, Tag.INTEGER, 'serialNumber');
      const serialLength = serial.end - serial.body;
      if (serialLength === 0) throw new DerError('empty serial number');
      const s0 = der[serial.body]!;
      if (serialLength > 1 && ((s0 === 0 && !(der[serial.body + 1]! & 0x80)) || (s0 === 0xff && der[serial.body + 1]! & 0x80))) {
        throw new DerError('non-minimal serial number encoding');
      }
      this.serialNumber = contentHex(der, serial);
      this.serialNegativeOrZero = (s0 & 0x80) !== 0 || (serialLength === 1 && s0 === 0);
      const innerAlg = expectTag(parts.next(), Tag.SEQUENCE, 'signature');
      readAlgorithm(der, innerAlg); // well formed, even when it differs from the outer one
      this.signatureAlgorithmsMatch = sameBytes(der, innerAlg.start, innerAlg.end, sigAlgStart, sigAlgEnd);
      this.issuer = readName(der, expectTag(parts.next(), Tag.SEQUENCE, 'issuer'));
      const validity = new DerCursor(der, expectTag(parts.next(), Tag.SEQUENCE, 'validity'));
      if (validity.count !== 2) throw new DerError('malformed validity');
      const notBeforeTag = validity.next()!.tag;
      this.notBefore = readTime(der, validity);
      const notAfterTag = validity.next()!.tag;
      this.notAfter = readTime(der, validity);
      this.validityEncodingOk =
        (notBeforeTag === Tag.UTCTime) === (this.notBefore.getUTCFullYear() < 2050) && (notAfterTag === Tag.UTCTime) === (this.notAfter.getUTCFullYear() < 2050);
      this.subject = readName(der, expectTag(parts.next(), Tag.SEQUENCE, 'subject'), false);
      this.publicKey = describePublicKey(der, expectTag(parts.next(), Tag.SEQUENCE, 'subjectPublicKeyInfo'));
      part = parts.next();
      let hasUniqueIds = false;
      // issuerUniqueID [1] and subjectUniqueID [2]: each at most once, in order, BIT STRINGs, v2 or v3 only.
      for (let n = 1; n <= 2; n++) {
        if (part?.tag !== ctx(n)) continue;
        if (version < 2) throw new DerError('unique identifiers require a v2 or v3 certificate');
        readBits(der, { ...part.copy(), tag: Tag.BIT_STRING });
        hasUniqueIds = true;
        part = parts.next();
      }
      this.hasUniqueIds = hasUniqueIds;
      let extensions: Extension[] = [];
      if (part?.tag === ctx(3, true)) {
        if (version !== 3) throw new DerError('extensions require a v3 certificate');
        const wrapper = new DerCursor(der, part);
        if (wrapper.count !== 1) throw new DerError('malformed extensions');
        const list = new DerCursor(der, expectTag(wrapper.next(), Tag.SEQUENCE, 'Extensions'));
        extensions = new Array(list.count); // at its final length: kept with the certificate
        const fields = new DerCursor(der);
        for (let k = 0; list.next(); k++) extensions[k] = readExtension(der, list, fields);
        if (extensions.length === 0) throw new DerError('empty Extensions');
        part = parts.next();
      }
      if (part) throw new DerError('unexpected data after extensions');
      this.extensions = extensions;

      const seen = extensions.length > 16 ? new Set<string>() : undefined;
      let sanCritical = false;
      for (let k = 0; k < extensions.length; k++) {
        const e = extensions[k]!;
        // A handful of extensions: compared pairwise, no Set per certificate.
        let duplicate = seen?.has(e.oid) ?? false;
        for (let m = 0; !seen && m < k && !duplicate; m++) duplicate = extensions[m]!.oid === e.oid;
        if (duplicate) throw new DerError(`duplicate extension ${e.oid}`);
        seen?.add(e.oid);
        switch (e.oid) {
          case OID.basicConstraints:
            this.basicConstraints = sharedDecode(SHARED.basicConstraints, e.value, decodeBasicConstraints);
            break;
          case OID.keyUsage:
            this.keyUsage = sharedDecode(SHARED.keyUsage, e.value, decodeKeyUsage);
            break;
          case OID.extKeyUsage:
            this.extKeyUsage = sharedDecode(SHARED.extKeyUsage, e.value, decodeExtKeyUsage);
            break;
          case OID.subjectAltName:
            this.subjectAltName = decodeGeneralNames(e.value);
            sanCritical = e.critical;
            break;
          case OID.subjectKeyIdentifier:
            this.subjectKeyId = decodeSubjectKeyId(e.value);
            break;
          case OID.authorityKeyIdentifier:
            this.authorityKeyId = sharedDecode(SHARED.authorityKeyId, e.value, decodeAuthorityKeyId);
            break;
          case OID.nameConstraints:
            this.nameConstraints = decodeNameConstraints(e.value);
            break;
        }
      }
      this.subjectAltNameCritical = sanCritical;
      if (this.basicConstraints?.ca) rememberName(this.subject);
    } catch (err) {
      if (err instanceof DerError) throw new CertificateParseError(err.message);
      throw err;
    }
  }

  /** SHA-256 of the DER, lowercase hex: the identity used everywhere (bundles, reports, caches). */
  get fingerprint(): string {
    return (this.#fingerprint ??= hash('sha256', this.der, 'hex')); // one-shot: no Hash object per certificate
  }

  get subjectName(): string {
    return (this.#subjectName ??= formatName(this.subject));
  }

  get issuerName(): string {
    return (this.#issuerName ??= formatName(this.issuer));
  }

  get commonNames(): readonly string[] {
    return (this.#commonNames ??= attributeValues(this.subject, OID_CN));
  }

  get dnsNames(): readonly string[] {
    return (this.#dnsNames ??= (this.subjectAltName ?? []).flatMap((n) => (n.kind === 'dns' ? [n.value] : [])));
  }

  get isSelfIssued(): boolean {
    return (this.#selfIssued ??= sameName(this.subject, this.issuer));
  }

  get isCa(): boolean {
    return this.basicConstraints?.ca === true;
  }

  hasExtKeyUsage(oid: string): boolean {
    return this.extKeyUsage?.includes(oid) ?? false;
  }

  /** Node's KeyObject for this certificate's public key (for verifying what it signed). */
  get keyObject(): KeyObject {
    return (this.#key ??= sharedKeyObject(this.publicKey.spki));
  }

  /** Node's parse of the same bytes; OpenSSL rejects some encodings our reader tolerates. */
  get native(): X509Certificate {
    return (this.#native ??= new X509Certificate(this.der));
  }

  /** True when `issuer`'s key produced this certificate's signature. */
  isSignedBy(issuer: Certificate): boolean {
    const signedBy = (this.#signedBy ??= new Map());
    let ok = signedBy.get(issuer.fingerprint);
    if (ok === undefined) {
      ok = this.signatureAlgorithmsMatch && verifySafely(this, issuer);
      signedBy.set(issuer.fingerprint, ok);
    }
    return ok;
  }

  /**
   * The inputs of the check isSignedBy(issuer) makes, for a verifier elsewhere (a worker thread,
   * src/sources/signatures.ts). Undefined when isSignedBy already knows the answer or decides it
   * without OpenSSL (mismatched algorithms, a key of the wrong type, an indirect algorithm).
   */
  signatureCheck(issuer: Certificate): SignatureCheck | undefined {
    const direct = this.signatureAlgorithmsMatch ? DIRECT[this.signatureAlgorithm.oid] : undefined;
    if (!direct || issuer.publicKey.algorithm !== direct.key || this.#signedBy?.has(issuer.fingerprint)) return undefined;
    return { hash: direct.hash, tbs: this.tbs, signature: this.signature, spki: issuer.publicKey.spki };
  }

  /**
   * Records the outcome of a signatureCheck(issuer) verified elsewhere with crypto.verify, exactly as
   * isSignedBy would have verified it. An answer already known is kept.
   */
  recordSignedBy(issuer: Certificate, ok: boolean): void {
    const signedBy = (this.#signedBy ??= new Map());
    if (!signedBy.has(issuer.fingerprint)) signedBy.set(issuer.fingerprint, ok);
  }

  validAt(at: Date): boolean {
    return at.getTime() >= this.notBefore.getTime() && at.getTime() <= this.notAfter.getTime();
  }

  /** Lifetime in days, notAfter - notBefore. */
  get lifetimeDays(): number {
    return (this.notAfter.getTime() - this.notBefore.getTime()) / 86_400_000;
  }

  get tbs(): Uint8Array {
    return this.der.subarray(this.#tbsStart, this.#tbsEnd);
  }

  get signature(): Uint8Array {
    return this.der.subarray(this.#signatureStart);
  }
}

/**
 * Decoded basic constraints, key usage, extended key usage and authority key identifiers, one per
 * distinct value: every leaf of an issuing CA repeats them byte for byte, and each decode was kept
 * with its certificate (a Set, an array, an object and a hex string: ~300 bytes a leaf). Shared
 * values are immutable (frozen; key usage is a ReadonlySet), and only values that decoded cleanly
 * are kept, so a shared one is exactly what a fresh decode gives.
 */
const SHARED = { basicConstraints: 1, keyUsage: 2, extKeyUsage: 3, authorityKeyId: 4 } as const;
const sharedDecodes = new Map<number, { readonly kind: number; readonly bytes: Uint8Array; readonly value: unknown }[]>();
const MAX_SHARED_DECODES = 4096;

function sharedDecode<T extends object>(kind: number, value: Uint8Array, decode: (value: Uint8Array) => T): T {
  const key = (hashBytes(value) ^ kind) >>> 0;
  const bucket = sharedDecodes.get(key);
  if (bucket) for (const s of bucket) if (s.kind === kind && equalBytes(s.bytes, value)) return s.value as T;
  const decoded = decode(value);
  if (!(decoded instanceof Set)) Object.freeze(decoded);
  if (sharedDecodes.size >= MAX_SHARED_DECODES) sharedDecodes.clear(); // bounded: the common values come straight back
  const entry = { kind, bytes: value.slice(), value: decoded }; // a copy: a view would keep the whole file's buffer
  const current = sharedDecodes.get(key);
  if (!current) sharedDecodes.set(key, [entry]);
  else if (current.length < 4) current.push(entry);
  return decoded;
}

/** One signature check: crypto.verify(hash, tbs, publicKey(spki), signature). */
export interface SignatureCheck {
  readonly hash: string | null;
  readonly tbs: Uint8Array;
  readonly signature: Uint8Array;
  readonly spki: Uint8Array;
}

/**
 * KeyObjects by SubjectPublicKeyInfo. The same CA arrives as a separate copy in every served chain
 * (10,000 leaf files = 10,000 copies of one intermediate); importing its key once saves ~100 µs a copy.
 */
const keyObjects = new Map<string, KeyObject>();
function sharedKeyObject(spki: Uint8Array): KeyObject {
  const der = Buffer.from(spki.buffer, spki.byteOffset, spki.byteLength);
  const id = der.toString('base64');
  let key = keyObjects.get(id);
  if (!key) {
    if (keyObjects.size >= 50_000) keyObjects.clear(); // bounded: public keys only, cheap to rebuild
    key = createPublicKey({ key: der, format: 'der', type: 'spki' });
    keyObjects.set(id, key);
  }
  return key;
}

/**
 * Signature algorithms verified straight over the TBS bytes we already hold (no second, native parse
 * of the certificate: ~100 µs saved per leaf). The key type must match, or a certificate could claim
 * ECDSA and carry an RSA signature. Anything else (RSA-PSS, DSA, ...) goes through OpenSSL's X509_verify.
 */
const DIRECT: Record<string, { readonly hash: string | null; readonly key: KeyAlgorithm }> = {
  '1.2.840.113549.1.1.5': { hash: 'sha1', key: 'rsa' },
  '1.2.840.113549.1.1.14': { hash: 'sha224', key: 'rsa' },
  '1.2.840.113549.1.1.11': { hash: 'sha256', key: 'rsa' },
  '1.2.840.113549.1.1.12': { hash: 'sha384', key: 'rsa' },
  '1.2.840.113549.1.1.13': { hash: 'sha512', key: 'rsa' },
  '1.2.840.10045.4.1': { hash: 'sha1', key: 'ec' },
  '1.2.840.10045.4.3.1': { hash: 'sha224', key: 'ec' },
  '1.2.840.10045.4.3.2': { hash: 'sha256', key: 'ec' },
  '1.2.840.10045.4.3.3': { hash: 'sha384', key: 'ec' },
  '1.2.840.10045.4.3.4': { hash: 'sha512', key: 'ec' },
  '1.3.101.112': { hash: null, key: 'ed25519' },
  '1.3.101.113': { hash: null, key: 'ed448' },
};

function verifySafely(cert: Certificate, issuer: Certificate): boolean {
  try {
    const direct = DIRECT[cert.signatureAlgorithm.oid];
    if (!direct) return cert.native.verify(issuer.keyObject);
    if (issuer.publicKey.algorithm !== direct.key) return false;
    // ECDSA signatures in certificates are DER, crypto.verify's default encoding; a bare KeyObject
    // skips ~40 µs of option handling per call.
    return verifySignature(direct.hash, cert.tbs, issuer.keyObject, cert.signature);
  } catch {
    return false; // a key or signature OpenSSL cannot use proves nothing
  }
}

function readAlgorithm(der: Uint8Array, t: Tlv): { oid: string; name: string; params?: Uint8Array } {
  const parts = new DerCursor(der, expectTag(t, Tag.SEQUENCE, 'AlgorithmIdentifier'));
  if (parts.count === 0 || parts.count > 2) throw new DerError('malformed AlgorithmIdentifier');
  const id = readOid(der, parts.next()!);
  const params = parts.next();
  // Signature algorithm parameters are absent, NULL, or a structure (RSA-PSS): nothing else parses.
  if (params && !((params.tag === Tag.NULL && params.end === params.body) || params.tag === Tag.SEQUENCE)) throw new DerError('malformed AlgorithmIdentifier parameters');
  const name = signatureAlgorithmName(id);
  return params ? { oid: id, name, params: whole(der, params) } : { oid: id, name };
}

/** Reads Extension `t` with `parts`, a cursor on `der` reused from one extension to the next. */
function readExtension(der: Uint8Array, t: Tlv, parts: DerCursor): Extension {
  parts.reset(expectTag(t, Tag.SEQUENCE, 'Extension'));
  const oid = readOid(der, parts.next()!);
  let critical = false;
  let part = parts.next();
  if (part?.tag === Tag.BOOLEAN) {
    critical = readBoolean(der, part);
    if (!critical) throw new DerError('critical=FALSE must be omitted in DER (DEFAULT)');
    part = parts.next();
  }
  const value = expectTag(part, Tag.OCTET_STRING, 'extnValue');
  const start = value.body;
  const end = value.end;
  if (parts.next()) throw new DerError('malformed Extension');
  return new HeldExtension(oid, critical, der, start, end);
}

/** An extension of a parsed certificate: its value is a view of the certificate's bytes, made when asked for. */
class HeldExtension implements Extension {
  readonly oid: string;
  readonly critical: boolean;
  readonly #der: Uint8Array;
  readonly #start: number;
  readonly #end: number;

  constructor(oid: string, critical: boolean, der: Uint8Array, start: number, end: number) {
    this.oid = oid;
    this.critical = critical;
    this.#der = der;
    this.#start = start;
    this.#end = end;
  }

  get value(): Uint8Array {
    return this.#der.subarray(this.#start, this.#end);
  }
}

/** buf[a..aEnd) and buf[b..bEnd) hold the same bytes. */
function sameBytes(buf: Uint8Array, a: number, aEnd: number, b: number, bEnd: number): boolean {
  if (aEnd - a !== bEnd - b) return false;
  for (let i = 0; i < aEnd - a; i++) if (buf[a + i] !== buf[b + i]) return false;
  return true;
}

/** Parses DER bytes, throwing CertificateParseError with a readable reason. */
export function parseCertificate(der: Uint8Array): Certificate {
  return new Certificate(der);
}

/**
 * A parser that returns one Certificate per distinct DER encoding. An estate serves each CA in every
 * chain file (10,000 leaf files = 10,000 copies of a regional intermediate): pooled, the copy is parsed
 * once, and everything cached on it (signature checks, profile problems, its key) is shared.
 * A Certificate is immutable and its caches depend only on its bytes, so sharing it is safe.
 */
export function certificatePool(): (der: Uint8Array) => Certificate {
  const byKey = new Map<number, Certificate[]>();
  return (der) => {
    // The signature's last bytes are as good as random: a cheap key, confirmed byte by byte. A crowded
    // bucket (crafted certificates) stops pooling rather than making each lookup slower.
    const key = (hashBytes(der, Math.max(0, der.length - 16)) ^ der.length) >>> 0;
    const bucket = byKey.get(key) ?? [];
    for (const c of bucket) if (equalBytes(c.der, der)) return c;
    const cert = new Certificate(der);
    if (bucket.length === 0) byKey.set(key, bucket);
    if (bucket.length < MAX_BUCKET) bucket.push(cert);
    return cert;
  };
}

/** Certificates kept per pool key. */
const MAX_BUCKET = 8;

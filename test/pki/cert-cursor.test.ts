// The certificate reader walks DER with a cursor (DerCursor) instead of an array of Tlv objects per
// element. Differential test against the reader it replaced (test/pki/reference-cert.ts, the
// children()-based code): on real certificates and on thousands of structure-aware and byte-level
// mutants of them, both accept the same inputs with the same fields and reject the same inputs with
// the same message.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { Certificate, CertificateParseError } from '../../src/pki/cert.ts';
import { DerError, toHex } from '../../src/pki/der.ts';
import type { GeneralName } from '../../src/pki/extensions.ts';
import { realCertificates } from '../fuzz/differential.ts';
import { mutatedBytes, mutatedDer } from '../fuzz/mutate.ts';
import { referenceFields } from './reference-cert.ts';

const name = (n: Certificate['subject']) => ({ der: toHex(n.der), rdns: n.rdns });
const generalName = (n: GeneralName): unknown => (n.kind === 'ip' ? { kind: 'ip', value: toHex(n.value) } : n.kind === 'dn' ? { kind: 'dn', value: name(n.value) } : n);

function fields(c: Certificate): Record<string, unknown> {
  const out: Record<string, unknown> = {
    tbs: toHex(c.tbs),
    signatureAlgorithm: c.signatureAlgorithm.params ? { ...c.signatureAlgorithm, params: toHex(c.signatureAlgorithm.params) } : c.signatureAlgorithm,
    signature: toHex(c.signature),
    version: c.version,
    serialNumber: c.serialNumber,
    serialNegativeOrZero: c.serialNegativeOrZero,
    signatureAlgorithmsMatch: c.signatureAlgorithmsMatch,
    issuer: name(c.issuer),
    notBefore: c.notBefore.toISOString(),
    notAfter: c.notAfter.toISOString(),
    validityEncodingOk: c.validityEncodingOk,
    subject: name(c.subject),
    publicKey: { ...c.publicKey, spki: toHex(c.publicKey.spki) },
    hasUniqueIds: c.hasUniqueIds,
    extensions: c.extensions.map((e) => ({ oid: e.oid, critical: e.critical, value: toHex(e.value) })),
    subjectAltNameCritical: c.subjectAltNameCritical,
  };
  if (c.basicConstraints) out.basicConstraints = c.basicConstraints;
  if (c.keyUsage) out.keyUsage = [...c.keyUsage];
  if (c.extKeyUsage) out.extKeyUsage = c.extKeyUsage;
  if (c.subjectAltName) out.subjectAltName = c.subjectAltName.map(generalName);
  if (c.subjectKeyId !== undefined) out.subjectKeyId = c.subjectKeyId;
  if (c.authorityKeyId) out.authorityKeyId = c.authorityKeyId;
  if (c.nameConstraints) out.nameConstraints = { permitted: c.nameConstraints.permitted.map(generalName), excluded: c.nameConstraints.excluded.map(generalName), hasMinMax: c.nameConstraints.hasMinMax };
  return out;
}

function current(der: Uint8Array): unknown {
  try {
    return fields(new Certificate(der));
  } catch (err) {
    if (!(err instanceof CertificateParseError)) throw err;
    return `error: ${err.message}`;
  }
}

function reference(der: Uint8Array): unknown {
  try {
    return referenceFields(der);
  } catch (err) {
    if (!(err instanceof DerError)) throw err;
    return `error: ${err.message}`;
  }
}

describe('the cursor-based certificate reader', () => {
  const seeds = realCertificates();

  it('reads every real certificate of the suites as the children()-based reader did', () => {
    let accepted = 0;
    for (const der of seeds) {
      const got = current(der);
      expect(got).toEqual(reference(der));
      if (typeof got !== 'string') accepted++;
    }
    expect(accepted).toBeGreaterThan(500);
  });

  it('accepts and rejects the same mutants, with the same fields and the same message', () => {
    let rejected = 0;
    fc.assert(
      fc.property(fc.oneof(mutatedDer(seeds), mutatedBytes(seeds)), (der) => {
        const got = current(der);
        expect(got).toEqual(reference(der));
        if (typeof got === 'string') rejected++;
      }),
      { numRuns: 6000, seed: 14 },
    );
    // The mutants reach both outcomes.
    expect(rejected).toBeGreaterThan(1000);
    expect(rejected).toBeLessThan(5900);
  });
});

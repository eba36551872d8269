// A PKCS#12 (.pfx/.p12) file for tests, made at run time and never committed: OpenSSL exports a
// generated key and certificate in a temporary folder. Where OpenSSL is not installed, the outer
// PFX structure (RFC 7292: version 3, authSafe of type data) around opaque bytes stands in, so the
// tests that need one still run.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';

export interface Pkcs12 {
  readonly bytes: Uint8Array;
  readonly madeBy: 'openssl' | 'structure';
}

export function makePkcs12(certPem: string, keyPem: string, password: string): Pkcs12 {
  const dir = mkdtempSync(path.join(tmpdir(), 'rc-policy-p12-'));
  try {
    writeFileSync(path.join(dir, 'cert.pem'), certPem);
    writeFileSync(path.join(dir, 'key.pem'), keyPem, { mode: 0o600 });
    const out = path.join(dir, 'store.p12');
    // The password goes through the environment, not argv (argv is visible to every user in ps).
    execFileSync('openssl', ['pkcs12', '-export', '-inkey', path.join(dir, 'key.pem'), '-in', path.join(dir, 'cert.pem'), '-passout', 'env:RC_TEST_PFX_PASSWORD', '-out', out], {
      stdio: 'ignore',
      env: { ...process.env, RC_TEST_PFX_PASSWORD: password },
    });
    return { bytes: new Uint8Array(readFileSync(out)), madeBy: 'openssl' };
  } catch {
    return { bytes: pfxShape(), madeBy: 'structure' };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

function tlv(tag: number, body: Uint8Array): Uint8Array {
  const len = body.length < 0x80 ? [body.length] : body.length < 0x100 ? [0x81, body.length] : [0x82, body.length >> 8, body.length & 0xff];
  return new Uint8Array([tag, ...len, ...body]);
}

/** SEQUENCE { INTEGER 3, SEQUENCE { OID pkcs7-data, [0] { OCTET STRING ... } } } */
export function pfxShape(): Uint8Array {
  const oidData = new Uint8Array([0x06, 0x09, 0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d, 0x01, 0x07, 0x01]);
  const content = tlv(0xa0, tlv(0x04, new Uint8Array(200).fill(0x5a)));
  return tlv(0x30, new Uint8Array([0x02, 0x01, 0x03, ...tlv(0x30, new Uint8Array([...oidData, ...content]))]));
}

/** The same PFX with its outer SEQUENCE in BER indefinite-length form, as Windows writes them. */
export function asIndefiniteLength(der: Uint8Array): Uint8Array {
  const longForm = der[1]! & 0x80 ? der[1]! & 0x7f : 0;
  const body = der.subarray(2 + longForm);
  return new Uint8Array([0x30, 0x80, ...body, 0x00, 0x00]);
}

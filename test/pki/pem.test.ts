import { describe, expect, it } from 'vitest';
import { decodeCertificates } from '../../src/pki/pem.ts';
import { privateKeyPem } from '../../src/pki/generate.ts';
import { testPki } from '../helpers/estate.ts';

describe('certificate files', () => {
  it('reads a PEM chain in order, leaf first', async () => {
    const pki = await testPki();
    const d = decodeCertificates(Buffer.from(pki.serverCa.pem + pki.root.pem), 'chain.pem');
    expect(d.problems).toEqual([]);
    expect(d.certs.map((c) => c.subjectName)).toEqual(['CN=Test Server Issuing CA, O=Company', 'CN=Test Root CA, O=Company']);
  });

  it('reads a DER certificate', async () => {
    const pki = await testPki();
    const d = decodeCertificates(pki.root.cert.der, 'root.der');
    expect(d.certs[0]!.fingerprint).toBe(pki.root.cert.fingerprint);
  });

  it('detects private keys without keeping them', async () => {
    const pki = await testPki();
    const key = await privateKeyPem(pki.root.keys);
    const d = decodeCertificates(Buffer.from(pki.root.pem + key + key.replace(/PRIVATE KEY/g, 'EC PRIVATE KEY')), 'x.pem');
    expect(d.privateKeys).toEqual(['PRIVATE KEY', 'EC PRIVATE KEY']);
    expect(d.certs).toHaveLength(1);
    expect(JSON.stringify(d.privateKeys)).not.toContain('MII');
  });

  it.each([
    ['an unterminated block', '-----BEGIN CERTIFICATE-----\nMIIB\n', /BEGIN CERTIFICATE is never closed/],
    ['mismatched END', '-----BEGIN CERTIFICATE-----\nMIIB\n-----END X509 CRL-----\n', /does not close BEGIN CERTIFICATE/],
    ['invalid base64', '-----BEGIN CERTIFICATE-----\nMI*B\n-----END CERTIFICATE-----\n', /invalid base64/],
    ['a certificate that is not DER', '-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n', /cannot be parsed/],
    ['text without PEM', 'hello', /not PEM, and not a DER certificate/],
    ['PKCS#7', '-----BEGIN PKCS7-----\nAAAA\n-----END PKCS7-----\n', /PKCS7 blocks are not supported/],
  ])('fails closed on %s', (_, text, problem) => {
    const d = decodeCertificates(Buffer.from(text), 'x.pem');
    expect(d.problems.join('; ')).toMatch(problem);
  });

  it('treats .pfx/.p12 files as PKCS#12 whatever they hold', () => {
    expect(decodeCertificates(Buffer.from('x'), 'a.p12').pkcs12).toBe(true);
  });
});

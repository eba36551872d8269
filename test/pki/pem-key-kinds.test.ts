// A private key under a CERTIFICATE label is still recognised by its structure (src/pki/pem.ts,
// privateKeyKind): each DER key format OpenSSL writes, generated here, is named as the kind it is.
import { generateKeyPairSync } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { decodeCertificates } from '../../src/pki/pem.ts';

const asCertificateBlock = (der: Buffer): string => `-----BEGIN CERTIFICATE-----\n${der.toString('base64').replace(/.{64}/g, '$&\n')}\n-----END CERTIFICATE-----\n`;

describe('a private key in a CERTIFICATE block', () => {
  const ec = generateKeyPairSync('ec', { namedCurve: 'P-256' }).privateKey;
  const rsa = generateKeyPairSync('rsa', { modulusLength: 1024 }).privateKey;
  const cases: [string, Buffer][] = [
    ['private key', ec.export({ format: 'der', type: 'pkcs8' })],
    ['EC private key', ec.export({ format: 'der', type: 'sec1' })],
    ['RSA or DSA private key', rsa.export({ format: 'der', type: 'pkcs1' })],
    ['encrypted private key', ec.export({ format: 'der', type: 'pkcs8', cipher: 'aes-256-cbc', passphrase: 'test-only' })],
  ];
  for (const [kind, der] of cases) {
    it(`is recognised as ${kind}`, () => {
      const d = decodeCertificates(Buffer.from(asCertificateBlock(der)), 'x.pem');
      expect(d.privateKeys).toEqual([`${kind} in a CERTIFICATE block`]);
      expect(d.certs).toEqual([]);
      expect(d.problems).toEqual(['line 1: the CERTIFICATE block holds a private key, not a certificate']);
    });
  }
});

// A private key in the repository is a finding however it is dressed: any PEM label, a key under a
// CERTIFICATE label, encrypted PKCS#8 DER, PKCS#12 in DER or BER under any file name, or a key
// pasted into a ConfigMap's bundle. Keys are detected by their container and never kept.
import { generateKeyPairSync } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { stringify } from 'yaml';
import { privateKeyPem } from '../../src/pki/generate.ts';
import { decodeCertificates } from '../../src/pki/pem.ts';
import { baseline, broker, evaluate, findings, testPki } from '../helpers/estate.ts';
import { asIndefiniteLength, makePkcs12 } from '../helpers/pkcs12.ts';

const pem = (label: string, der: Uint8Array): string =>
  `-----BEGIN ${label}-----\n${Buffer.from(der).toString('base64').replace(/.{64}/g, '$&\n').replace(/\n$/, '')}\n-----END ${label}-----\n`;

describe('private keys are found however they are labelled', () => {
  it('flags a PGP private key block (regression: only labels ending in PRIVATE KEY counted)', () => {
    const out = decodeCertificates(Buffer.from(pem('PGP PRIVATE KEY BLOCK', new Uint8Array([1, 2, 3]))), 'x.pem');
    expect(out.privateKeys).toEqual(['PGP PRIVATE KEY BLOCK']);
  });

  it('flags a PKCS#8 key under a CERTIFICATE label, and says the block is not a certificate', async () => {
    const key = await privateKeyPem((await testPki()).root.keys);
    const der = Buffer.from(key.replace(/-----[^-]+-----|\s/g, ''), 'base64');
    const out = decodeCertificates(Buffer.from(pem('CERTIFICATE', der)), 'x.pem');
    expect(out.privateKeys).toEqual(['private key in a CERTIFICATE block']);
    expect(out.problems).toEqual(['line 1: the CERTIFICATE block holds a private key, not a certificate']);
  });

  it('flags encrypted PKCS#8 DER (regression: it was only "not a DER certificate")', () => {
    const { privateKey } = generateKeyPairSync('ec', {
      namedCurve: 'P-256',
      privateKeyEncoding: { type: 'pkcs8', format: 'der', cipher: 'aes-256-cbc', passphrase: 'test-only-passphrase' },
      publicKeyEncoding: { type: 'spki', format: 'der' },
    });
    const out = decodeCertificates(privateKey, 'key.der');
    expect(out.privateKeys).toEqual(['encrypted private key (DER)']);
  });

  it('flags PKCS#12 by content under any name, in DER and in BER (regression: BER was "not a certificate")', async () => {
    const pki = await testPki();
    const p12 = makePkcs12(pki.root.pem, await privateKeyPem(pki.root.keys), 'test-only-password');
    for (const bytes of [p12.bytes, asIndefiniteLength(p12.bytes)]) {
      for (const name of ['store.p12', 'store.pem', 'store.cer', 'store']) {
        const out = decodeCertificates(bytes, name);
        expect(out.pkcs12, `${name} (${bytes[1] === 0x80 ? 'BER' : 'DER'}, made by ${p12.madeBy})`).toBe(true);
        expect(out.certs).toEqual([]);
      }
    }
  });
});

describe('cert/private-key-material', () => {
  it('fires for a key pasted into a ConfigMap bundle (regression: ConfigMaps were not checked)', async () => {
    const e = await baseline();
    const key = await privateKeyPem(e.pki.root.keys);
    e.files['k8s/rc-trust.yaml'] = stringify({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'rc-trust' }, data: { 'ca.crt': e.pki.root.pem + key } });
    e.topology.trustBundles[0].configMap = { file: 'k8s/rc-trust.yaml' };
    const [f, ...rest] = findings(await evaluate(e), 'cert/private-key-material');
    expect(rest).toEqual([]);
    expect(f).toMatchObject({ target: 'rc-trust', message: 'k8s/rc-trust.yaml contains private key material (PRIVATE KEY): keys belong in Key Vault, never in the repository' });
  });

  it('fires for a PKCS#12 file named .pem, and never prints the key', async () => {
    const e = await baseline();
    const keyPem = await privateKeyPem(e.pki.root.keys);
    e.files['certs/broker-us-1.pem'] = makePkcs12(e.pki.root.pem, keyPem, 'test-only-password').bytes;
    const report = await evaluate(e);
    expect(findings(report, 'cert/private-key-material').map((f) => f.target)).toEqual(['broker-us-1']);
    const body = keyPem.split('\n').filter((l) => l && !l.startsWith('-----'));
    const all = JSON.stringify(report);
    for (const line of body) expect(all).not.toContain(line);
  });

  it('fires for an encrypted DER key used as a broker certificate', async () => {
    const e = await baseline();
    const { privateKey } = generateKeyPairSync('rsa', {
      modulusLength: 2048,
      privateKeyEncoding: { type: 'pkcs8', format: 'der', cipher: 'aes-256-cbc', passphrase: 'test-only-passphrase' },
      publicKeyEncoding: { type: 'spki', format: 'der' },
    });
    e.files['certs/broker-us-2.der'] = privateKey;
    broker(e, 'broker-us-2').cert.file = 'certs/broker-us-2.der';
    const report = await evaluate(e);
    expect(findings(report, 'cert/private-key-material').map((f) => f.message)).toEqual([
      'certs/broker-us-2.der contains private key material (encrypted private key (DER)): keys belong in Key Vault, never in the repository',
    ]);
  });
});

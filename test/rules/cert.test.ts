import { ruleTester } from '../helpers/rule-cases.ts';
import { broker, days, T0, type Estate } from '../helpers/estate.ts';
import { privateKeyPem } from '../../src/pki/generate.ts';

const serve = async (e: Estate, id: string, o: Parameters<Estate['pki']['server']>[1] = {}) => {
  const leaf = await e.pki.server(`${id}.company.com`, o);
  e.files[`certs/${id}.pem`] = leaf.pem + e.pki.serverCa.pem;
  return leaf;
};

ruleTester('cert/unreadable', {
  invalid: [
    {
      name: 'a broker certificate file is missing',
      change: (e) => delete e.files['certs/broker-us-1.pem'],
      target: 'broker-us-1',
      message: /does not exist/,
    },
    {
      name: 'a certificate file holds garbage',
      change: (e) => (e.files['certs/broker-us-2.pem'] = 'hello, not a certificate\n'),
      target: 'broker-us-2',
      message: /cannot be read/,
    },
    {
      name: 'a PEM block is corrupted in the middle',
      change: (e) => {
        const pem = e.files['certs/target-us.pem'] as string;
        const lines = pem.split('\n');
        lines[5] = lines[5]!.replace(/[A-Za-z]/g, 'A');
        e.files['certs/target-us.pem'] = lines.join('\n');
      },
      target: 'target-us',
    },
    {
      name: 'a certificate is a PKCS#12 bundle (not read)',
      change: (e) => {
        e.files['certs/broker-in-3.pfx'] = new Uint8Array([0x30, 0x03, 0x02, 0x01, 0x03]);
        broker(e, 'broker-in-3').cert.file = 'certs/broker-in-3.pfx';
      },
      target: 'broker-in-3',
      message: /PKCS#12/,
    },
    {
      name: "a trust bundle's file is missing",
      change: (e) => delete e.files['pki/rc-trust-bundle.pem'],
      target: 'rc-trust',
    },
    {
      name: "a trust bundle's ConfigMap lacks the key",
      change: (e) => {
        e.files['k8s/bundle.yaml'] = 'apiVersion: v1\nkind: ConfigMap\nmetadata: {name: rc-trust}\ndata:\n  other.crt: x\n';
        e.topology.trustBundles[0].configMap = { file: 'k8s/bundle.yaml' };
      },
      target: 'rc-trust',
      message: /no data key 'ca.crt'/,
    },
  ],
});

ruleTester('cert/private-key-material', {
  valid: [{ name: 'a file with a PUBLIC KEY block next to the certificate', change: (e) => (e.files['certs/broker-us-1.pem'] += '-----BEGIN PUBLIC KEY-----\nAAAA\n-----END PUBLIC KEY-----\n') }],
  invalid: [
    {
      name: 'a served chain file also holds the private key',
      change: async (e) => {
        const leaf = await serve(e, 'broker-us-1');
        e.files['certs/broker-us-1.pem'] += await privateKeyPem(leaf.keys);
      },
      target: 'broker-us-1',
      message: /contains private key material \(PRIVATE KEY\)/,
    },
    {
      name: 'a client certificate is a .pfx file',
      change: (e) => {
        e.files['certs/target-in.pfx'] = new Uint8Array([0x30, 0x03, 0x02, 0x01, 0x03]);
        e.topology.clients[2].cert.file = 'certs/target-in.pfx';
      },
      target: 'target-in',
      message: /PKCS#12 bundle/,
    },
    {
      name: 'a DER PKCS#8 key is referenced as a certificate',
      change: async (e) => {
        const leaf = await e.pki.server('x.company.com');
        const pem = await privateKeyPem(leaf.keys);
        e.files['certs/key.der'] = Buffer.from(pem.replace(/-----[A-Z ]+-----|\n/g, ''), 'base64');
        broker(e, 'broker-us-2').cert.file = 'certs/key.der';
      },
      target: 'broker-us-2',
    },
  ],
});

ruleTester('cert/expired', {
  invalid: [
    {
      name: 'a broker leaf expired yesterday',
      change: (e) => serve(e, 'broker-us-1', { notBefore: days(-100), notAfter: days(-1) }),
      target: 'broker-us-1',
      message: /expired on 2026-11-30 \(1 days before 2026-12-01\)/,
    },
    {
      name: 'a broker leaf is not valid yet',
      change: (e) => serve(e, 'broker-us-2', { notBefore: days(3), notAfter: days(100) }),
      target: 'broker-us-2',
      message: /not valid until 2026-12-04/,
    },
    {
      name: 'everything has expired ten years on: the root is reported as the CA, not as each broker',
      change: () => undefined,
      at: days(3650),
      target: 'root',
    },
  ],
});

ruleTester('cert/expiring', {
  valid: [{ name: 'a leaf with 40 days left (window 30)', change: (e) => serve(e, 'broker-us-1', { notAfter: days(40) }) }],
  invalid: [
    {
      name: 'a leaf expires in 10 days',
      change: (e) => serve(e, 'broker-us-1', { notAfter: days(10) }),
      target: 'broker-us-1',
      message: /in 10 days \(renewBeforeDays: 30\)/,
      severity: 'warning',
    },
    {
      name: 'the server issuing CA expires within caRenewBeforeDays',
      change: () => undefined,
      at: days(850),
      target: 'server-issuing',
      message: /caRenewBeforeDays: 90/,
    },
  ],
});

ruleTester('cert/weak-key', {
  valid: [{ name: 'an EC P-384 key', change: (e) => serve(e, 'broker-us-1', { key: 'ec-p384' }) }],
  invalid: [
    { name: 'an RSA-1024 leaf', change: (e) => serve(e, 'broker-us-1', { key: 'rsa-1024' }), target: 'broker-us-1', message: /RSA key of 1024 bits \(minimum 2048\)/ },
    { name: 'an Ed25519 leaf (not in the policy)', change: (e) => serve(e, 'broker-us-2', { key: 'ed25519' }), target: 'broker-us-2', message: /ed25519 key/ },
    {
      name: 'a P-256 leaf when the policy allows only P-384',
      change: (e) => (e.topology.policy = { params: { allowedCurves: ['P-384'] } }),
      target: 'broker-in-3',
      message: /curve P-256/,
    },
  ],
});

ruleTester('cert/weak-signature', {
  valid: [
    {
      name: "a root's own SHA-1 self-signature (trust in a root comes from the bundle)",
      change: async (e) => {
        const { issue } = await import('../../src/pki/generate.ts');
        const root = await issue({ subject: 'CN=Old Root', notBefore: days(-10), notAfter: days(1000), ca: true, hash: 'SHA-1' });
        e.files['pki/root.pem'] = root.pem;
      },
    },
  ],
  invalid: [
    { name: 'a leaf signed with ECDSA-SHA1', change: (e) => serve(e, 'broker-us-1', { hash: 'SHA-1' }), target: 'broker-us-1', message: /ecdsa-with-SHA1/ },
  ],
});

ruleTester('cert/max-validity', {
  valid: [{ name: 'a leaf of exactly 397 days', change: (e) => serve(e, 'broker-us-1', { notBefore: days(-10), notAfter: days(387) }) }],
  invalid: [
    {
      name: 'a leaf valid for 500 days',
      change: (e) => serve(e, 'broker-us-1', { notBefore: days(-10), notAfter: days(490) }),
      target: 'broker-us-1',
      message: /valid for 500 days .* the maximum is 397/,
    },
  ],
});

ruleTester('cert/live-only', {
  invalid: [
    {
      name: "a broker whose certificate lives only in Key Vault",
      change: (e) => delete broker(e, 'broker-us-1').cert.file,
      target: 'broker-us-1',
      severity: 'info',
      message: /only in Key Vault \(kv-us\/broker-us-1-cert\)/,
    },
  ],
});

void T0;

import { ruleTester } from '../helpers/rule-cases.ts';
import { broker, days, region, type Estate } from '../helpers/estate.ts';
import { issue } from '../../src/pki/generate.ts';

const serve = async (e: Estate, id: string, o: Parameters<Estate['pki']['server']>[1] = {}, chain?: string) => {
  const leaf = await e.pki.server(`${id}.company.com`, o);
  e.files[`certs/${id}.pem`] = leaf.pem + (chain ?? e.pki.serverCa.pem);
  return leaf;
};

ruleTester('broker/name-mismatch', {
  valid: [{ name: 'a wildcard SAN that covers the FQDN', change: (e) => serve(e, 'broker-us-1', { dns: ['*.company.com'] }) }],
  invalid: [
    {
      name: 'the SAN names another host and the CN matches (a CN match does not count)',
      change: (e) => serve(e, 'broker-in-3', { dns: ['broker-in.company.com'] }),
      target: 'broker-in-3',
      message: /broker-in-3\.company\.com is not in the certificate's SAN \(found: DNS:broker-in\.company\.com; CN=broker-in-3\.company\.com does not count\)/,
    },
    { name: 'the certificate has no SAN at all', change: (e) => serve(e, 'broker-us-2', { dns: [] }), target: 'broker-us-2', message: /no SAN/ },
    {
      name: 'a wildcard one level too shallow',
      change: (e) => serve(e, 'broker-us-1', { dns: ['*.us-1.company.com'] }),
      target: 'broker-us-1',
    },
  ],
});

ruleTester('broker/cn-mismatch', {
  valid: [{ name: 'no CN at all (SAN only)', change: (e) => serve(e, 'broker-us-1', { subject: 'O=Company' }) }],
  invalid: [
    {
      name: 'the CN names another host',
      change: (e) => serve(e, 'broker-us-1', { subject: 'CN=broker.company.com, O=Company' }),
      target: 'broker-us-1',
      message: /subject CN broker\.company\.com differs from the FQDN broker-us-1\.company\.com/,
      severity: 'warning',
    },
  ],
});

ruleTester('broker/shared-certificate', {
  invalid: [
    {
      name: 'two brokers serve the same certificate file',
      change: (e) => (broker(e, 'broker-us-2').cert.file = 'certs/broker-us-1.pem'),
      target: 'broker-us-2',
      message: /broker-us-2 presents the same certificate as broker-us-1/,
    },
    {
      name: "the first broker declared serves the second's certificate: the finding is on the one it was copied to",
      change: (e) => (broker(e, 'broker-us-1').cert.file = 'certs/broker-us-2.pem'),
      target: 'broker-us-1',
      message: /broker-us-1 presents the same certificate as broker-us-2/,
    },
  ],
});

ruleTester('broker/shared-key', {
  invalid: [
    {
      name: "two brokers' certificates are issued for one key pair",
      change: async (e) => {
        const first = await serve(e, 'broker-us-1');
        await serve(e, 'broker-in-3', { keys: first.keys });
      },
      target: 'broker-in-3',
      message: /same public key as broker-us-1/,
    },
  ],
});

ruleTester('broker/wildcard', {
  invalid: [
    { name: 'a wildcard SAN', change: (e) => serve(e, 'broker-us-1', { dns: ['*.company.com'] }), target: 'broker-us-1', message: /\*\.company\.com/, severity: 'warning' },
  ],
});

ruleTester('broker/extra-names', {
  invalid: [
    {
      name: 'an IP SAN for the load balancer address',
      change: (e) => serve(e, 'broker-us-1', { dns: ['broker-us-1.company.com'], ips: ['20.0.0.10'] }),
      target: 'broker-us-1',
      message: /IP:20\.0\.0\.10/,
    },
    {
      name: "another broker's name in the SAN",
      change: (e) => serve(e, 'broker-us-2', { dns: ['broker-us-2.company.com', 'broker-us-1.company.com'] }),
      target: 'broker-us-2',
      message: /DNS:broker-us-1\.company\.com/,
    },
  ],
});

ruleTester('broker/server-auth-eku', {
  invalid: [
    { name: 'no EKU extension', change: (e) => serve(e, 'broker-us-1', { eku: [] }), target: 'broker-us-1', message: /no extended key usage/ },
    { name: 'EKU clientAuth only', change: (e) => serve(e, 'broker-us-2', { eku: ['clientAuth'] }), target: 'broker-us-2', message: /\(clientAuth\) lacks serverAuth/ },
    { name: 'anyExtendedKeyUsage does not count', change: (e) => serve(e, 'broker-in-3', { eku: ['anyExtendedKeyUsage'] }), target: 'broker-in-3' },
  ],
});

ruleTester('broker/incomplete-chain', {
  valid: [
    {
      name: 'two intermediates served in order',
      change: async (e) => {
        const mid = await issue({ subject: 'CN=Mid CA', issuer: e.pki.root, notBefore: days(-10), notAfter: days(500), ca: { pathLen: 1 } });
        const low = await issue({ subject: 'CN=Low CA', issuer: mid, notBefore: days(-10), notAfter: days(400), ca: { pathLen: 0 } });
        const leaf = await issue({ subject: 'CN=broker-us-1.company.com', issuer: low, notBefore: days(-1), notAfter: days(300), dns: ['broker-us-1.company.com'], eku: ['serverAuth'] });
        e.files['certs/broker-us-1.pem'] = leaf.pem + low.pem + mid.pem;
      },
    },
    {
      name: 'leaf, intermediate, then a copy of the root',
      change: async (e) => {
        const leaf = await e.pki.server('broker-us-1.company.com');
        e.files['certs/broker-us-1.pem'] = leaf.pem + e.pki.serverCa.pem + e.pki.root.pem;
      },
    },
  ],
  invalid: [
    {
      name: 'the broker serves only its leaf',
      change: (e) => serve(e, 'broker-us-1', {}, ''),
      target: 'broker-us-1',
      message: /lacks the intermediate CN=Test Server Issuing CA, O=Company \(declared CA server-issuing\)/,
      severity: 'error',
    },
    {
      name: 'two intermediates served out of order',
      change: async (e) => {
        const mid = await issue({ subject: 'CN=Mid CA', issuer: e.pki.root, notBefore: days(-10), notAfter: days(500), ca: { pathLen: 1 } });
        const low = await issue({ subject: 'CN=Low CA', issuer: mid, notBefore: days(-10), notAfter: days(400), ca: { pathLen: 0 } });
        const leaf = await issue({ subject: 'CN=broker-us-2.company.com', issuer: low, notBefore: days(-1), notAfter: days(300), dns: ['broker-us-2.company.com'], eku: ['serverAuth'] });
        e.files['certs/broker-us-2.pem'] = leaf.pem + mid.pem + low.pem;
      },
      target: 'broker-us-2',
      message: /out of order: CN=Mid CA is sent before CN=Low CA/,
      severity: 'warning',
    },
    {
      // SPEC, "How the rules read the model" 4: a served copy of the anchor is on the path.
      name: 'leaf, root, intermediate: the root is served before the intermediate it issues',
      change: async (e) => {
        const leaf = await e.pki.server('broker-us-1.company.com');
        e.files['certs/broker-us-1.pem'] = leaf.pem + e.pki.root.pem + e.pki.serverCa.pem;
      },
      target: 'broker-us-1',
      message: /out of order: CN=Test Root CA.* is sent before CN=Test Server Issuing CA/,
      severity: 'warning',
    },
  ],
});

ruleTester('broker/issuer-mismatch', {
  invalid: [
    {
      name: 'the leaf comes from the client issuing CA, not the declared server CA',
      change: async (e) => {
        const leaf = await issue({ subject: 'CN=broker-us-1.company.com', issuer: e.pki.clientCa, notBefore: days(-1), notAfter: days(300), dns: ['broker-us-1.company.com'], eku: ['serverAuth'] });
        e.files['certs/broker-us-1.pem'] = leaf.pem + e.pki.clientCa.pem;
      },
      target: 'broker-us-1',
      message: /issued by CN=Test Client Issuing CA, O=Company, not by the declared issuer server-issuing/,
    },
  ],
});

ruleTester('broker/key-vault-region', {
  valid: [{ name: 'an explicit vault that is the region\'s own', change: (e) => (broker(e, 'broker-us-1').cert.keyVault.vault = 'kv-us') }],
  invalid: [
    {
      name: "a US broker's certificate lives in the India vault",
      change: (e) => (broker(e, 'broker-us-1').cert.keyVault.vault = 'kv-in'),
      target: 'broker-us-1',
      message: /in Key Vault kv-in, but region us's vault is kv-us/,
    },
    {
      name: 'the region declares no vault',
      change: (e) => delete region(e, 'in').keyVault,
      target: 'broker-in-3',
      message: /names no vault and region in declares no Key Vault/,
    },
  ],
});

ruleTester('broker/no-certificate', {
  valid: [
    {
      name: 'a plain backend reached only by a gateway upstream with tls: none',
      change: (e) => {
        region(e, 'in').brokers.push({ id: 'plain-in', fqdn: 'plain-in.company.com', port: 1883, clientAuth: { required: false } });
        region(e, 'in').gateways = [{ id: 'gw-in', fqdn: 'gw-in.company.com', cert: { file: 'certs/broker-in-3.pem' }, upstreams: [{ to: 'plain-in', tls: 'none' }] }];
      },
    },
  ],
  invalid: [
    {
      name: 'a broker behind a load balancer has no certificate',
      change: (e) => delete broker(e, 'broker-us-1').cert,
      target: 'broker-us-1',
      message: /reached over TLS by client controller-us, client target-us, client target-in, load balancer slb-us, load balancer crlb/,
    },
  ],
});

import { ruleTester } from '../helpers/rule-cases.ts';
import { region, type Estate } from '../helpers/estate.ts';

const present = async (e: Estate, i: number, o: Parameters<Estate['pki']['client']>[1]) => {
  const c = e.topology.clients[i];
  const leaf = await e.pki.client(c.id, o);
  e.files[`certs/${c.id}.pem`] = leaf.pem + e.pki.clientCa.pem;
};

ruleTester('client/client-auth-eku', {
  invalid: [
    { name: 'a client certificate with serverAuth only', change: (e) => present(e, 0, { eku: ['serverAuth'] }), target: 'controller-us', message: /\(serverAuth\) lacks clientAuth/ },
    { name: 'a client certificate without EKU', change: (e) => present(e, 1, { eku: [] }), target: 'target-us', message: /no extended key usage/ },
    {
      name: "a gateway upstream's client certificate lacks clientAuth",
      change: async (e) => {
        const upstreamCert = await e.pki.client('apim', { eku: ['serverAuth'] });
        e.files['certs/apim-client.pem'] = upstreamCert.pem;
        region(e, 'us').gateways = [
          {
            id: 'apim-us',
            fqdn: 'api.company.com',
            cert: { file: 'certs/broker-us-1.pem' },
            upstreams: [{ to: 'broker-us-2', tls: 'reencrypt', trustBundle: 'rc-trust', clientCert: { file: 'certs/apim-client.pem' } }],
          },
        ];
      },
      target: 'apim-us->broker-us-2',
    },
  ],
});

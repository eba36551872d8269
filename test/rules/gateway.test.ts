import { ruleTester } from '../helpers/rule-cases.ts';
import { broker, region, type Estate } from '../helpers/estate.ts';

/** A re-encrypting API gateway in front of broker-us-2 (seed 002), with one field to vary. */
const gateway = (e: Estate, upstream: Record<string, unknown>, extra: Record<string, unknown> = {}) => {
  region(e, 'us').gateways = [
    { id: 'apim-us', fqdn: 'api.company.com', cert: { file: 'certs/broker-us-1.pem' }, upstreams: [{ to: 'broker-us-2', ...upstream }], ...extra },
  ];
};

ruleTester('gateway/plaintext-upstream', {
  valid: [
    { name: 'a re-encrypting hop with a trust bundle', change: (e) => gateway(e, { tls: 'reencrypt', trustBundle: 'rc-trust' }) },
    { name: 'a hop with tls: none under lb-tls-offload (seed 004: TLS offload is the design)', change: (e) => gateway(e, { tls: 'none' }), policy: 'lb-tls-offload' },
  ],
  invalid: [
    { name: 'a hop with tls: none', change: (e) => gateway(e, { tls: 'none' }), target: 'apim-us->broker-us-2', message: /unencrypted \(tls: none\)/ },
  ],
});

ruleTester('gateway/unverified-upstream', {
  valid: [{ name: 'a passthrough hop needs no trust bundle of its own', change: (e) => gateway(e, { tls: 'passthrough' }) }],
  invalid: [
    { name: 'a re-encrypting hop without a trust bundle', change: (e) => gateway(e, { tls: 'reencrypt' }), target: 'apim-us->broker-us-2', message: /never validated/ },
  ],
});

ruleTester('gateway/client-auth-without-ca', {
  valid: [
    { name: 'a gateway that does not require client certificates', change: (e) => gateway(e, { tls: 'passthrough' }, { clientAuth: { required: false } }) },
    {
      name: 'a plain backend (a broker without a certificate behind tls: none) is no TLS server',
      change: (e) => {
        gateway(e, { tls: 'none' });
        delete broker(e, 'broker-us-2').cert;
        delete broker(e, 'broker-us-2').clientAuth;
      },
    },
  ],
  invalid: [
    {
      name: 'a gateway requires client certificates but names no bundle',
      change: (e) => gateway(e, { tls: 'passthrough' }, { clientAuth: { required: true } }),
      target: 'apim-us',
    },
    {
      name: 'a broker keeps the default clientAuth (required) without a bundle',
      change: (e) => delete broker(e, 'broker-in-3').clientAuth,
      target: 'broker-in-3',
      message: /requires client certificates but names no clientAuth\.trustBundle/,
    },
  ],
});

import { ruleTester } from '../helpers/rule-cases.ts';
import { broker, region, type Estate } from '../helpers/estate.ts';

const slb = (e: Estate, id: string) => region(e, id).loadBalancers[0];

ruleTester('lb/no-tls-termination', {
  valid: [{ name: 'a udp listener next to the tcp one', change: (e) => slb(e, 'us').listeners.push({ port: 8883, protocol: 'udp' }) }],
  invalid: [
    {
      name: 'a regional load balancer has a tls listener',
      change: (e) => (slb(e, 'us').listeners[0].protocol = 'tls'),
      target: 'slb-us',
      message: /tls listener on port 443/,
    },
    {
      name: 'the global load balancer has an https listener',
      change: (e) => (e.topology.globalLoadBalancers[0].listeners[0].protocol = 'https'),
      target: 'crlb',
    },
    {
      name: 'a certificate is bound to the load balancer',
      change: (e) => (slb(e, 'in').certificate = { keyVault: { certificate: 'slb-in-cert' } }),
      target: 'slb-in',
      message: /certificate bound to it/,
    },
  ],
});

ruleTester('lb/backend-kind', {
  invalid: [
    {
      name: 'the global load balancer points straight at a broker',
      change: (e) => e.topology.globalLoadBalancers[0].backends.push('broker-us-1'),
      target: 'crlb',
      message: /'broker-us-1' is a broker, not a regional load balancer/,
    },
    {
      name: 'a regional load balancer points at another load balancer',
      change: (e) => slb(e, 'us').backends.push('slb-in'),
      target: 'slb-us',
      message: /not a broker or gateway/,
    },
  ],
});

ruleTester('lb/port-mismatch', {
  valid: [{ name: 'backendPort defaults to the listener port', change: (e) => delete slb(e, 'us').listeners[0].backendPort }],
  invalid: [
    {
      name: 'the listener forwards to 8443 but the broker listens on 443',
      change: (e) => (slb(e, 'us').listeners[0].backendPort = 8443),
      target: 'slb-us',
      message: /forwards port 443 to backend port 8443, but broker-us-1 listens on 443/,
      severity: 'warning',
    },
    {
      name: 'a broker listens on 8883 behind a 443 listener',
      change: (e) => (broker(e, 'broker-in-3').port = 8883),
      target: 'slb-in',
    },
  ],
});

ruleTester('lb/orphan-broker', {
  valid: [
    {
      name: 'a broker reached only through a gateway upstream',
      change: (e) => {
        slb(e, 'in').backends = [];
        region(e, 'in').gateways = [
          { id: 'gw-in', fqdn: 'gw-in.company.com', cert: { file: 'certs/broker-in-3.pem' }, upstreams: [{ to: 'broker-in-3', tls: 'passthrough' }] },
        ];
      },
    },
  ],
  invalid: [
    {
      name: 'no load balancer routes to a broker',
      change: (e) => (slb(e, 'us').backends = ['broker-us-1']),
      target: 'broker-us-2',
      severity: 'info',
    },
  ],
});

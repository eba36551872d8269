import { ruleTester } from '../helpers/rule-cases.ts';
import { broker, region } from '../helpers/estate.ts';

ruleTester('topology/reference', {
  invalid: [
    {
      name: 'a load balancer lists a backend that is declared nowhere',
      change: (e) => region(e, 'in').loadBalancers[0].backends.push('broker-in-4'),
      target: 'slb-in',
      message: /'broker-in-4', which is not declared/,
    },
    {
      name: 'a mistyped issuer: the message suggests the CA it nearly names, not an object of another kind',
      change: (e) => (broker(e, 'broker-us-1').issuer = 'server-isuing'),
      target: 'broker-us-1',
      message: /'server-isuing', which is not declared \(expected a CA\) \(did you mean 'server-issuing'\?\)/,
    },
    {
      name: "a broker's clientAuth names a trust bundle that does not exist",
      change: (e) => (broker(e, 'broker-us-1').clientAuth.trustBundle = 'partner-trust'),
      target: 'broker-us-1',
    },
    {
      name: 'a client connects to a CA, which is the wrong kind of object',
      change: (e) => (e.topology.clients[0].connectsTo = ['root']),
      target: 'controller-us',
      message: /which is a CA, not a broker or gateway or load balancer or global load balancer/,
    },
    {
      name: 'a trust bundle lists an undeclared CA',
      change: (e) => e.topology.trustBundles[0].cas.push('root-2027'),
      target: 'rc-trust',
    },
    {
      name: "a broker's declared issuer is not a CA",
      change: (e) => (broker(e, 'broker-us-1').issuer = 'rc-trust'),
      target: 'broker-us-1',
      message: /which is a trust bundle, not a CA/,
    },
    {
      name: 'the rollover names a CA that does not exist',
      change: (e) => (e.topology.rollover = { from: 'root', to: 'root-2027', phase: 'trust-both' }),
      target: 'rc-test',
    },
  ],
});

ruleTester('topology/duplicate-id', {
  invalid: [
    {
      name: 'two brokers share an id',
      change: (e) => (broker(e, 'broker-us-2').id = 'broker-us-1'),
      target: 'broker-us-1',
      message: /^id 'broker-us-1' is declared 2 times: broker at \S+:\d+:\d+ and broker at \S+:\d+:\d+$/,
    },
    {
      name: 'a trust bundle and a CA share an id',
      change: (e) => (e.topology.trustBundles[0].id = 'root'),
      target: 'root',
    },
  ],
});

ruleTester('topology/duplicate-fqdn', {
  valid: [{ name: 'FQDNs differ only by case from a load balancer frontend', change: (e) => (region(e, 'us').loadBalancers[0].frontend.fqdn = 'BROKER-US-1.company.com') }],
  invalid: [
    {
      name: 'two brokers share an FQDN (case-insensitively)',
      change: (e) => (broker(e, 'broker-us-2').fqdn = 'Broker-US-1.company.com'),
      target: 'broker-us-2',
      message: /both broker-us-1 \(at \S+:\d+:\d+\) and broker-us-2 \(at \S+:\d+:\d+\)/,
    },
  ],
});

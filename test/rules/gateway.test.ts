// gateway/*: a passing and a failing case each, on the seed-000 estate with a gateway in front of
// broker-us-1 (seeds 002-004), and the lb-tls-offload pack that allows a plaintext hop (seed 004).
import { describe, expect, it } from 'vitest';
import { baseline, broker, evaluate, findings, region, type Estate } from '../helpers/estate.ts';

async function withGateway(e: Estate, upstream: Record<string, unknown>, clientAuth?: Record<string, unknown>): Promise<void> {
  const leaf = await e.pki.server('gw-us.company.com');
  e.files['certs/gw-us.pem'] = leaf.pem + e.pki.serverCa.pem;
  region(e, 'us').gateways = [
    { id: 'gw-us', fqdn: 'gw-us.company.com', cert: { file: 'certs/gw-us.pem' }, ...(clientAuth && { clientAuth }), upstreams: [{ to: 'broker-us-1', ...upstream }] },
  ];
}

const MTLS_HOP = { tls: 'reencrypt', trustBundle: 'rc-trust', clientCert: { file: 'certs/controller-us.pem' } };

interface Case {
  readonly name: string;
  readonly rule: string;
  readonly change: (e: Estate) => Promise<void> | void;
  readonly policy?: string;
  readonly targets: readonly string[];
  readonly message?: RegExp;
}

const CASES: Case[] = [
  { name: 'a re-encrypting hop passes', rule: 'gateway/plaintext-upstream', change: (e) => withGateway(e, MTLS_HOP), targets: [] },
  {
    name: 'a tls: none hop fails on gateway-id->upstream-id',
    rule: 'gateway/plaintext-upstream',
    change: (e) => withGateway(e, { tls: 'none' }),
    targets: ['gw-us->broker-us-1'],
    message: /^gw-us sends traffic to broker-us-1 unencrypted \(tls: none\): end-to-end encryption is broken$/,
  },
  {
    name: 'a tls: none hop passes under lb-tls-offload (seed 004)',
    rule: 'gateway/plaintext-upstream',
    change: (e) => withGateway(e, { tls: 'none' }),
    policy: 'lb-tls-offload',
    targets: [],
  },

  { name: 'a re-encrypting hop with a trustBundle passes', rule: 'gateway/unverified-upstream', change: (e) => withGateway(e, MTLS_HOP), targets: [] },
  { name: 'a passthrough hop needs no trustBundle', rule: 'gateway/unverified-upstream', change: (e) => withGateway(e, { tls: 'passthrough' }), targets: [] },
  {
    name: 'a re-encrypting hop without a trustBundle fails',
    rule: 'gateway/unverified-upstream',
    change: (e) => withGateway(e, { tls: 'reencrypt', clientCert: { file: 'certs/controller-us.pem' } }),
    targets: ['gw-us->broker-us-1'],
    message: /^gw-us re-encrypts to broker-us-1 without a trustBundle/,
  },

  {
    name: 'a gateway requiring client certificates with a bundle passes',
    rule: 'gateway/client-auth-without-ca',
    change: (e) => withGateway(e, MTLS_HOP, { required: true, trustBundle: 'rc-trust' }),
    targets: [],
  },
  {
    name: 'a gateway requiring client certificates without a bundle fails',
    rule: 'gateway/client-auth-without-ca',
    change: (e) => withGateway(e, MTLS_HOP, { required: true }),
    targets: ['gw-us'],
    message: /^gw-us requires client certificates but names no clientAuth\.trustBundle/,
  },
  {
    name: 'a broker too: clientAuth defaults to required on brokers',
    rule: 'gateway/client-auth-without-ca',
    change: (e) => void (broker(e, 'broker-us-2').clientAuth = {}),
    targets: ['broker-us-2'],
  },
];

describe.each(CASES)('$rule: $name', (c) => {
  it(c.targets.length ? `reports ${c.targets.join(', ')}` : 'reports nothing', async () => {
    const e = await baseline();
    await c.change(e);
    const got = findings(await evaluate(e, c.policy ? { policy: c.policy } : {}), c.rule);
    expect(got.map((f) => f.target).sort()).toEqual([...c.targets].sort());
    for (const f of got) if (c.message) expect(f.message).toMatch(c.message);
  });
});

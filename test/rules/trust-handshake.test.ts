// trust/untrusted-server and trust/untrusted-client: the handshake matrix on the seed-000 estate
// with one thing changed. Each case names the pair targets it expects (client-id->server-id).
import { describe, expect, it } from 'vitest';
import { issue } from '../../src/pki/generate.ts';
import { baseline, broker, days, evaluate, findings, region, type Estate } from '../helpers/estate.ts';

interface Case {
  readonly name: string;
  readonly rule: 'trust/untrusted-server' | 'trust/untrusted-client';
  readonly change?: (e: Estate) => void | Promise<void>;
  readonly targets: readonly string[];
  readonly message?: RegExp;
  /** Pairs not evaluated because a finding already names the cause (ADR 0120), and that finding. */
  readonly waiting?: { readonly targets: readonly string[]; readonly because: { rule: string; target: string } };
}

const TO_US1 = ['controller-us->broker-us-1', 'target-us->broker-us-1', 'target-in->broker-us-1'];
const FROM_TARGET_IN = ['target-in->broker-us-1', 'target-in->broker-us-2', 'target-in->broker-in-3'];

const partnerRoot = () => issue({ subject: 'CN=Partner Root CA, O=Partner', notBefore: days(-100), notAfter: days(2000), ca: true });

/** A gateway in region us re-encrypting to broker-us-1. */
function gateway(e: Estate, upstream: Record<string, unknown>, clientAuth: Record<string, unknown> = { required: false }) {
  region(e, 'us').gateways = [{ id: 'gw-us', fqdn: 'gw-us.company.com', clientAuth, upstreams: [{ to: 'broker-us-1', tls: 'reencrypt', ...upstream }] }];
}

async function withGatewayCert(e: Estate) {
  const leaf = await e.pki.server('gw-us.company.com');
  e.files['certs/gw-us.pem'] = leaf.pem + e.pki.serverCa.pem;
  region(e, 'us').gateways[0].cert = { file: 'certs/gw-us.pem' };
}

const CASES: Case[] = [
  { name: 'the clean estate: every client accepts every broker', rule: 'trust/untrusted-server', targets: [] },
  {
    name: 'a broker certificate for another name: one broker/name-mismatch, the handshakes to it wait on it',
    rule: 'trust/untrusted-server',
    change: async (e) => {
      const leaf = await e.pki.server('broker-us-9.company.com');
      e.files['certs/broker-us-1.pem'] = leaf.pem + e.pki.serverCa.pem;
    },
    targets: [],
    waiting: { targets: TO_US1, because: { rule: 'broker/name-mismatch', target: 'broker-us-1' } },
    message: /^\S+ would reject the certificate of broker-us-1 \(broker-us-1\.company\.com\): broker-us-1\.company\.com is not in the subjectAltName of .*DNS:broker-us-9\.company\.com/,
  },
  {
    name: 'a broker certificate for another name and from an unknown CA: two causes, so the handshake fails on its own',
    rule: 'trust/untrusted-server',
    change: async (e) => {
      const partner = await partnerRoot();
      const leaf = await issue({ subject: 'CN=broker-us-9.company.com', issuer: partner, dns: ['broker-us-9.company.com'], eku: ['serverAuth'], notBefore: days(-10), notAfter: days(100) });
      e.files['certs/broker-us-1.pem'] = leaf.pem;
    },
    targets: TO_US1,
  },
  {
    name: 'a broker that does not serve its intermediate is rejected (anchors are the bundle roots only)',
    rule: 'trust/untrusted-server',
    change: async (e) => {
      e.files['certs/broker-us-1.pem'] = (e.files['certs/broker-us-1.pem'] as string).split(/(?<=-----END CERTIFICATE-----\n)/)[0]!;
    },
    targets: TO_US1,
    message: /issuer 'CN=Test Server Issuing CA, O=Company' of 'CN=broker-us-1\.company\.com, O=Company' not found among the chain the server sends or trust bundle rc-trust/,
  },
  {
    name: 'a client whose bundle lacks the broker root rejects every broker it reaches',
    rule: 'trust/untrusted-server',
    change: async (e) => {
      e.files['pki/partner.pem'] = (await partnerRoot()).pem;
      e.topology.cas.push({ id: 'partner', cert: { file: 'pki/partner.pem' } });
      e.topology.trustBundles.push({ id: 'partner-trust', cas: ['partner'] });
      e.topology.clients[2].trustBundle = 'partner-trust';
    },
    targets: FROM_TARGET_IN,
    message: /not found among the chain the server sends or trust bundle partner-trust/,
  },
  {
    name: 'the bundle file does not count: only the declared cas are anchors',
    rule: 'trust/untrusted-server',
    change: async (e) => {
      e.files['pki/partner.pem'] = (await partnerRoot()).pem;
      e.topology.cas.push({ id: 'partner', cert: { file: 'pki/partner.pem' } });
      e.topology.trustBundles[0].cas = ['partner']; // the file still holds the real root
    },
    targets: ['controller-us->broker-us-1', 'controller-us->broker-us-2', 'controller-us->broker-in-3', 'target-us->broker-us-1', 'target-us->broker-us-2', ...FROM_TARGET_IN],
  },
  {
    name: 'a client without a trustBundle cannot validate anything (fail closed)',
    rule: 'trust/untrusted-server',
    change: (e) => void delete e.topology.clients[2].trustBundle,
    targets: FROM_TARGET_IN,
    message: /^target-in would reject the certificate of \S+ \(\S+\): target-in names no trustBundle to validate server certificates with$/,
  },
  {
    name: 'an expired broker certificate: one cert/expired, the handshakes to it wait on it (one cause, one finding)',
    rule: 'trust/untrusted-server',
    change: async (e) => {
      const leaf = await e.pki.server('broker-us-1.company.com', { notBefore: days(-400), notAfter: days(-1) });
      e.files['certs/broker-us-1.pem'] = leaf.pem + e.pki.serverCa.pem;
    },
    targets: [],
    waiting: { targets: TO_US1, because: { rule: 'cert/expired', target: 'broker-us-1' } },
    message: /expired 2026-11-30T00:00:00\.000Z/,
  },
  {
    name: 'a broker whose certificate lives only in Key Vault is skipped by check (cert/live-only lists it)',
    rule: 'trust/untrusted-server',
    change: (e) => void delete broker(e, 'broker-us-1').cert.file,
    targets: [],
  },
  {
    name: 'a gateway validates its re-encrypting upstream with the upstream trustBundle',
    rule: 'trust/untrusted-server',
    change: async (e) => {
      gateway(e, { trustBundle: 'rc-trust', clientCert: { file: 'certs/controller-us.pem' } });
      await withGatewayCert(e);
    },
    targets: [],
  },
  {
    name: 'a gateway hop whose trustBundle lacks the upstream root fails on gateway-id->upstream-id',
    rule: 'trust/untrusted-server',
    change: async (e) => {
      e.files['pki/partner.pem'] = (await partnerRoot()).pem;
      e.topology.cas.push({ id: 'partner', cert: { file: 'pki/partner.pem' } });
      e.topology.trustBundles.push({ id: 'partner-trust', cas: ['partner'] });
      gateway(e, { trustBundle: 'partner-trust', clientCert: { file: 'certs/controller-us.pem' } });
      await withGatewayCert(e);
    },
    targets: ['gw-us->broker-us-1'],
    message: /^gw-us would reject the certificate of broker-us-1 \(broker-us-1\.company\.com\): .*trust bundle partner-trust/,
  },
  {
    name: 'a re-encrypting hop without a trustBundle validates nothing (as well as gateway/unverified-upstream)',
    rule: 'trust/untrusted-server',
    change: async (e) => {
      gateway(e, { clientCert: { file: 'certs/controller-us.pem' } });
      await withGatewayCert(e);
    },
    targets: ['gw-us->broker-us-1'],
    message: /gw-us's upstream to broker-us-1 names no trustBundle to validate its server certificate with$/,
  },
  {
    name: 'tls: passthrough pairs the gateway\u2019s clients with the upstream, checked for the upstream\u2019s own name',
    rule: 'trust/untrusted-server',
    change: async (e) => {
      region(e, 'in').gateways = [{ id: 'sni-in', fqdn: 'sni-in.company.com', upstreams: [{ to: 'broker-in-3', tls: 'passthrough' }] }];
      e.topology.clients[1].connectsTo = ['sni-in'];
      const leaf = await e.pki.server('sni-in.company.com'); // the broker serves the gateway's name: wrong
      e.files['certs/broker-in-3.pem'] = leaf.pem + e.pki.serverCa.pem;
    },
    targets: [],
    waiting: { targets: ['controller-us->broker-in-3', 'target-us->broker-in-3', 'target-in->broker-in-3'], because: { rule: 'broker/name-mismatch', target: 'broker-in-3' } },
  },

  { name: 'the clean estate: every broker accepts every client', rule: 'trust/untrusted-client', targets: [] },
  {
    name: 'a client certificate without EKU clientAuth is rejected by every broker it reaches',
    rule: 'trust/untrusted-client',
    change: async (e) => {
      const leaf = await e.pki.client('target-in', { eku: ['serverAuth'] });
      e.files['certs/target-in.pem'] = leaf.pem + e.pki.clientCa.pem;
    },
    targets: FROM_TARGET_IN,
    message: /^broker-\S+ would reject the client certificate of target-in: 'CN=target-in, O=Company' extendedKeyUsage \(serverAuth\) lacks clientAuth$/,
  },
  {
    name: 'a client without a certificate cannot pass a broker that requires one',
    rule: 'trust/untrusted-client',
    change: (e) => void delete e.topology.clients[2].cert,
    targets: FROM_TARGET_IN,
    message: /: target-in's client has no certificate$/,
  },
  {
    name: 'a broker that does not require client certificates checks none',
    rule: 'trust/untrusted-client',
    change: (e) => {
      delete e.topology.clients[2].cert;
      broker(e, 'broker-us-1').clientAuth = { required: false };
    },
    targets: ['target-in->broker-us-2', 'target-in->broker-in-3'],
  },
  {
    name: 'a broker that requires client certificates without a trustBundle rejects everyone (as well as gateway/client-auth-without-ca)',
    rule: 'trust/untrusted-client',
    change: (e) => void (broker(e, 'broker-us-1').clientAuth = { required: true }),
    targets: TO_US1,
    message: /broker-us-1 requires a client certificate but names no clientAuth\.trustBundle to validate it with$/,
  },
  {
    name: 'a re-encrypting gateway without clientCert is rejected by an mTLS upstream, on gateway-id->upstream-id',
    rule: 'trust/untrusted-client',
    change: async (e) => {
      gateway(e, { trustBundle: 'rc-trust' });
      await withGatewayCert(e);
    },
    targets: ['gw-us->broker-us-1'],
    message: /^broker-us-1 would reject the client certificate of gw-us: gw-us's client has no certificate$/,
  },
  {
    name: 'a client that reaches a gateway requiring client auth is validated against the gateway bundle',
    rule: 'trust/untrusted-client',
    change: async (e) => {
      gateway(e, { trustBundle: 'rc-trust', clientCert: { file: 'certs/controller-us.pem' } }, { required: true, trustBundle: 'rc-trust' });
      await withGatewayCert(e);
      e.topology.clients.push({ id: 'anonymous', role: 'other', trustBundle: 'rc-trust', connectsTo: ['gw-us'] });
    },
    targets: ['anonymous->gw-us'],
  },
];

describe.each(CASES)('$rule: $name', (c) => {
  it(c.targets.length ? `reports ${c.targets.length} pair(s)` : 'reports nothing', async () => {
    const e = await baseline();
    await c.change?.(e);
    const report = await evaluate(e);
    const got = findings(report, c.rule);
    expect(got.map((f) => f.target).sort()).toEqual([...c.targets].sort());
    for (const f of got) if (c.message) expect(f.message).toMatch(c.message);
    const waiting = (report.notEvaluated ?? []).filter((d) => d.rule === c.rule);
    expect(waiting.map((d) => d.target).sort()).toEqual([...(c.waiting?.targets ?? [])].sort());
    for (const d of waiting) {
      expect(d.because).toEqual([c.waiting!.because]);
      expect(findings(report, c.waiting!.because.rule).map((f) => f.target)).toContain(c.waiting!.because.target);
      if (c.message) expect(d.message).toMatch(c.message);
    }
  });
});

describe('handshake pairs', () => {
  it('a broker reached through crlb and slb-us is one pair, and unconnected pairs are absent', async () => {
    const e = await baseline();
    e.topology.clients[0].connectsTo = ['crlb', 'slb-us', 'broker-us-1'];
    const pairs = (await evaluate(e)).matrix!.map((p) => `${p.client}->${p.server}`);
    expect(pairs).toEqual([
      'controller-us->broker-us-1',
      'controller-us->broker-us-2',
      'controller-us->broker-in-3',
      'target-us->broker-us-1',
      'target-us->broker-us-2',
      'target-in->broker-us-1',
      'target-in->broker-us-2',
      'target-in->broker-in-3',
    ]);
  });

  it('default connectsTo: every broker with a certificate and every gateway', async () => {
    const e = await baseline();
    delete e.topology.clients[1].connectsTo;
    gateway(e, { trustBundle: 'rc-trust', clientCert: { file: 'certs/controller-us.pem' } });
    await withGatewayCert(e);
    const pairs = (await evaluate(e)).matrix!.filter((p) => p.client === 'target-us').map((p) => p.server);
    expect(pairs).toEqual(['broker-us-1', 'broker-us-2', 'broker-in-3', 'gw-us']);
  });

  it('a pure passthrough gateway is no TLS server; tls: none is no handshake', async () => {
    const e = await baseline();
    region(e, 'in').gateways = [
      { id: 'sni-in', fqdn: 'sni-in.company.com', upstreams: [{ to: 'broker-in-3', tls: 'passthrough' }] },
      { id: 'offload-in', fqdn: 'offload-in.company.com', cert: { file: 'certs/broker-in-3.pem' }, upstreams: [{ to: 'broker-in-3', tls: 'none' }] },
    ];
    e.topology.clients[2].connectsTo = ['sni-in'];
    const pairs = (await evaluate(e)).matrix!.map((p) => `${p.client}->${p.server}`);
    expect(pairs).toContain('target-in->broker-in-3');
    expect(pairs.filter((p) => p.includes('sni-in') || p.startsWith('offload-in'))).toEqual([]);
  });
});

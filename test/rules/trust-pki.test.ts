// trust/bundle-mismatch, trust/not-a-ca, trust/issuer-mismatch, trust/validity-nesting: one passing
// and one failing case each, on the clean seed-000 estate with one thing changed.
import { describe, expect, it } from 'vitest';
import { stringify } from 'yaml';
import { issue } from '../../src/pki/generate.ts';
import { baseline, broker, days, evaluate, findings, type Estate } from '../helpers/estate.ts';

interface Case {
  readonly name: string;
  readonly rule: string;
  readonly change?: (e: Estate) => void | Promise<void>;
  /** Targets that must be reported (exactly); [] = the rule stays silent. */
  readonly targets: readonly string[];
  /** Every finding's message matches. */
  readonly message?: RegExp;
}

const configMap = (pem: string, key = 'ca.crt') =>
  stringify({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'rc-trust-bundle', namespace: 'workload' }, data: { [key]: pem } });

const CASES: Case[] = [
  { name: 'a bundle file holding exactly its CAs passes', rule: 'trust/bundle-mismatch', targets: [] },
  {
    name: 'a bundle file holding an intermediate instead of the root fails, naming both',
    rule: 'trust/bundle-mismatch',
    change: (e) => void (e.files['pki/rc-trust-bundle.pem'] = e.pki.serverCa.pem),
    targets: ['rc-trust'],
    message: /pki\/rc-trust-bundle\.pem does not hold exactly the declared CAs of rc-trust: missing root; extra server-issuing \(CN=Test Server Issuing CA, O=Company\)$/,
  },
  {
    name: 'a bundle file with an undeclared extra CA fails',
    rule: 'trust/bundle-mismatch',
    change: async (e) => {
      const other = await issue({ subject: 'CN=Partner Root CA', notBefore: days(-10), notAfter: days(1000), ca: true });
      e.files['pki/rc-trust-bundle.pem'] = e.pki.root.pem + other.pem;
    },
    targets: ['rc-trust'],
    message: /extra CN=Partner Root CA \(not a declared CA\)$/,
  },
  {
    name: 'a ConfigMap holding exactly the declared CAs passes',
    rule: 'trust/bundle-mismatch',
    change: (e) => {
      e.files['k8s/rc-trust.yaml'] = configMap(e.pki.root.pem);
      e.topology.trustBundles[0].configMap = { file: 'k8s/rc-trust.yaml', key: 'ca.crt' };
    },
    targets: [],
  },
  {
    name: 'a ConfigMap that lost the root fails (compared by fingerprint, not by name)',
    rule: 'trust/bundle-mismatch',
    change: async (e) => {
      // Same subject as the root, different key: only the fingerprint tells them apart.
      const lookalike = await issue({ subject: 'CN=Test Root CA, O=Company', notBefore: days(-10), notAfter: days(1000), ca: true });
      e.files['k8s/rc-trust.yaml'] = configMap(lookalike.pem, 'root-ca.pem');
      e.topology.trustBundles[0].configMap = { file: 'k8s/rc-trust.yaml', key: 'root-ca.pem' };
    },
    targets: ['rc-trust'],
    message: /^ConfigMap k8s\/rc-trust\.yaml \(key root-ca\.pem\) does not hold exactly the declared CAs of rc-trust: missing root; extra CN=Test Root CA, O=Company \(not a declared CA\)$/,
  },

  { name: 'declared CAs with CA:TRUE and keyCertSign pass', rule: 'trust/not-a-ca', targets: [] },
  {
    name: 'a leaf declared as a CA fails',
    rule: 'trust/not-a-ca',
    change: (e) => {
      e.files['pki/not-a-ca.pem'] = (e.files['certs/broker-us-1.pem'] as string).split(/(?<=-----END CERTIFICATE-----\n)/)[0]!;
      e.topology.cas.push({ id: 'not-a-ca', issuer: 'server-issuing', cert: { file: 'pki/not-a-ca.pem' } });
    },
    targets: ['not-a-ca'],
    message: /has basicConstraints CA:FALSE and has keyUsage digitalSignature without keyCertSign$/,
  },
  {
    name: 'a CA certificate without basicConstraints and keyUsage fails',
    rule: 'trust/not-a-ca',
    change: async (e) => {
      const legacy = await issue({ subject: 'CN=Legacy Root', notBefore: days(-10), notAfter: days(1000), bare: true });
      e.files['pki/legacy.pem'] = legacy.pem;
      e.topology.cas.push({ id: 'legacy', cert: { file: 'pki/legacy.pem' } });
    },
    targets: ['legacy'],
    message: /has no basicConstraints extension and has no keyUsage extension/,
  },

  { name: 'intermediates signed by their declared issuer and a self-signed root pass', rule: 'trust/issuer-mismatch', targets: [] },
  {
    name: 'an intermediate declared under the wrong issuer fails',
    rule: 'trust/issuer-mismatch',
    change: (e) => void (e.topology.cas[1].issuer = 'client-issuing'),
    targets: ['server-issuing'],
    message: /not signed by its declared issuer client-issuing \(CN=Test Client Issuing CA, O=Company\); its issuer name is CN=Test Root CA, O=Company$/,
  },
  {
    name: 'an intermediate declared without an issuer fails: it is not self-signed',
    rule: 'trust/issuer-mismatch',
    change: (e) => void delete e.topology.cas[2].issuer,
    targets: ['client-issuing'],
    message: /declares no issuer but is not self-signed: it was issued by CN=Test Root CA, O=Company$/,
  },

  { name: 'certificates inside their issuers\u2019 validity pass', rule: 'trust/validity-nesting', targets: [] },
  {
    name: 'a broker leaf that outlives its intermediate warns, on the broker',
    rule: 'trust/validity-nesting',
    change: async (e) => {
      const leaf = await e.pki.server('broker-us-2.company.com', { notAfter: days(950) });
      e.files['certs/broker-us-2.pem'] = leaf.pem + e.pki.serverCa.pem;
    },
    targets: ['broker-us-2'],
    message: /^leaf certificate CN=broker-us-2\.company\.com, O=Company is valid until 2029-07-08, after its issuer server-issuing \(CN=Test Server Issuing CA, O=Company\) expires on 2029-05-19$/,
  },
  {
    name: 'an intermediate that outlives its root warns, on the CA',
    rule: 'trust/validity-nesting',
    change: async (e) => {
      const ca = await issue({ subject: 'CN=Long Issuing CA', issuer: e.pki.root, notBefore: days(-10), notAfter: days(3100), ca: { pathLen: 0 } });
      e.files['pki/long.pem'] = ca.pem;
      e.topology.cas.push({ id: 'long', issuer: 'root', cert: { file: 'pki/long.pem' } });
    },
    targets: ['long'],
  },
];

describe.each(CASES)('$rule: $name', (c) => {
  it(c.targets.length ? `reports ${c.targets.join(', ')}` : 'reports nothing', async () => {
    const e = await baseline();
    await c.change?.(e);
    const got = findings(await evaluate(e), c.rule);
    expect(got.map((f) => f.target).sort()).toEqual([...c.targets].sort());
    for (const f of got) if (c.message) expect(f.message).toMatch(c.message);
  });
});

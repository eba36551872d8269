// examples/custom-rules/acme-pack.yaml: each of its rules catches the convention it is written for,
// and the pack is clean on the bundled example. The Key Vault rule runs in a real `audit` against
// the local Key Vault test server.
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { audit } from '../../src/audit.ts';
import { check } from '../../src/check.ts';
import { issue } from '../../src/pki/generate.ts';
import { baseline, broker, days, evaluate, findings, problems, T0, writeEstate } from '../helpers/estate.ts';
import { FakeKeyVault, fakeCredential } from '../helpers/keyvault-server.ts';
import { closedPort } from '../helpers/servers.ts';
import { ROOT } from '../helpers/cli.ts';

const PACK = path.join(ROOT, 'examples/custom-rules/acme-pack.yaml');

describe('examples/custom-rules/acme-pack.yaml', () => {
  it('is clean on examples/rc-system, and all three rules run', async () => {
    const r = await check({ topology: path.join(ROOT, 'examples/rc-system/rc-topology.yaml'), policy: PACK, at: T0 });
    expect(problems(r)).toEqual([]);
    expect(r.rules?.filter((x) => x.id.startsWith('acme/'))).toEqual([
      { id: 'acme/broker-fqdn-region', status: 'ran' },
      { id: 'acme/key-vault-validity', status: 'ran' },
      { id: 'acme/roots-per-bundle', status: 'ran' },
    ]);
  });

  it('acme/broker-fqdn-region: a broker named for another region', async () => {
    const e = await baseline();
    broker(e, 'broker-in-3').fqdn = 'broker-us-3.company.com';
    const r = await evaluate(e, { policy: PACK });
    expect(findings(r, 'acme/broker-fqdn-region')).toEqual([
      expect.objectContaining({ target: 'broker-in-3', severity: 'error', message: 'FQDN broker-us-3.company.com does not start with broker-in-' }),
    ]);
  });

  it('acme/roots-per-bundle: a bundle of three roots, on every client that uses it', async () => {
    const e = await baseline();
    for (const id of ['root-2', 'root-3']) {
      const root = await issue({ subject: `CN=${id}, O=Company`, notBefore: days(-10), notAfter: days(3000), ca: { pathLen: 1 } });
      e.files[`pki/${id}.pem`] = root.pem;
      e.topology.cas.push({ id, cert: { file: `pki/${id}.pem` } });
    }
    e.topology.trustBundles[0].cas.push('root-2', 'root-3');
    delete e.topology.trustBundles[0].file;
    const r = await evaluate(e, { policy: PACK });
    const f = findings(r, 'acme/roots-per-bundle');
    expect(f.map((x) => x.target).sort()).toEqual(['controller-us', 'target-in', 'target-us']);
    expect(f[0]).toMatchObject({ severity: 'warning', message: 'trust bundle rc-trust holds 3 roots (at most 2)' });
  });

  describe('acme/key-vault-validity, in rc-policy audit', () => {
    let kv: FakeKeyVault;
    beforeEach(async () => {
      kv = await FakeKeyVault.start(['kv-us', 'kv-in']);
    });
    afterEach(() => kv?.stop());

    it('a certificate Key Vault holds for a year, not 90 days', async () => {
      const e = await baseline();
      const short = { notBefore: days(-10), notAfter: days(50) };
      for (const id of ['broker-us-1', 'broker-us-2']) kv.put('kv-us', `${id}-cert`, [{ der: (await e.pki.server(`${id}.company.com`, short)).cert.der, created: days(-10) }]);
      const long = await e.pki.server('broker-in-3.company.com', { notBefore: days(-10), notAfter: days(355) });
      kv.put('kv-in', 'broker-in-3-cert', [{ der: long.cert.der, created: days(-10) }]);
      const file = await writeEstate(e);
      const nowhere = `127.0.0.1:${await closedPort()}`;
      const hosts = ['broker-us-1', 'broker-us-2', 'broker-in-3', 'slb-us', 'slb-in', 'rc'].map((h) => `${h}.company.com:443:${nowhere}`);
      const report = await audit({
        topology: file,
        cwd: path.dirname(file),
        at: T0,
        policy: PACK,
        resolve: [...hosts, ...kv.resolveEntries()],
        credential: fakeCredential(),
        keyVaultCa: kv.ca.pem,
        keyVaultRetry: { attempts: 1, baseDelayMs: 10, maxDelayMs: 20 },
        timeoutMs: 1500,
      });
      // The brokers themselves are unreachable here (live/unreachable): the rule reads Key Vault only.
      expect(findings(report, 'acme/key-vault-validity')).toEqual([
        expect.objectContaining({ target: 'broker-in-3', severity: 'error', message: 'Key Vault certificate kv-in/broker-in-3-cert is valid for 365 days (at most 90)' }),
      ]);
      // In check, nothing is read from Key Vault: the rule does not apply.
      expect(findings(await check({ topology: file, cwd: path.dirname(file), at: T0, policy: PACK }), 'acme/key-vault-validity')).toEqual([]);
    });
  });
});

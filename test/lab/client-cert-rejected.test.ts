// live/client-cert-rejected against the lab's real TLS servers: a probe certificate from a CA the
// brokers do not trust is refused — a finding of its own, not live/unreachable, and not a gap.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, expect, it } from 'vitest';
import { audit } from '../../src/audit.ts';
import { startLab } from '../../src/lab/lab.ts';
import { issue, privateKeyPem } from '../../src/pki/generate.ts';

const tmp = await mkdtemp(path.join(tmpdir(), 'rc-policy-lab-reject-'));
afterAll(() => rm(tmp, { recursive: true, force: true }));

it("a client certificate the server refuses is live/client-cert-rejected, with how the server refused it, and leaves no gap", async () => {
  const lab = await startLab(tmp);
  try {
    const now = new Date();
    const stranger = await issue({ subject: 'CN=stranger', notBefore: new Date(now.getTime() - 86_400_000), notAfter: new Date(now.getTime() + 86_400_000 * 30), eku: ['clientAuth'] });
    const report = await audit({ topology: lab.topology, cwd: tmp, resolve: lab.resolve, timeoutMs: 3000, clientCertificate: { cert: stranger.pem, key: await privateKeyPem(stranger.keys) } });
    const rejected = report.findings.filter((f) => f.rule === 'live/client-cert-rejected');
    expect(rejected.map((f) => f.target).sort()).toEqual(['broker-drifted', 'broker-healthy']);
    expect(rejected[0]!.message).toMatch(/refused the probe's client certificate at broker-\w+\.rc-lab\.test:8883 via 127\.0\.0\.1:\d+ \(--resolve\): (the server ended the handshake with a TLS alert \(.+\)|the server closed the connection right after the handshake, without a TLS alert)$/);
    // Only the dead broker is unreachable, and only it is a gap.
    expect(report.findings.filter((f) => f.rule === 'live/unreachable').map((f) => f.target)).toEqual(['broker-dead']);
    expect(report.incomplete!.map((g) => g.target)).toEqual(['broker-dead']);
    expect(report.observations!.endpoints.filter((e) => !e.sniFor).map((e) => `${e.target} ${e.clientCertificate}`)).toEqual([
      'broker-healthy rejected',
      'broker-drifted rejected',
      'broker-no-mtls accepted',
      'broker-dead undefined',
    ]);
    expect(report.rules!.find((r) => r.id === 'live/client-cert-rejected')!.status).toBe('ran');
  } finally {
    await lab.stop();
  }
});

// The background signature checks (src/sources/signatures.ts) fill Certificate.isSignedBy's cache
// from a worker thread. They must never change an answer: every pair they answer is compared with an
// independent inline verification on fresh Certificate objects, including a tampered signature, a
// same-name CA with another key, RSA and Ed25519.
import { beforeAll, describe, expect, it, vi } from 'vitest';
import { Certificate, certificatePool } from '../../src/pki/cert.ts';
import { issue } from '../../src/pki/generate.ts';
import { couldIssue } from '../../src/pki/issuers.ts';
import { SignaturePrefetch } from '../../src/sources/signatures.ts';
import { Background } from '../../src/sources/background.ts';

const T0 = new Date('2026-12-01T00:00:00Z');
const LONG = { notBefore: new Date(T0.getTime() - 86_400_000), notAfter: new Date(T0.getTime() + 365 * 86_400_000) };

/** Chain files as a source reads them: each a list of DER certificates, leaf first. */
let files: Uint8Array[][];

beforeAll(async () => {
  const root = await issue({ subject: 'CN=Sig Root', ca: true, ...LONG });
  const ec = await issue({ subject: 'CN=Sig EC CA', issuer: root, ca: { pathLen: 0 }, ...LONG });
  const decoy = await issue({ subject: 'CN=Sig EC CA', issuer: root, ca: { pathLen: 0 }, ...LONG }); // same name, another key
  const rsa = await issue({ subject: 'CN=Sig RSA CA', issuer: root, key: 'rsa-2048', ca: { pathLen: 0 }, ...LONG });
  const ed = await issue({ subject: 'CN=Sig Ed CA', key: 'ed25519', ca: true, ...LONG });
  const leaves = await Promise.all(Array.from({ length: 10 }, (_, i) => issue({ subject: `CN=leaf-${i}.example`, issuer: ec, dns: [`leaf-${i}.example`], ...LONG })));
  const tampered = new Uint8Array(leaves[0]!.cert.der);
  tampered[tampered.length - 1] = tampered[tampered.length - 1]! ^ 0x01; // still DER, no longer the CA's signature
  const byDecoy = await issue({ subject: 'CN=decoy.example', issuer: decoy, ...LONG });
  const byRsa = await issue({ subject: 'CN=rsa.example', issuer: rsa, ...LONG });
  const byEd = await issue({ subject: 'CN=ed.example', issuer: ed, key: 'ed25519', ...LONG });
  files = [
    [root.cert.der],
    ...leaves.map((l) => [l.cert.der, ec.cert.der]),
    [tampered, ec.cert.der, decoy.cert.der],
    [byDecoy.cert.der, ec.cert.der, decoy.cert.der],
    [byRsa.cert.der, rsa.cert.der],
    [byEd.cert.der, ed.cert.der],
  ];
});

/** Every (certificate, candidate issuer) pair among the pooled certificates that names allow. */
function pairs(certs: Certificate[]): [Certificate, Certificate][] {
  return certs.flatMap((c) => certs.filter((i) => couldIssue(i, c)).map((i): [Certificate, Certificate] => [c, i]));
}

function readAll(prefetch: SignaturePrefetch): Certificate[] {
  const parse = certificatePool();
  const all = new Set<Certificate>();
  for (const file of files) {
    const certs = file.map(parse);
    certs.forEach((c) => all.add(c));
    prefetch.add(certs);
  }
  return [...all];
}

describe('signature checks in the background', () => {
  it('answers every pair exactly as an inline verification does', async () => {
    const prefetch = new SignaturePrefetch({ batch: 3 });
    const certs = readAll(prefetch);
    await prefetch.settled();
    expect(prefetch.threaded).toBe(true);
    const checked = pairs(certs);
    expect(checked.length).toBeGreaterThan(15);
    let negatives = 0;
    for (const [cert, issuer] of checked) {
      // Answered by the worker: nothing left to check, and isSignedBy does not verify again.
      expect(cert.signatureCheck(issuer), `${cert.subjectName} by ${issuer.subjectName}`).toBeUndefined();
      const inline = new Certificate(cert.der).isSignedBy(new Certificate(issuer.der));
      expect(cert.isSignedBy(issuer), `${cert.subjectName} by ${issuer.subjectName}`).toBe(inline);
      if (!inline) negatives++;
    }
    // The tampered leaf fails against its real CA (the decoy is told apart by key identifiers).
    expect(negatives).toBeGreaterThanOrEqual(1);
    const tampered = certs.find((c) => c.subjectName === 'CN=leaf-0.example' && !c.isSignedBy(certs.find((i) => i.subjectName === 'CN=Sig EC CA' && couldIssue(i, c))!));
    expect(tampered).toBeDefined();
  });

  it('starts no thread for an estate smaller than one batch', async () => {
    const prefetch = new SignaturePrefetch();
    const certs = readAll(prefetch);
    await prefetch.settled();
    expect(prefetch.threaded).toBe(false);
    for (const [cert, issuer] of pairs(certs)) expect(cert.isSignedBy(issuer)).toBe(new Certificate(cert.der).isSignedBy(new Certificate(issuer.der)));
  });

  it('leaves whatever a stopped worker did not answer to isSignedBy', async () => {
    const prefetch = new SignaturePrefetch({ batch: 1 });
    const certs = readAll(prefetch);
    prefetch.close(); // as when reading fails half-way
    await prefetch.settled();
    for (const [cert, issuer] of pairs(certs)) expect(cert.isSignedBy(issuer)).toBe(new Certificate(cert.der).isSignedBy(new Certificate(issuer.der)));
  });

  it('shares the thread reading files ahead, and verifies on the main thread what the thread had not started', async () => {
    const thread = new Background();
    const recorded = vi.spyOn(Certificate.prototype, 'recordSignedBy');
    const handedOut = vi.spyOn(Certificate.prototype, 'signatureCheck');
    try {
      const prefetch = new SignaturePrefetch({ batch: 1, thread });
      const certs = readAll(prefetch);
      const checks = handedOut.mock.results.filter((r) => r.value !== undefined).length;
      handedOut.mockRestore();
      expect(checks).toBeGreaterThan(10);
      await prefetch.settled();
      expect(thread.alive).toBe(true); // a shared thread is its owner's to stop
      // Four one-check batches were handed to the thread at once; the rest waited, and the main thread
      // took them when reading ended, while the thread answered what it had.
      expect(recorded.mock.calls.length).toBeGreaterThanOrEqual(1);
      expect(recorded.mock.calls.length).toBeLessThan(checks);
      recorded.mockRestore();
      for (const [cert, issuer] of pairs(certs)) expect(cert.isSignedBy(issuer)).toBe(new Certificate(cert.der).isSignedBy(new Certificate(issuer.der)));
    } finally {
      recorded.mockRestore();
      handedOut.mockRestore();
      thread.close();
    }
    expect(thread.alive).toBe(false);
  });
});

// The TLS probe against servers that fail mid-conversation (test/helpers/faults.ts): each failure
// is an observation with a reason specific enough to act on, and every one ends within the timeout.
import { beforeAll, describe, expect, it } from 'vitest';
import { endpointFor, probeTls, type ProbeOptions } from '../../src/sources/tls-probe.ts';
import { Resolver } from '../../src/sources/resolve.ts';
import type { Issued } from '../../src/pki/generate.ts';
import type { TlsObservation } from '../../src/model/types.ts';
import { garbageAfterHandshake, resettingServer, stallingServer } from '../helpers/faults.ts';
import { testPki, type Pki } from '../helpers/estate.ts';

const FQDN = 'broker-us-1.company.com';
let pki: Pki;
let leaf: Issued;

beforeAll(async () => {
  pki = await testPki();
  leaf = await pki.server(FQDN);
});

function probe(port: number, o: Partial<ProbeOptions> = {}): Promise<TlsObservation> {
  const endpoint = endpointFor(FQDN, 443, FQDN, undefined, new Resolver([{ host: FQDN, port: 443, address: '127.0.0.1', connectPort: port }]));
  return probeTls(endpoint, { timeoutMs: 2000, clientAuth: true, ...o });
}

/** The probe's result and how long it took. */
async function timed(p: Promise<TlsObservation>): Promise<[TlsObservation, number]> {
  const started = Date.now();
  const o = await p;
  return [o, Date.now() - started];
}

describe('TLS probe: servers that fail mid-handshake', () => {
  it('a reset right after the ClientHello: unreachable, "reset during the handshake", at once', async () => {
    const server = await resettingServer();
    const [o, ms] = await timed(probe(server.port));
    expect(o.outcome).toEqual({
      kind: 'unreachable',
      stage: 'handshake',
      reason: 'the server reset the connection during the TLS handshake, before answering the ClientHello',
    });
    expect(o.served).toEqual([]);
    expect(ms).toBeLessThan(1000);
  });

  for (const version of ['TLSv1.2', 'TLSv1.3'] as const) {
    it(`${version}: a ServerHello and then silence: unreachable after the timeout, naming what did arrive`, async () => {
      const server = await stallingServer({ leaf, chain: [pki.serverCa] }, { maxVersion: version });
      const [o, ms] = await timed(probe(server.port, { timeoutMs: 400 }));
      expect(o.outcome).toEqual({
        kind: 'unreachable',
        stage: 'handshake',
        reason: `the server sent its ServerHello (${version}) but did not complete the TLS handshake within 400 ms`,
      });
      expect(o.served).toEqual([]); // TLS 1.2 sends the Certificate after the ServerHello: the relay never passes it on
      expect(ms).toBeGreaterThanOrEqual(390);
      expect(ms).toBeLessThan(1400);
    }, 10_000);
  }

  it('a handshake, then bytes that are not TLS: client authentication cannot be proven, never "accepted"', async () => {
    const server = await garbageAfterHandshake({ leaf, chain: [pki.serverCa] });
    const [o, ms] = await timed(probe(server.port));
    expect(o.certificateRequested).toBe(true);
    expect(o.served.map((c) => c.fingerprint)).toEqual([leaf.cert.fingerprint, pki.serverCa.cert.fingerprint]);
    expect(o.outcome).toEqual({ kind: 'closed', afterApplicationData: false, evidence: 'the connection failed without a TLS alert (bad record type)' });
    expect(ms).toBeLessThan(1500);
  });

  it('a name that does not resolve: unreachable at connect, "DNS: no such host", without touching the network', async () => {
    // RFC 6761: .invalid never resolves; the resolver answers from its own knowledge.
    const endpoint = endpointFor('broker-9.rc.invalid', 443, 'broker-9.rc.invalid', undefined, new Resolver());
    const [o, ms] = await timed(probeTls(endpoint, { timeoutMs: 3000, clientAuth: false }));
    expect(endpoint.via).toBe('dns');
    expect(o.outcome.kind).toBe('unreachable');
    expect(o.outcome).toMatchObject({ stage: 'connect' });
    // A resolver that is itself unreachable answers "temporary failure", or never (then the timeout).
    expect(o.outcome.kind === 'unreachable' && o.outcome.reason).toMatch(/^(DNS: no such host|DNS lookup failed \(temporary failure\)|no TCP connection within 3000 ms)$/);
    expect(ms).toBeLessThan(3500);
  });
});

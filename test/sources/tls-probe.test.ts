// TLS probes against real servers on loopback: Node TLS 1.2/1.3 servers, mosquitto and haproxy.
import { beforeAll, describe, expect, it } from 'vitest';
import { endpointFor, probeTls, type ProbeOptions } from '../../src/sources/tls-probe.ts';
import { Resolver } from '../../src/sources/resolve.ts';
import { issue, privateKeyPem, type Issued } from '../../src/pki/generate.ts';
import type { TlsObservation } from '../../src/model/types.ts';
import net from 'node:net';
import { closedPort, haproxy, mosquitto, nodeTlsServer, silentServer } from '../helpers/servers.ts';
import { days, testPki, type Pki } from '../helpers/estate.ts';

const FQDN = 'broker-us-1.company.com';
let pki: Pki;
let leaf: Issued;
let probeClient: Issued;

beforeAll(async () => {
  pki = await testPki();
  leaf = await pki.server(FQDN);
  probeClient = await pki.client('rc-policy-probe');
});

/** Probes FQDN:443, sent to 127.0.0.1:port as --resolve would. */
function probe(port: number, o: Partial<ProbeOptions> = {}, host = FQDN): Promise<TlsObservation> {
  const endpoint = endpointFor(host, 443, FQDN, undefined, new Resolver([{ host, port: 443, address: '127.0.0.1', connectPort: port }]));
  return probeTls(endpoint, { timeoutMs: 2000, clientAuth: true, ...o });
}

const subjects = (o: TlsObservation) => o.served.map((c) => c.subjectName);
const clientCert = async () => ({ cert: probeClient.pem + pki.clientCa.pem, key: await privateKeyPem(probeClient.keys) });

describe('TLS probe: the served chain, exactly as sent', () => {
  for (const version of ['TLSv1.2', 'TLSv1.3'] as const) {
    it(`${version}: records every certificate in the server's own order, and the SNI it sent`, async () => {
      const stray = await issue({ subject: 'CN=Unrelated', notBefore: days(-1), notAfter: days(10) });
      // Out of order and with a stray certificate: Node's getPeerCertificate() would reorder and drop.
      const server = await nodeTlsServer({ leaf, chain: [pki.root, pki.serverCa, stray], maxVersion: version, minVersion: version });
      const o = await probe(server.port, { clientAuth: false });
      expect(o.outcome).toEqual({ kind: 'accepted', evidence: 'the handshake completed' });
      expect(o.protocol).toBe(version);
      expect(o.served.map((c) => c.fingerprint)).toEqual([leaf, pki.root, pki.serverCa, stray].map((c) => c.cert.fingerprint));
      expect(o.endpoint).toMatchObject({ host: FQDN, servername: FQDN, via: 'resolve', address: '127.0.0.1', connectPort: server.port });
    });
  }

  for (const suite of ['TLS_AES_128_GCM_SHA256', 'TLS_AES_256_GCM_SHA384', 'TLS_CHACHA20_POLY1305_SHA256']) {
    it(`reads the encrypted TLS 1.3 Certificate message under ${suite}`, async () => {
      const server = await nodeTlsServer({ leaf, chain: [pki.serverCa], minVersion: 'TLSv1.3', ciphers: suite });
      const o = await probe(server.port, { clientAuth: false });
      expect(subjects(o)).toEqual([leaf.cert.subjectName, pki.serverCa.cert.subjectName]);
    });
  }

  it('reads the chain after a HelloRetryRequest (the server wants a key share the client did not send)', async () => {
    const server = await nodeTlsServer({ leaf, chain: [pki.serverCa], minVersion: 'TLSv1.3', ecdhCurve: 'P-384' });
    const o = await probe(server.port, { clientAuth: false });
    expect(o.served.map((c) => c.fingerprint)).toEqual([leaf.cert.fingerprint, pki.serverCa.cert.fingerprint]);
  });

  it('reads an RSA server over TLS 1.2', async () => {
    const rsa = await pki.server(FQDN, { key: 'rsa-2048' });
    const server = await nodeTlsServer({ leaf: rsa, chain: [pki.serverCa], maxVersion: 'TLSv1.2' });
    expect((await probe(server.port, { clientAuth: false })).served[0]!.fingerprint).toBe(rsa.cert.fingerprint);
  });
});

describe('TLS probe: client authentication', () => {
  for (const version of ['TLSv1.2', 'TLSv1.3'] as const) {
    it(`${version}: a server that requires a client certificate rejects the probe without one, with an alert`, async () => {
      const server = await nodeTlsServer({ leaf, chain: [pki.serverCa], clientCa: [pki.root], maxVersion: version });
      const o = await probe(server.port);
      expect(o.outcome.kind).toBe('rejected');
      expect(o.certificateRequested).toBe(true);
      expect(o.served[0]!.fingerprint).toBe(leaf.cert.fingerprint);
    });

    it(`${version}: the same server accepts the probe's client certificate`, async () => {
      const server = await nodeTlsServer({ leaf, chain: [pki.serverCa], clientCa: [pki.root], maxVersion: version });
      const o = await probe(server.port, { clientCertificate: await clientCert() });
      expect(o.outcome.kind).toBe('accepted');
    });

    it(`${version}: a server that only requests a certificate takes application data without one`, async () => {
      const server = await nodeTlsServer({ leaf, chain: [pki.serverCa], clientCa: [pki.root], clientAuth: 'optional', maxVersion: version });
      const o = await probe(server.port, { timeoutMs: 800 });
      expect(o.certificateRequested).toBe(true);
      expect(o.outcome.kind).toBe('accepted');
    });
  }

  it('a server that never asks for a client certificate is recorded as such', async () => {
    const server = await nodeTlsServer({ leaf, chain: [pki.serverCa] });
    const o = await probe(server.port);
    expect(o).toMatchObject({ certificateRequested: false, outcome: { kind: 'accepted', evidence: 'the server did not request a client certificate' } });
  });

  it('mosquitto with require_certificate true: rejects the probe without a certificate, accepts it with one', async () => {
    const broker = await mosquitto({ leaf, chain: [pki.serverCa], clientCa: [pki.root, pki.clientCa], requireCertificate: true });
    const anonymous = await probe(broker.port);
    expect(anonymous.outcome).toMatchObject({ kind: 'rejected', alert: expect.stringMatching(/alert/) });
    expect(subjects(anonymous)).toEqual([leaf.cert.subjectName, pki.serverCa.cert.subjectName]);
    const withCert = await probe(broker.port, { clientCertificate: await clientCert() });
    expect(withCert.outcome.kind).toMatch(/^(accepted|closed)$/);
    expect(withCert.outcome.kind === 'closed' && !withCert.outcome.afterApplicationData).toBe(false);
  });

  it('mosquitto with require_certificate false: completes the handshake without asking', async () => {
    const broker = await mosquitto({ leaf, chain: [pki.serverCa], clientCa: [pki.root, pki.clientCa], requireCertificate: false });
    const o = await probe(broker.port);
    expect(o).toMatchObject({ certificateRequested: false, outcome: { kind: 'accepted' } });
  });
});

describe('TLS probe: load balancers (haproxy)', () => {
  it('through haproxy in mode tcp, the backend\'s own chain arrives unchanged', async () => {
    const backend = await nodeTlsServer({ leaf, chain: [pki.serverCa], clientCa: [pki.root] });
    const lb = await haproxy({ backends: [backend.port] });
    const o = await probe(lb.port, { clientAuth: false }, 'slb-us.company.com');
    expect(o.served.map((c) => c.fingerprint)).toEqual([leaf.cert.fingerprint, pki.serverCa.cert.fingerprint]);
  });

  it('through a haproxy that terminates TLS, its own certificate arrives', async () => {
    const backend = await nodeTlsServer({ leaf, chain: [pki.serverCa] });
    const own = await issue({ subject: 'CN=slb-us.company.com', dns: ['slb-us.company.com'], notBefore: days(-1), notAfter: days(30) });
    const lb = await haproxy({ backends: [backend.port], terminate: { leaf: own } });
    const o = await probe(lb.port, { clientAuth: false }, 'slb-us.company.com');
    expect(o.served.map((c) => c.fingerprint)).toEqual([own.cert.fingerprint]);
  });
});

describe('TLS probe: unreachable endpoints, always within the timeout', () => {
  it('a closed port: connection refused', async () => {
    const o = await probe(await closedPort());
    expect(o.outcome).toEqual({ kind: 'unreachable', stage: 'connect', reason: 'connection refused' });
    expect(o.served).toEqual([]);
  });

  it('a port that accepts TCP but never speaks TLS: no handshake within the timeout', async () => {
    const server = await silentServer();
    const started = Date.now();
    const o = await probe(server.port, { timeoutMs: 300 });
    expect(Date.now() - started).toBeLessThan(1500);
    expect(o.outcome).toEqual({ kind: 'unreachable', stage: 'handshake', reason: 'no TLS handshake within 300 ms (the port accepts TCP connections)' });
  });

  it('a port that speaks something else than TLS', async () => {
    const server = net.createServer((s) => s.end('HTTP/1.1 400 Bad Request\r\n\r\n'));
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    const o = await probe((server.address() as net.AddressInfo).port);
    server.close();
    expect(o.outcome).toMatchObject({ kind: 'unreachable', stage: 'handshake', reason: expect.stringMatching(/^TLS handshake failed: /) });
  });
});

// Servers that fail in the ways a live estate does, on loopback, for the fault tests of
// `rc-policy audit` (ADR 0070): one that resets the connection as soon as the ClientHello arrives,
// one that answers with a real ServerHello and then goes quiet forever, and one that completes a
// real handshake and then sends bytes that are not TLS. They sit next to test/helpers/servers.ts
// (real Node TLS servers, mosquitto, haproxy) and are stopped the same way, after the test file.
import net from 'node:net';
import tls from 'node:tls';
import { afterAll } from 'vitest';
import { privateKeyPem } from '../../src/pki/generate.ts';
import type { Running, ServerIdentity } from './servers.ts';

const stops: (() => Promise<void>)[] = [];
afterAll(async () => {
  await Promise.all(stops.splice(0).map((s) => s().catch(() => undefined)));
});

/** Listens on 127.0.0.1, tracks its sockets, and registers its stop for the end of the file. */
async function serve(server: net.Server): Promise<Running> {
  const sockets = new Set<net.Socket>();
  server.on('connection', (s: net.Socket) => {
    sockets.add(s);
    s.on('error', () => undefined);
    s.on('close', () => sockets.delete(s));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const stop = async () => {
    for (const s of sockets) s.destroy();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  };
  stops.push(stop);
  return { port: (server.address() as net.AddressInfo).port, stop };
}

/** Reads the ClientHello, then resets the connection (TCP RST): a crashing or hostile TLS stack. */
export function resettingServer(): Promise<Running> {
  return serve(net.createServer((s) => s.once('data', () => s.resetAndDestroy())));
}

/**
 * A real TLS server behind a relay that passes the client's bytes on, but of the server's only the
 * first TLS record — its ServerHello — and then nothing, ever: a server (or a middlebox) that
 * stalls mid-handshake. The probe must give up after its timeout, knowing the server did answer.
 */
export async function stallingServer(identity: ServerIdentity, o: { maxVersion?: tls.SecureVersion } = {}): Promise<Running> {
  const real = tls.createServer({
    cert: identity.leaf.pem + (identity.chain ?? []).map((c) => c.pem).join(''),
    key: await privateKeyPem(identity.leaf.keys),
    ...(o.maxVersion && { maxVersion: o.maxVersion }),
  });
  real.on('tlsClientError', () => undefined);
  const upstream = await serve(real);
  return serve(
    net.createServer((client) => {
      const server = net.connect(upstream.port, '127.0.0.1');
      server.on('error', () => client.destroy());
      client.on('close', () => server.destroy());
      client.pipe(server);
      let pending = Buffer.alloc(0);
      let relayed = false;
      server.on('data', (chunk: Buffer) => {
        if (relayed) return;
        pending = Buffer.concat([pending, chunk]);
        if (pending.length < 5 || pending.length < 5 + pending.readUInt16BE(3)) return;
        relayed = true;
        client.write(pending.subarray(0, 5 + pending.readUInt16BE(3)));
      });
    }),
  );
}

/**
 * Completes a real handshake (asking for a client certificate, accepting none), then writes bytes
 * that are not a TLS record on the raw connection: a broken TLS terminator or a port shared with
 * another protocol. Without an alert, the probe cannot tell whether the server enforces client
 * authentication: it must say so, never pass it.
 */
export async function garbageAfterHandshake(identity: ServerIdentity): Promise<Running> {
  const secureContext = tls.createSecureContext({ cert: identity.leaf.pem + (identity.chain ?? []).map((c) => c.pem).join(''), key: await privateKeyPem(identity.leaf.keys) });
  return serve(
    net.createServer((raw) => {
      const t = new tls.TLSSocket(raw, { isServer: true, secureContext, requestCert: true, rejectUnauthorized: false });
      t.on('error', () => undefined);
      t.on('secure', () => raw.write('220 smtp.company.com ESMTP ready\r\n'));
    }),
  );
}

/**
 * Relays the first connection to a real server on `upstreamPort`, then stops listening: later
 * connections are refused. A broker that goes away between two probes (a restart, a failover).
 */
export function oneShotServer(upstreamPort: number): Promise<Running> {
  let served = false;
  const server: net.Server = net.createServer((client) => {
    if (served) return client.destroy();
    served = true;
    server.close();
    const upstream = net.connect(upstreamPort, '127.0.0.1');
    upstream.on('error', () => client.destroy());
    client.on('close', () => upstream.destroy());
    client.pipe(upstream).pipe(client);
  });
  return serve(server);
}

// The lab's live estate: real Node TLS servers and a layer-4 TCP relay on loopback. Keys are handed
// to the TLS stack in memory; nothing here writes a file.
import net from 'node:net';
import tls from 'node:tls';

export interface Listening {
  readonly port: number;
  stop(): Promise<void>;
}

/** Listens on 127.0.0.1 (an ephemeral port); stopping destroys open sockets first so close() cannot wait on them. */
async function listen(server: net.Server): Promise<Listening> {
  const sockets = new Set<net.Socket>();
  server.on('connection', (s: net.Socket) => {
    sockets.add(s);
    s.on('close', () => sockets.delete(s));
    s.on('error', () => undefined);
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', resolve);
  });
  return {
    port: (server.address() as net.AddressInfo).port,
    stop: async () => {
      for (const s of sockets) s.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

export interface TlsServerOptions {
  /** PEM: the leaf, then the chain it serves. */
  readonly chain: string;
  readonly key: string;
  /** PEM of the CAs client certificates must chain to; absent = the server never asks for one. */
  readonly clientCa?: string;
}

/** A broker stand-in: a TLS server that requires (or never asks for) a client certificate and discards what it reads. */
export function tlsServer(o: TlsServerOptions): Promise<Listening> {
  const server = tls.createServer({
    cert: o.chain,
    key: o.key,
    ...(o.clientCa && { ca: o.clientCa, requestCert: true, rejectUnauthorized: true }),
  });
  server.on('secureConnection', (s) => {
    s.on('data', () => undefined);
    s.on('error', () => undefined);
  });
  server.on('tlsClientError', () => undefined);
  return listen(server);
}

/** A layer-4 load balancer: relays TCP to one backend port unchanged, so TLS passes through. */
export function tcpRelay(backendPort: number): Promise<Listening> {
  const server = net.createServer((client) => {
    const upstream = net.connect({ host: '127.0.0.1', port: backendPort });
    client.pipe(upstream).pipe(client);
    const close = () => {
      client.destroy();
      upstream.destroy();
    };
    client.on('error', close);
    upstream.on('error', close);
    client.on('close', close);
    upstream.on('close', close);
  });
  return listen(server);
}

/** A port that was free a moment ago and that nothing listens on: connections are refused. */
export async function deadPort(): Promise<number> {
  const l = await listen(net.createServer());
  await l.stop();
  return l.port;
}

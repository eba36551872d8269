// Real TLS servers on loopback for the live tests: Node TLS servers, mosquitto and haproxy started
// with generated configs on ephemeral ports, a port that accepts TCP but never speaks TLS, and a
// closed port. Keys go to a private temp folder (0600) only for the external daemons and are
// deleted with it; every process started here is stopped by its own handle.
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { chmod, mkdtemp, rm, writeFile } from 'node:fs/promises';
import net from 'node:net';
import { tmpdir, userInfo } from 'node:os';
import path from 'node:path';
import tls from 'node:tls';
import { afterAll } from 'vitest';
import { privateKeyPem, type Issued } from '../../src/pki/generate.ts';

export interface Running {
  readonly port: number;
  stop(): Promise<void>;
}

const cleanups: (() => Promise<void>)[] = [];
afterAll(async () => {
  await Promise.all(cleanups.splice(0).map((c) => c().catch(() => undefined)));
});

/** A served chain and its key: the leaf's Issued plus the certificates sent after it. */
export interface ServerIdentity {
  readonly leaf: Issued;
  readonly chain?: readonly Issued[];
}

const chainPem = (id: ServerIdentity) => id.leaf.pem + (id.chain ?? []).map((c) => c.pem).join('');

export async function freePort(): Promise<number> {
  const server = net.createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as net.AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

/** A port nothing listens on: connections are refused. */
export const closedPort = freePort;

async function privateDir(): Promise<string> {
  const dir = await mkdtemp(path.join(tmpdir(), 'rc-policy-live-'));
  await chmod(dir, 0o700);
  cleanups.push(() => rm(dir, { recursive: true, force: true }));
  return dir;
}

async function writePrivate(dir: string, name: string, content: string): Promise<string> {
  const file = path.join(dir, name);
  await writeFile(file, content, { mode: 0o600 });
  return file;
}

export interface NodeServerOptions extends ServerIdentity {
  /** CA certificates the server accepts client certificates from. */
  readonly clientCa?: readonly Issued[];
  /** 'required' (default when clientCa is given), 'optional' (request, accept none), 'none'. */
  readonly clientAuth?: 'required' | 'optional' | 'none';
  readonly minVersion?: tls.SecureVersion;
  readonly maxVersion?: tls.SecureVersion;
  readonly ciphers?: string;
  /** Key exchange groups the server accepts (a group the client did not send a share for forces a HelloRetryRequest). */
  readonly ecdhCurve?: string;
}

/** A Node TLS server on 127.0.0.1 that reads and discards application data. */
export async function nodeTlsServer(o: NodeServerOptions): Promise<Running> {
  const mode = o.clientAuth ?? (o.clientCa ? 'required' : 'none');
  const server = tls.createServer({
    cert: chainPem(o),
    key: await privateKeyPem(o.leaf.keys),
    ...(o.clientCa && { ca: o.clientCa.map((c) => c.pem) }),
    requestCert: mode !== 'none',
    rejectUnauthorized: mode === 'required',
    ...(o.minVersion && { minVersion: o.minVersion }),
    ...(o.maxVersion && { maxVersion: o.maxVersion }),
    ...(o.ciphers && { ciphers: o.ciphers }),
    ...(o.ecdhCurve && { ecdhCurve: o.ecdhCurve }),
  });
  const sockets = new Set<net.Socket>();
  server.on('secureConnection', (s) => {
    s.on('data', () => undefined);
    s.on('error', () => undefined);
  });
  server.on('connection', (s) => {
    sockets.add(s);
    s.on('close', () => sockets.delete(s));
  });
  server.on('tlsClientError', () => undefined);
  return listenTracked(server, sockets);
}

/** Listens on a loopback port; stopping destroys the open sockets first, so close() cannot wait on them. */
async function listenTracked(server: net.Server, sockets: Set<net.Socket>): Promise<Running> {
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const stop = async () => {
    for (const s of sockets) s.destroy();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  };
  cleanups.push(stop);
  return { port: (server.address() as net.AddressInfo).port, stop };
}

/** Accepts TCP connections and never sends a byte. */
export async function silentServer(): Promise<Running> {
  const sockets = new Set<net.Socket>();
  const server = net.createServer((s) => {
    sockets.add(s);
    s.on('error', () => undefined);
  });
  return listenTracked(server, sockets);
}

/** Fails (never skips) with a message saying how to get the binary. */
export function requireBinary(name: 'mosquitto' | 'haproxy'): string {
  for (const dir of [...(process.env.PATH ?? '').split(':'), '/usr/sbin', '/usr/local/sbin', '/sbin']) {
    const file = path.join(dir, name);
    if (dir && existsSync(file)) return file;
  }
  throw new Error(`${name} is not installed: the live tests need a real ${name} (apt-get install -y ${name}; .ci/run installs it)`);
}

async function waitForPort(port: number, child: ChildProcess, output: () => string, name: string): Promise<void> {
  const deadline = Date.now() + 10_000;
  for (;;) {
    if (child.exitCode !== null || child.signalCode !== null) throw new Error(`${name} exited (${child.exitCode ?? child.signalCode}): ${output().trim()}`);
    const open = await new Promise<boolean>((resolve) => {
      const s = net.connect({ host: '127.0.0.1', port }, () => {
        s.destroy();
        resolve(true);
      });
      s.on('error', () => resolve(false));
    });
    if (open) return;
    if (Date.now() > deadline) throw new Error(`${name} did not listen on 127.0.0.1:${port} within 10 s: ${output().trim()}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

async function daemon(name: 'mosquitto' | 'haproxy', args: (port: number) => Promise<string[]>): Promise<Running> {
  const binary = requireBinary(name);
  for (let attempt = 1; ; attempt++) {
    const port = await freePort();
    const child = spawn(binary, await args(port), { stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    child.stdout!.on('data', (d) => (output += d));
    child.stderr!.on('data', (d) => (output += d));
    const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
    const stop = async () => {
      if (child.exitCode === null && child.signalCode === null) {
        child.kill('SIGTERM');
        const killer = setTimeout(() => child.kill('SIGKILL'), 3000);
        await exited;
        clearTimeout(killer);
      }
    };
    try {
      await waitForPort(port, child, () => output, name);
      cleanups.push(stop);
      return { port, stop };
    } catch (err) {
      await stop();
      // Another process may have taken the port between freePort() and the daemon's bind.
      if (attempt < 3 && /address already in use|cannot bind/i.test(output)) continue;
      throw err;
    }
  }
}

export interface MosquittoOptions extends ServerIdentity {
  readonly clientCa: readonly Issued[];
  readonly requireCertificate: boolean;
}

/** mosquitto with a TLS listener (an MQTT broker, as in seed 001). */
export async function mosquitto(o: MosquittoOptions): Promise<Running> {
  const dir = await privateDir();
  const cert = await writePrivate(dir, 'server.pem', chainPem(o));
  const key = await writePrivate(dir, 'server.key', await privateKeyPem(o.leaf.keys));
  const ca = await writePrivate(dir, 'client-ca.pem', o.clientCa.map((c) => c.pem).join(''));
  return daemon('mosquitto', async (port) => {
    const conf = await writePrivate(
      dir,
      `mosquitto-${port}.conf`,
      [
        `user ${userInfo().username}`, // as root, mosquitto would otherwise switch to a user that cannot read the 0600 key
        'persistence false',
        'log_dest stderr',
        'log_type error',
        `listener ${port} 127.0.0.1`,
        `certfile ${cert}`,
        `keyfile ${key}`,
        `cafile ${ca}`,
        `require_certificate ${o.requireCertificate}`,
        'allow_anonymous true',
        '',
      ].join('\n'),
    );
    return ['-c', conf];
  });
}

export interface HaproxyOptions {
  /** Ports of the backends on 127.0.0.1 (round robin, as a layer-4 balancer spreads connections). */
  readonly backends: readonly number[];
  /** Terminate TLS with this certificate instead of passing TCP through. */
  readonly terminate?: ServerIdentity;
  /** haproxy's `balance` (default roundrobin); `source` sends every connection from 127.0.0.1 to one backend, run after run. */
  readonly balance?: 'roundrobin' | 'source';
}

/** haproxy in `mode tcp`: pass-through, or TLS termination when `terminate` is given. */
export async function haproxy(o: HaproxyOptions): Promise<Running> {
  const dir = await privateDir();
  const crt = o.terminate ? await writePrivate(dir, 'lb.pem', chainPem(o.terminate) + (await privateKeyPem(o.terminate.leaf.keys))) : undefined;
  return daemon('haproxy', async (port) => {
    const conf = await writePrivate(
      dir,
      `haproxy-${port}.cfg`,
      [
        'global',
        '  maxconn 200',
        'defaults',
        '  mode tcp',
        '  timeout connect 2s',
        '  timeout client 30s',
        '  timeout server 30s',
        'frontend fe',
        `  bind 127.0.0.1:${port}${crt ? ` ssl crt ${crt}` : ''}`,
        '  default_backend be',
        'backend be',
        `  balance ${o.balance ?? 'roundrobin'}`,
        ...o.backends.map((p, i) => `  server b${i} 127.0.0.1:${p}`),
        '',
      ].join('\n'),
    );
    return ['-db', '-f', conf];
  });
}

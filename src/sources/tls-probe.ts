// The live TLS source: real handshakes with each broker and through each load balancer frontend.
// A probe never validates what it is shown (the rules do that); it records what the server sent
// and how it treated a client without a certificate. Every phase is bounded by the timeout, so
// nothing can hang, and every failure becomes an observation with its reason (ADR 0042).
import net from 'node:net';
import tls from 'node:tls';
import { Duplex } from 'node:stream';
import { Certificate, certificatePool } from '../pki/cert.ts';
import { InputError } from '../errors.ts';
import { LIMITS } from '../limits.ts';
import type { Endpoint, FrontendProbe, LiveObservations, ServerProbe, TlsObservation, TlsOutcome } from '../model/types.ts';
import type { LivePlan } from '../topology/endpoints.ts';
import { runPool } from './pool.ts';
import { readServerFlight, serverHandshakeSecret, type ServerFlight } from './tls-transcript.ts';
import type { Resolver } from './resolve.ts';

export interface ClientCertificate {
  /** PEM: the certificate, optionally followed by its chain. */
  readonly cert: string | Buffer;
  /** PEM private key. Only ever handed to the TLS stack; never logged or reported. */
  readonly key: string | Buffer;
}

export interface ProbeOptions {
  /** Bound on the TCP connect (with DNS) and on the TLS handshake; the verdict waits are min(timeoutMs, 1 s) each. */
  readonly timeoutMs: number;
  /**
   * Learn whether the server enforces client authentication: after the handshake, wait for its
   * verdict on our certificate (or its absence), then send one byte of application data and read
   * until the server alerts, answers, closes or the wait passes. TLS 1.3 servers reject a
   * missing client certificate only after the client's handshake has completed.
   */
  readonly clientAuth: boolean;
  readonly clientCertificate?: ClientCertificate;
  /** The TLS settings to connect with (client certificate included), made once for many probes. */
  readonly secureContext?: tls.SecureContext;
  /** Parses a served certificate; a pool shares the certificates every server sends (the intermediates). */
  readonly parse?: (der: Uint8Array) => Certificate;
}

/** How long to wait after the handshake for the server's verdict, then again after application data. */
const VERDICT_GRACE_MS = 1000;

/** Throws InputError when the probe's client certificate and key cannot be used together (exit 2, before any probe). */
export function checkClientCertificate(c: ClientCertificate): void {
  // Say what is wrong with the input without quoting it: these are a key and, possibly, a PKCS#12 store.
  const text = (b: string | Buffer) => (typeof b === 'string' ? b : b.toString('latin1'));
  if (!text(c.cert).includes('-----BEGIN CERTIFICATE-----')) {
    throw new InputError("the probe's client certificate must be PEM (-----BEGIN CERTIFICATE-----); a PKCS#12 (.pfx/.p12) store is not read: export its certificate and key as PEM");
  }
  if (!/-----BEGIN (?:[A-Z]+ )?PRIVATE KEY-----/.test(text(c.key))) {
    throw new InputError("the probe's client key must be a PEM private key (-----BEGIN PRIVATE KEY-----); a PKCS#12 (.pfx/.p12) store is not read: export the key as PEM");
  }
  if (/-----BEGIN ENCRYPTED PRIVATE KEY-----|Proc-Type: 4,ENCRYPTED/.test(text(c.key))) {
    throw new InputError("the probe's client key is encrypted: rc-policy takes no passphrase; give it the key unencrypted (from a CI secret, RC_POLICY_CLIENT_KEY)");
  }
  try {
    tls.createSecureContext({ cert: c.cert, key: c.key });
  } catch (err) {
    throw new InputError(`the probe's client certificate and key cannot be used: ${tlsReason(err as NodeJS.ErrnoException)}`);
  }
}

/** Where to connect for host:port: --resolve first, then the topology's address, then DNS. */
export function endpointFor(host: string, port: number, servername: string, topologyAddress: string | undefined, resolver: Resolver): Endpoint {
  const resolved = resolver.find(host, port);
  if (resolved) return { host, port, servername, via: 'resolve', address: resolved.address, connectPort: resolved.port };
  if (topologyAddress) return { host, port, servername, via: 'topology', address: topologyAddress, connectPort: port };
  return { host, port, servername, via: 'dns', connectPort: port };
}

/** A fatal alert received from the server (OpenSSL names them "... alert <description>"). */
const isAlert = (err: NodeJS.ErrnoException & { reason?: string }): boolean => /^ERR_SSL_.*ALERT_/.test(err.code ?? '') || /\balert\b/.test(err.reason ?? '');

/** OpenSSL's own words ("tlsv13 alert certificate required"), without its error-stack noise. */
const tlsReason = (err: NodeJS.ErrnoException & { reason?: string }): string => err.reason ?? err.message.split('\n')[0]!;

const CONNECT_ERRORS: Record<string, string> = {
  ECONNREFUSED: 'connection refused',
  ECONNRESET: 'connection reset',
  ENOTFOUND: 'DNS: no such host',
  EAI_AGAIN: 'DNS lookup failed (temporary failure)',
  EHOSTUNREACH: 'host unreachable',
  ENETUNREACH: 'network unreachable',
  ETIMEDOUT: 'connection timed out',
};

const connectReason = (err: NodeJS.ErrnoException): string => CONNECT_ERRORS[err.code ?? ''] ?? err.message.split('\n')[0]!;

/**
 * Why a handshake ended before it completed, as specific as the bytes allow: a reset or a close is
 * named for what the server had sent by then (its ServerHello or nothing), so "the server resets
 * connections" and "a middlebox drops TLS" read differently.
 */
function handshakeFailure(err: NodeJS.ErrnoException & { reason?: string }, f: ServerFlight): string {
  const when = f.version ? `after its ServerHello (${f.version})` : 'before answering the ClientHello';
  if (err.code === 'ECONNRESET' && err.syscall === 'read') return `the server reset the connection during the TLS handshake, ${when}`;
  if (err.code === 'ECONNRESET' || err.code === 'EPIPE') return `the server closed the connection during the TLS handshake, ${when}`;
  return `TLS handshake failed: ${tlsReason(err)}`;
}

/** One TLS connection to an endpoint. Never rejects: every failure is an observation. */
export function probeTls(endpoint: Endpoint, options: ProbeOptions): Promise<TlsObservation> {
  return new Promise((resolve) => {
    const received: Buffer[] = [];
    let receivedBytes = 0;
    const keylog: string[] = [];
    let seen: Endpoint = endpoint;
    let socket: tls.TLSSocket | undefined;
    let handshakeDone = false;
    let wroteData = false;
    let timer: NodeJS.Timeout | undefined;
    let settled = false;

    const arm = (ms: number, onTimeout: () => void) => {
      clearTimeout(timer);
      timer = setTimeout(onTimeout, ms);
    };
    // Read once per new bytes or secrets: the handshake's end and the verdict after it read the same flight.
    let read: { bytes: number; secrets: number; flight: ServerFlight } | undefined;
    const flight = (): ServerFlight => {
      if (read?.bytes !== receivedBytes || read.secrets !== keylog.length) {
        read = { bytes: receivedBytes, secrets: keylog.length, flight: readServerFlight(Buffer.concat(received, receivedBytes), serverHandshakeSecret(keylog)) };
      }
      return read.flight;
    };

    const finish = (outcome: TlsOutcome, f: ServerFlight | undefined = socket ? flight() : undefined) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      socket?.destroy();
      raw.destroy();
      const served: Certificate[] = [];
      let final = outcome;
      if (f?.problem && outcome.kind !== 'unreachable') {
        final = { kind: 'unreachable', stage: 'certificate', reason: `cannot read the server's certificate message: ${f.problem}` };
      }
      for (const [i, der] of (f?.certificates ?? []).entries()) {
        try {
          served.push(options.parse ? options.parse(der) : new Certificate(der));
        } catch (err) {
          served.length = 0;
          final = { kind: 'unreachable', stage: 'certificate', reason: `served certificate #${i + 1} cannot be parsed: ${(err as Error).message}` };
          break;
        }
      }
      if (served.length === 0 && final.kind !== 'unreachable') {
        const reason = receivedBytes >= LIMITS.maxHandshakeBytes ? `the server's handshake exceeds ${LIMITS.maxHandshakeBytes} bytes` : 'the server sent no certificate';
        final = { kind: 'unreachable', stage: 'certificate', reason };
      }
      resolve({
        endpoint: seen,
        ...(f?.version && { protocol: f.version }),
        served,
        certificateRequested: f?.certificateRequested ?? false,
        outcome: final,
      });
    };

    const raw = net.connect({ host: endpoint.address ?? endpoint.host, port: endpoint.connectPort });
    arm(options.timeoutMs, () => finish({ kind: 'unreachable', stage: 'connect', reason: `no TCP connection within ${options.timeoutMs} ms` }));
    raw.on('error', (err: NodeJS.ErrnoException) => {
      if (!socket) finish({ kind: 'unreachable', stage: 'connect', reason: connectReason(err) });
    });
    raw.once('connect', () => {
      seen = { ...endpoint, address: raw.remoteAddress ?? endpoint.address };
      arm(options.timeoutMs, () => {
        // A server that answered and then went quiet is not the same fault as a port that never speaks TLS.
        const version = socket ? flight().version : undefined;
        const reason = version
          ? `the server sent its ServerHello (${version}) but did not complete the TLS handshake within ${options.timeoutMs} ms`
          : `no TLS handshake within ${options.timeoutMs} ms (the port accepts TCP connections)`;
        finish({ kind: 'unreachable', stage: 'handshake', reason });
      });
      try {
        socket = tls.connect({
          socket: tap(raw, (chunk) => {
            if (handshakeDone || receivedBytes >= LIMITS.maxHandshakeBytes) return;
            received.push(chunk);
            receivedBytes += chunk.length;
          }),
          servername: net.isIP(endpoint.servername) ? '' : endpoint.servername,
          rejectUnauthorized: false,
          checkServerIdentity: () => undefined,
          ...(options.secureContext
            ? { secureContext: options.secureContext }
            : options.clientCertificate && { cert: options.clientCertificate.cert, key: options.clientCertificate.key }),
        });
      } catch (err) {
        return finish({ kind: 'unreachable', stage: 'handshake', reason: `cannot start TLS: ${tlsReason(err as NodeJS.ErrnoException)}` }, undefined);
      }
      socket.on('keylog', (line: Buffer) => keylog.push(line.toString('latin1')));
      socket.on('error', (err: NodeJS.ErrnoException & { reason?: string }) => {
        if (handshakeDone) {
          if (isAlert(err)) finish({ kind: 'rejected', alert: tlsReason(err) });
          else finish({ kind: 'closed', afterApplicationData: wroteData, evidence: `the connection failed without a TLS alert (${err.reason ?? connectReason(err)})` });
          return;
        }
        const f = flight();
        if (isAlert(err) && f.certificates.length > 0 && f.certificateRequested) finish({ kind: 'rejected', alert: tlsReason(err) }, f);
        // A server that asked for a certificate, got ours and hung up mid-handshake refused it
        // without saying so (OpenSSL-based TLS 1.2 servers often do): an answer, not a gap.
        else if (options.clientCertificate && f.certificates.length > 0 && f.certificateRequested && (err.code === 'ECONNRESET' || err.code === 'EPIPE')) {
          finish({ kind: 'rejected', alert: 'none', withoutAlert: true }, f);
        }
        else finish({ kind: 'unreachable', stage: 'handshake', reason: handshakeFailure(err, f) }, f);
      });
      socket.once('secureConnect', () => {
        const f = flight();
        handshakeDone = true;
        if (!options.clientAuth) return finish({ kind: 'accepted', evidence: 'the handshake completed' }, f);
        if (!f.certificateRequested) return finish({ kind: 'accepted', evidence: 'the server did not request a client certificate' }, f);
        const s = socket!;
        s.on('session', () => finish({ kind: 'accepted', evidence: 'the server issued a session ticket after the handshake' }, f));
        s.on('data', () => finish({ kind: 'accepted', evidence: 'the server sent application data' }, f));
        const closed = () => finish({ kind: 'closed', afterApplicationData: wroteData, evidence: 'the server closed the connection without a TLS alert' }, f);
        s.on('end', closed);
        s.on('close', closed);
        // First wait for a verdict on the handshake alone: writing into a connection the server is
        // about to refuse can turn its close into a reset that swallows the alert.
        const grace = Math.min(options.timeoutMs, VERDICT_GRACE_MS);
        arm(grace, () => {
          wroteData = true;
          s.write('\n');
          arm(grace, () => finish({ kind: 'accepted', evidence: `the connection stayed open ${grace} ms after application data` }, f));
        });
      });
    });
  });
}

/**
 * A stream between the TLS socket and the TCP socket that shows `observe` every byte the server
 * sends. (A TLSSocket on a net.Socket reads the handle natively, past any 'data' listener.)
 */
function tap(raw: net.Socket, observe: (chunk: Buffer) => void): Duplex {
  const stream = new Duplex({
    read() {
      raw.resume();
    },
    write(chunk: Buffer, _encoding, callback) {
      raw.write(chunk, callback);
    },
    // TLS hands over several records at once (ChangeCipherSpec, Finished...): one system call, not one each.
    writev(chunks, callback) {
      raw.cork();
      chunks.forEach(({ chunk }, i) => raw.write(chunk, i === chunks.length - 1 ? callback : undefined));
      raw.uncork();
    },
    final(callback) {
      raw.end(callback);
    },
    destroy(err, callback) {
      raw.destroy();
      callback(err);
    },
  });
  raw.on('data', (chunk: Buffer) => {
    observe(chunk);
    if (!stream.push(chunk)) raw.pause();
  });
  raw.on('end', () => stream.push(null));
  raw.on('error', (err) => stream.destroy(err));
  raw.on('close', () => stream.destroy());
  return stream;
}

export interface EstateProbeOptions {
  readonly resolver: Resolver;
  readonly timeoutMs: number;
  /** TLS connections in flight at once. */
  readonly concurrency: number;
  readonly clientCertificate?: ClientCertificate;
  /** Called after each endpoint: (probed, total). */
  readonly onProgress?: (probed: number, total: number) => void;
  /** Parses served certificates (default: a pool for this run). */
  readonly parse?: (der: Uint8Array) => Certificate;
}

/** Probes every server of the plan directly, and every load balancer frontend in front of one. */
export async function probeEstate(plan: LivePlan, o: EstateProbeOptions): Promise<Pick<LiveObservations, 'servers' | 'frontends'>> {
  const servers = new Map<string, ServerProbe>();
  const frontends = new Array<FrontendProbe>(plan.frontends.length); // plan order, whatever finishes first
  // One TLS context per run, not per connection (each would be a new OpenSSL context), and one
  // parsed copy of each certificate servers send: at 10,000 brokers both weigh (ADR 0116).
  const parse = o.parse ?? certificatePool();
  const anonymousContext = tls.createSecureContext({});
  const clientContext = o.clientCertificate && tls.createSecureContext({ cert: o.clientCertificate.cert, key: o.clientCertificate.key });
  const shared = { parse, timeoutMs: o.timeoutMs };
  const jobs: (() => Promise<void>)[] = [
    ...plan.servers.map((server) => async () => {
      const endpoint = endpointFor(server.fqdn, server.port, server.fqdn, server.address, o.resolver);
      const anonymous = await probeTls(endpoint, { ...shared, secureContext: anonymousContext, clientAuth: server.clientAuth.required });
      const withClientCert =
        o.clientCertificate && anonymous.outcome.kind !== 'unreachable'
          ? await probeTls(endpoint, { ...shared, clientAuth: true, clientCertificate: o.clientCertificate, ...(clientContext && { secureContext: clientContext }) })
          : undefined;
      servers.set(server.id, { server: server.id, anonymous, ...(withClientCert && { withClientCert }) });
    }),
    ...plan.frontends.map((f, i) => async () => {
      const endpoint = endpointFor(f.host, f.port, f.server.fqdn, f.address, o.resolver);
      frontends[i] = { loadBalancer: f.loadBalancer.id, server: f.server.id, observation: await probeTls(endpoint, { ...shared, secureContext: anonymousContext, clientAuth: false }) };
    }),
  ];
  o.onProgress?.(0, jobs.length);
  await runPool(jobs, o.concurrency, (job) => job(), (done) => o.onProgress?.(done, jobs.length));
  return { servers, frontends };
}

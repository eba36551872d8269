// `--resolve host:port:address` as curl has it: dial `address` whenever a live source connects to
// host:port, keeping the name for SNI and certificate checks. It applies to every live connection
// (TLS probes and Key Vault). One extension: the address may carry its own port (127.0.0.1:8443,
// [::1]:8443), which curl spells --connect-to; tests point port-443 names at ephemeral ports so.
import https from 'node:https';
import net from 'node:net';
import type { Duplex } from 'node:stream';
import { InputError } from '../errors.ts';

export interface ResolveEntry {
  readonly host: string;
  readonly port: number;
  readonly address: string;
  /** Port to dial instead of `port` (the extension above). */
  readonly connectPort?: number;
}

const parsePort = (text: string, spec: string): number => {
  const n = /^\d{1,5}$/.test(text) ? Number(text) : NaN;
  if (!(n >= 1 && n <= 65535)) throw new InputError(`--resolve ${spec}: '${text}' is not a port (1-65535)`);
  return n;
};

export function parseResolve(spec: string): ResolveEntry {
  const m = /^([^:]+):([^:]+):(.+)$/.exec(spec);
  if (!m || m[1]!.startsWith('+') || m[1]!.startsWith('-')) {
    throw new InputError(`--resolve must be host:port:address, e.g. broker-us-1.company.com:443:10.0.1.4 (got '${spec}')`);
  }
  const host = m[1]!.toLowerCase().replace(/\.$/, '');
  const port = parsePort(m[2]!, spec);
  let rest = m[3]!;
  let address: string;
  let connectPort: number | undefined;
  if (rest.includes(',')) throw new InputError(`--resolve ${spec}: give one address per --resolve`);
  if (rest.startsWith('[')) {
    const close = rest.indexOf(']');
    address = rest.slice(1, close);
    rest = close < 0 ? '' : rest.slice(close + 1);
    if (rest.startsWith(':')) connectPort = parsePort(rest.slice(1), spec);
    else if (rest !== '') address = '';
  } else if (net.isIPv6(rest)) {
    address = rest;
  } else {
    const colon = rest.lastIndexOf(':');
    address = colon < 0 ? rest : rest.slice(0, colon);
    if (colon >= 0) connectPort = parsePort(rest.slice(colon + 1), spec);
  }
  if (!net.isIP(address)) throw new InputError(`--resolve ${spec}: '${address || m[3]}' is not an IPv4 or [IPv6] address`);
  return connectPort === undefined ? { host, port, address } : { host, port, address, connectPort };
}

/** Looks a host:port up in the --resolve entries (host names compare case-insensitively). */
export class Resolver {
  readonly #entries = new Map<string, ResolveEntry>();

  constructor(entries: readonly ResolveEntry[] = []) {
    for (const e of entries) this.#entries.set(`${e.host}:${e.port}`, e);
  }

  find(host: string, port: number): { address: string; port: number } | undefined {
    const e = this.#entries.get(`${host.toLowerCase().replace(/\.$/, '')}:${port}`);
    return e && { address: e.address, port: e.connectPort ?? e.port };
  }
}

/**
 * An HTTPS agent that dials --resolve addresses. The TLS checks are untouched: SNI and the
 * certificate's name check still use the requested host, against the default trust store or `ca`.
 */
export function resolvingAgent(resolver: Resolver, options: https.AgentOptions = {}): https.Agent {
  class ResolvingAgent extends https.Agent {
    override createConnection(opts: Parameters<https.Agent['createConnection']>[0], cb?: Parameters<https.Agent['createConnection']>[1]): Duplex | null | undefined {
      const o = opts as { host?: string; port?: number | string; servername?: string };
      const target = o.host ? resolver.find(o.host, Number(o.port ?? 443)) : undefined;
      const next = target ? { ...opts, host: target.address, port: target.port, servername: o.servername || o.host } : opts;
      return super.createConnection(next as typeof opts, cb);
    }
  }
  return new ResolvingAgent({ keepAlive: true, ...options });
}

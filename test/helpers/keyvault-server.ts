// A local HTTPS server speaking the subset of the Key Vault REST API that the real
// @azure/keyvault-certificates SDK uses for rc-policy: the bearer challenge, get certificate (with
// its policy), get version, list versions with nextLink paging, Key Vault error bodies — plus
// scripted faults (403, 404, 429 with or without Retry-After, 500, hangs, malformed JSON). Every
// request is logged, so tests can prove that no secret or key was ever asked for.
import { createHash } from 'node:crypto';
import https from 'node:https';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { issue, privateKeyPem, type Issued } from '../../src/pki/generate.ts';
import type { ResolveEntry } from '../../src/sources/resolve.ts';
import type { TokenCredential } from '@azure/identity';

export const TENANT = '72f988bf-0000-4000-8000-000000000001';
export const FAKE_TOKEN = 'fake-token-for-tests';

export interface LoggedRequest {
  readonly method: string;
  readonly vault: string;
  readonly path: string;
  readonly query: Readonly<Record<string, string>>;
  readonly authorized: boolean;
}

export interface FakeVersion {
  readonly der: Uint8Array;
  readonly enabled?: boolean;
  readonly created: Date;
  /** Version id (default: derived from the certificate). */
  readonly version?: string;
}

export interface FakeOptions {
  /** Versions per page of a version list (default 2, so that paging is always exercised). */
  readonly pageSize?: number;
  /** The resource the 401 challenge names (default https://vault.azure.net, as Azure does). */
  readonly resource?: string;
  /** Delay before every answer. */
  readonly delayMs?: number;
  /** The bearer token the fake accepts (default FAKE_TOKEN). */
  readonly token?: string;
}

export interface Fault {
  readonly status?: number;
  /** How many matching requests fail before the server behaves (default: all). */
  readonly times?: number;
  readonly retryAfter?: string;
  /** Never answer. */
  readonly hang?: boolean;
  /** Answer 200 with a body that is not JSON. */
  readonly malformed?: boolean;
}

interface StoredCertificate {
  versions: (FakeVersion & { version: string })[];
}

const b64url = (b: Uint8Array) => Buffer.from(b).toString('base64url');
const epoch = (d: Date) => Math.floor(d.getTime() / 1000);

/** A TokenCredential for tests: the credential is not under test, the SDK's HTTP pipeline is. */
export function fakeCredential(scopes: string[][] = []): TokenCredential {
  return {
    getToken: async (s) => {
      scopes.push([s].flat());
      return { token: FAKE_TOKEN, expiresOnTimestamp: Date.now() + 3_600_000 };
    },
  };
}

export class FakeKeyVault {
  readonly requests: LoggedRequest[] = [];
  readonly #certs = new Map<string, StoredCertificate>();
  readonly #faults = new Map<string, Fault & { seen: number }>();
  readonly #hanging = new Set<ServerResponse>();
  readonly #server: https.Server;
  readonly ca: Issued;
  readonly vaults: readonly string[];
  readonly options: FakeOptions;
  /** Most requests in flight at once, per vault. */
  readonly maxInFlight = new Map<string, number>();
  readonly #inFlight = new Map<string, number>();

  private constructor(server: https.Server, ca: Issued, vaults: readonly string[], options: FakeOptions) {
    this.#server = server;
    this.ca = ca;
    this.vaults = vaults;
    this.options = options;
  }

  get pageSize(): number {
    return this.options.pageSize ?? 2;
  }

  static async start(vaults: readonly string[], o: FakeOptions = {}): Promise<FakeKeyVault> {
    const now = Date.now();
    const ca = await issue({ subject: 'CN=Fake Key Vault Test CA', notBefore: new Date(now - 86_400_000), notAfter: new Date(now + 86_400_000), ca: true });
    const tlsCert = await issue({
      subject: `CN=${vaults[0]}.vault.azure.net`,
      issuer: ca,
      dns: vaults.map((v) => `${v}.vault.azure.net`),
      eku: ['serverAuth'],
      notBefore: new Date(now - 86_400_000),
      notAfter: new Date(now + 86_400_000),
    });
    const server = https.createServer({ cert: tlsCert.pem + ca.pem, key: await privateKeyPem(tlsCert.keys) });
    const fake = new FakeKeyVault(server, ca, vaults, o);
    server.on('request', (req, res) => {
      const vault = (req.headers.host ?? '').split('.')[0]!.toLowerCase();
      const now = (fake.#inFlight.get(vault) ?? 0) + 1;
      fake.#inFlight.set(vault, now);
      fake.maxInFlight.set(vault, Math.max(now, fake.maxInFlight.get(vault) ?? 0));
      res.on('close', () => fake.#inFlight.set(vault, fake.#inFlight.get(vault)! - 1));
      const handle = () => fake.#handle(req, res);
      if (o.delayMs) setTimeout(handle, o.delayMs);
      else handle();
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    return fake;
  }

  get port(): number {
    return (this.#server.address() as AddressInfo).port;
  }

  /** --resolve entries that send every vault's port 443 to this server. */
  resolveEntries(): ResolveEntry[] {
    return this.vaults.map((v) => ({ host: `${v}.vault.azure.net`, port: 443, address: '127.0.0.1', connectPort: this.port }));
  }

  /** Versions oldest first; the last one is the current version. */
  put(vault: string, name: string, versions: readonly FakeVersion[]): void {
    this.#certs.set(`${vault}/${name}`.toLowerCase(), {
      versions: versions.map((v) => ({ ...v, version: v.version ?? createHash('sha1').update(v.der).digest('hex').slice(0, 32) })),
    });
  }

  /** Makes requests to `vault` (and one certificate, or all with '*') fail. */
  fault(vault: string, name: string, fault: Fault): void {
    this.#faults.set(`${vault}/${name}`.toLowerCase(), { ...fault, seen: 0 });
  }

  versionId(vault: string, name: string, index: number): string {
    return this.#certs.get(`${vault}/${name}`.toLowerCase())!.versions[index]!.version;
  }

  async stop(): Promise<void> {
    for (const res of this.#hanging) res.destroy();
    this.#server.closeAllConnections();
    await new Promise<void>((resolve) => this.#server.close(() => resolve()));
  }

  #handle(req: IncomingMessage, res: ServerResponse): void {
    const url = new URL(req.url ?? '/', `https://${req.headers.host}`);
    const vault = (req.headers.host ?? '').split('.')[0]!.toLowerCase();
    const authorized = req.headers.authorization === `Bearer ${this.options.token ?? FAKE_TOKEN}`;
    const path = url.pathname.replace(/\/$/, '');
    this.requests.push({ method: req.method ?? '', vault, path, query: Object.fromEntries(url.searchParams), authorized });
    req.resume();
    if (res.destroyed) return;
    if (!url.searchParams.get('api-version')) return this.#error(res, 400, 'BadParameter', 'The api-version query parameter is required.');
    if (!authorized) {
      // The challenge the SDK's keyVaultAuthenticationPolicy answers with a token for `resource`.
      res.setHeader('WWW-Authenticate', `Bearer authorization="https://login.microsoftonline.com/${TENANT}", resource="${this.options.resource ?? 'https://vault.azure.net'}"`);
      return this.#error(res, 401, 'Unauthorized', 'AKV10000: Request is missing a Bearer or PoP token.');
    }
    const m = /^\/certificates\/([^/]+)(?:\/([^/]+))?$/.exec(path);
    if (req.method !== 'GET' || !m) return this.#error(res, 403, 'Forbidden', `rc-policy must never call ${req.method} ${path}`);
    const name = decodeURIComponent(m[1]!);
    const fault = this.#faults.get(`${vault}/${name}`.toLowerCase()) ?? this.#faults.get(`${vault}/*`);
    if (fault && fault.seen++ < (fault.times ?? Infinity)) {
      if (fault.hang) return void this.#hanging.add(res);
      if (fault.malformed) return void res.writeHead(200, { 'content-type': 'application/json' }).end('{"id": "https://x/certificates/a", "cer": ');
      if (fault.retryAfter) res.setHeader('Retry-After', fault.retryAfter);
      const status = fault.status ?? 500;
      const code = status === 429 ? 'Throttled' : status === 403 ? 'Forbidden' : 'InternalServerError';
      return this.#error(res, status, code, status === 403 ? 'Caller is not authorized to perform action on resource.' : `Injected ${status}.`);
    }
    const cert = this.#certs.get(`${vault}/${name}`.toLowerCase());
    if (!cert) return this.#error(res, 404, 'CertificateNotFound', `A certificate with (name/id) ${name} was not found in this key vault.`);
    const base = `https://${vault}.vault.azure.net`;
    const current = cert.versions.at(-1)!;
    if (m[2] === 'versions') {
      const skip = Number(url.searchParams.get('$skiptoken') ?? 0);
      const page = [...cert.versions].reverse().slice(skip, skip + this.pageSize);
      const next = skip + this.pageSize < cert.versions.length;
      return this.#json(res, {
        value: page.map((v) => ({ id: `${base}/certificates/${name}/${v.version}`, x5t: b64url(createHash('sha1').update(v.der).digest()), attributes: this.#attributes(v) })),
        nextLink: next ? `${base}/certificates/${name}/versions?api-version=${url.searchParams.get('api-version')}&$skiptoken=${skip + this.pageSize}` : null,
      });
    }
    if (m[2] === 'policy') return this.#json(res, this.#policy(base, name));
    const version = m[2] === undefined ? current : cert.versions.find((v) => v.version === m[2]);
    if (!version) return this.#error(res, 404, 'CertificateNotFound', `A certificate with (name/id) ${name}/${m[2]} was not found in this key vault.`);
    return this.#json(res, {
      id: `${base}/certificates/${name}/${version.version}`,
      kid: `${base}/keys/${name}/${version.version}`,
      sid: `${base}/secrets/${name}/${version.version}`,
      x5t: b64url(createHash('sha1').update(version.der).digest()),
      cer: Buffer.from(version.der).toString('base64'),
      attributes: this.#attributes(version),
      ...(m[2] === undefined && { policy: this.#policy(base, name) }),
      tags: {},
    });
  }

  #attributes(v: FakeVersion): object {
    return { enabled: v.enabled ?? true, created: epoch(v.created), updated: epoch(v.created), recoveryLevel: 'Recoverable+Purgeable' };
  }

  #policy(base: string, name: string): object {
    return {
      id: `${base}/certificates/${name}/policy`,
      key_props: { exportable: false, kty: 'RSA', key_size: 2048, reuse_key: false },
      secret_props: { contentType: 'application/x-pem-file' },
      x509_props: { subject: `CN=${name}`, validity_months: 12 },
      issuer: { name: 'Unknown' },
      attributes: { enabled: true },
    };
  }

  #json(res: ServerResponse, body: object): void {
    res.writeHead(200, { 'content-type': 'application/json; charset=utf-8' }).end(JSON.stringify(body));
  }

  #error(res: ServerResponse, status: number, code: string, message: string): void {
    res.writeHead(status, { 'content-type': 'application/json; charset=utf-8' }).end(JSON.stringify({ error: { code, message } }));
  }
}

// The Key Vault source: reads the certificates the topology references through the Azure SDK.
// Only certificate operations are called (get, get version, list versions): the public `cer`, its
// attributes and thumbprints. Never a secret or a key — the private key and the served chain live in
// the certificate's secret, which rc-policy must not be able to read (ADR 0043). A vault that fails
// (denied, throttled, slow, malformed) becomes a `failed` read with its reason, never a crash.
import { redact } from '../redact.ts';
import type { Agent } from 'node:http';
import type { TokenCredential } from './token-credential.ts';
import type { CertificateClient, KeyVaultCertificate as SdkCertificate, CertificateProperties } from '@azure/keyvault-certificates';
import { Certificate } from '../pki/cert.ts';
import { LIMITS } from '../limits.ts';
import { VERSION } from '../package.ts';
import { keyVaultKey } from '../model/live.ts';
import type { KeyVaultCertificate, KeyVaultRead, KeyVaultVersion } from '../model/types.ts';
import type { KeyVaultRef, Region } from '../topology/model.ts';
import { limiter } from './pool.ts';

export interface RetryOptions {
  /** Tries per request, the first included. */
  readonly attempts: number;
  /** First backoff; doubled per retry, with jitter, capped at maxDelayMs. */
  readonly baseDelayMs: number;
  readonly maxDelayMs: number;
}

export interface KeyVaultOptions {
  readonly credential: TokenCredential;
  /** HTTPS agent for the vaults (--resolve, extra CAs); the SDK's TLS checks stay on. */
  readonly agent?: Agent;
  /** Per request attempt. */
  readonly timeoutMs: number;
  /** Requests in flight per vault: Key Vault throttles per vault, so keep it low. */
  readonly perVaultConcurrency?: number;
  readonly retry?: Partial<RetryOptions>;
  /** The topology's regions: a region's keyVault.url names its vault's endpoint (sovereign clouds). */
  readonly regions: readonly Region[];
}

export const DEFAULT_RETRY: RetryOptions = { attempts: 4, baseDelayMs: 1000, maxDelayMs: 30_000 };
const DEFAULT_PER_VAULT = 4;

/** https://<vault>.vault.azure.net, unless a region declares the vault with its own URL. */
export function vaultUrl(vault: string, regions: readonly Region[]): string {
  const declared = regions.find((r) => r.keyVault?.name.toLowerCase() === vault.toLowerCase())?.keyVault?.url;
  return (declared ?? `https://${vault}.vault.azure.net`).replace(/\/$/, '');
}

/** Reads every referenced Key Vault certificate once; the result is keyed by keyVaultKey(). */
export async function readKeyVault(refs: readonly KeyVaultRef[], o: KeyVaultOptions): Promise<Map<string, KeyVaultRead>> {
  const out = new Map<string, KeyVaultRead>();
  const unique = new Map<string, KeyVaultRef>();
  for (const ref of refs) if (!unique.has(keyVaultKey(ref))) unique.set(keyVaultKey(ref), ref);
  const retry = { ...DEFAULT_RETRY, ...o.retry };
  const credential = watchCredential(o.credential);
  const timeoutReason = () =>
    credential.pending() > 0 ? `no Azure token within ${o.timeoutMs} ms: the credential did not answer` : `no answer within ${o.timeoutMs} ms`;
  const clients = new Map<string, { client: Promise<CertificateClient>; gate: VaultGate }>();
  const vaultFor = (vault: string) => {
    let v = clients.get(vault.toLowerCase());
    if (!v) {
      const gate: VaultGate = { vault, limit: limiter(o.perVaultConcurrency ?? DEFAULT_PER_VAULT), unanswered: 0 };
      v = { client: newClient(vaultUrl(vault, o.regions), credential, o.agent), gate };
      clients.set(vault.toLowerCase(), v);
    }
    return v;
  };
  await Promise.all(
    [...unique].map(async ([key, ref]) => {
      if (!ref.vault) {
        out.set(key, { status: 'not-found', vault: '', name: ref.certificate, reason: 'the reference names no vault and its region declares no Key Vault' });
        return;
      }
      const { client, gate } = vaultFor(ref.vault);
      const call = <T>(fn: (c: CertificateClient, signal: AbortSignal) => Promise<T>) =>
        withRetry(async (signal) => fn(await client, signal), retry, o.timeoutMs, timeoutReason, gate);
      out.set(key, await readCertificate(ref, ref.vault, call, credential.scrub));
    }),
  );
  return out;
}

/**
 * The run's credential, watched: it counts token requests in flight (a timeout then names the
 * credential, not the vault) and remembers every token it handed out, so that `scrub` can take
 * them out of any text — a Key Vault error body, a proxy's error page or a credential's message
 * that quotes the Authorization header must not carry the token into a report.
 */
function watchCredential(inner: TokenCredential): TokenCredential & { pending(): number; scrub(text: string): string } {
  let pending = 0;
  const tokens = new Set<string>();
  return {
    getToken: async (scopes, options) => {
      pending++;
      try {
        const token = await inner.getToken(scopes, options);
        if (token?.token) tokens.add(token.token);
        return token;
      } finally {
        pending--;
      }
    },
    pending: () => pending,
    scrub: (text) => {
      let out = text;
      for (const t of tokens) if (t.length >= 8) out = out.split(t).join('[redacted]');
      // Whatever else looks like a credential (an Authorization value, a JWT, a secret-named
      // environment variable's value): the shared redactor, so library callers get clean reports too.
      return redact(out);
    },
  };
}

async function newClient(url: string, credential: TokenCredential, agent: Agent | undefined): Promise<CertificateClient> {
  const { CertificateClient } = await import('@azure/keyvault-certificates');
  return new CertificateClient(url, credential, {
    ...(agent && { agent }),
    // Retries are ours (withRetry): the SDK's policy does not retry a 429 without Retry-After.
    retryOptions: { maxRetries: 0 },
    userAgentOptions: { userAgentPrefix: `rc-policy/${VERSION}` },
  });
}

type Call = <T>(fn: (c: CertificateClient, signal: AbortSignal) => Promise<T>) => Promise<T>;

async function readCertificate(ref: KeyVaultRef, vault: string, call: Call, scrub: (text: string) => string): Promise<KeyVaultRead> {
  const name = ref.certificate;
  const at = { vault, name };
  try {
    const referenced = toCertificate(
      await call((c, abortSignal) => (ref.version ? c.getCertificateVersion(name, ref.version, { abortSignal }) : c.getCertificate(name, { abortSignal }))),
    );
    const versions = (await call((c, abortSignal) => listVersions(c, name, abortSignal))).sort(
      (a, b) => (b.createdOn?.getTime() ?? 0) - (a.createdOn?.getTime() ?? 0),
    );
    let expected: KeyVaultCertificate | undefined;
    if (referenced.enabled) expected = referenced;
    else if (!ref.version) {
      const newest = versions.find((v) => v.enabled);
      if (newest) expected = toCertificate(await call((c, abortSignal) => c.getCertificateVersion(name, newest.version, { abortSignal })));
    }
    return { status: 'found', ...at, referenced, ...(expected && { expected }), versions };
  } catch (err) {
    // The reason quotes the service (or whatever answered in its place): it must not carry a token back.
    if (statusOf(err) === 404) return { status: 'not-found', ...at, reason: scrub(describeError(err)) };
    return { status: 'failed', ...at, reason: scrub(describeError(err)) };
  }
}

async function listVersions(c: CertificateClient, name: string, abortSignal: AbortSignal): Promise<KeyVaultVersion[]> {
  const out: KeyVaultVersion[] = [];
  for await (const p of c.listPropertiesOfCertificateVersions(name, { abortSignal })) {
    if (out.length >= LIMITS.maxKeyVaultVersions) throw new Error(`more than ${LIMITS.maxKeyVaultVersions} versions`);
    out.push(toVersion(p));
  }
  return out;
}

function toVersion(p: CertificateProperties): KeyVaultVersion {
  if (!p.version) throw new Error('Key Vault returned a certificate version without an id');
  return {
    version: p.version,
    enabled: p.enabled === true,
    ...(p.createdOn && { createdOn: p.createdOn }),
    ...(p.x509Thumbprint && { sha1: Buffer.from(p.x509Thumbprint).toString('hex') }),
  };
}

function toCertificate(c: SdkCertificate): KeyVaultCertificate {
  if (!c.cer || c.cer.length === 0) throw new Error(`Key Vault returned version ${c.properties.version ?? '?'} without its public certificate (cer)`);
  let cert: Certificate;
  try {
    cert = new Certificate(new Uint8Array(c.cer));
  } catch (err) {
    throw new Error(`Key Vault returned a certificate rc-policy cannot parse: ${(err as Error).message}`);
  }
  return { ...toVersion(c.properties), cert };
}

// ---- retries and errors ----

const statusOf = (err: unknown): number | undefined => {
  const s = (err as { statusCode?: unknown } | null)?.statusCode;
  return typeof s === 'number' ? s : undefined;
};

class AttemptTimeout extends Error {}

const RETRYABLE_STATUS = new Set([408, 429, 500, 502, 503, 504]);
const RETRYABLE_CODES = new Set(['ECONNRESET', 'ECONNREFUSED', 'ETIMEDOUT', 'EAI_AGAIN', 'EPIPE', 'REQUEST_SEND_ERROR']);

/** Milliseconds to wait before the next attempt, or undefined when the failure is not transient. */
function retryDelay(err: unknown, attempt: number, r: RetryOptions): number | undefined {
  const status = statusOf(err);
  const transient =
    err instanceof AttemptTimeout ||
    (status !== undefined && RETRYABLE_STATUS.has(status)) ||
    (status === undefined && RETRYABLE_CODES.has((err as { code?: string }).code ?? ''));
  if (!transient) return undefined;
  const headers = (err as { response?: { headers?: { get(name: string): string | undefined } } }).response?.headers;
  const after = headers?.get('retry-after-ms') ?? headers?.get('x-ms-retry-after-ms');
  if (after && /^\d+$/.test(after)) return Math.min(Number(after), r.maxDelayMs);
  const retryAfter = headers?.get('retry-after');
  if (retryAfter) {
    const ms = /^\d+$/.test(retryAfter) ? Number(retryAfter) * 1000 : Date.parse(retryAfter) - Date.now();
    if (Number.isFinite(ms)) return Math.min(Math.max(ms, 0), r.maxDelayMs);
  }
  const ceiling = Math.min(r.baseDelayMs * 2 ** (attempt - 1), r.maxDelayMs);
  return ceiling / 2 + Math.random() * (ceiling / 2);
}

/**
 * One vault's requests: at most a few in flight (Key Vault throttles per vault), and a breaker. A
 * vault that leaves `attempts` requests in a row unanswered is taken as down: the requests still
 * queued for it fail at once instead of each waiting out its own timeouts, so a silent vault costs
 * about one retry cycle, not one per certificate (ADR 0070). Any answer, even an error, resets it.
 */
interface VaultGate {
  readonly vault: string;
  readonly limit: <R>(f: () => Promise<R>) => Promise<R>;
  /** Attempts in a row that got no answer within the timeout. */
  unanswered: number;
  /** Set once the vault is taken as down: why. */
  down?: string;
}

class VaultDown extends Error {}

async function withRetry<T>(
  fn: (signal: AbortSignal) => Promise<T>,
  r: RetryOptions,
  timeoutMs: number,
  timeoutReason: () => string,
  gate: VaultGate,
): Promise<T> {
  const once = async (): Promise<T> => {
    if (gate.down) throw new VaultDown(gate.down);
    try {
      const result = await attemptOnce(fn, timeoutMs, timeoutReason);
      gate.unanswered = 0;
      return result;
    } catch (err) {
      if (!(err instanceof AttemptTimeout)) gate.unanswered = 0;
      else if (++gate.unanswered >= r.attempts) gate.down ??= `not tried: ${gate.vault} did not answer ${gate.unanswered} requests in a row (the last: ${err.message})`;
      throw err;
    }
  };
  let last: unknown;
  for (let attempt = 1; ; attempt++) {
    try {
      return await gate.limit(once);
    } catch (err) {
      // A read the breaker stops after its own attempts keeps its own reason.
      if (err instanceof VaultDown && last !== undefined) throw Object.assign(last as object, { attempts: attempt - 1 });
      last = err;
      const delay = retryDelay(err, attempt, r);
      if (delay === undefined) throw err;
      if (attempt >= r.attempts) throw Object.assign(err as object, { attempts: attempt });
      await new Promise((resolve) => setTimeout(resolve, delay));
    }
  }
}

/**
 * One attempt, over after `timeoutMs` whatever `fn` does: the signal asks the SDK to stop, and the
 * race stops waiting for it — a credential that never answers (an `az` that hangs) ignores the signal.
 */
async function attemptOnce<T>(fn: (signal: AbortSignal) => Promise<T>, timeoutMs: number, timeoutReason: () => string): Promise<T> {
  const controller = new AbortController();
  let timer: NodeJS.Timeout | undefined;
  const timedOut = new Promise<never>((_, reject) => {
    timer = setTimeout(() => {
      const reason = timeoutReason(); // before the abort settles what is pending
      controller.abort();
      reject(new AttemptTimeout(reason));
    }, timeoutMs);
  });
  const attempt = fn(controller.signal);
  attempt.catch(() => undefined); // settles after the race is lost: nobody waits for it any more
  try {
    return await Promise.race([attempt, timedOut]);
  } catch (err) {
    if (controller.signal.aborted && !(err instanceof AttemptTimeout)) throw new AttemptTimeout(`no answer within ${timeoutMs} ms`);
    throw err;
  } finally {
    clearTimeout(timer);
  }
}

/** One line a person can act on. Never includes request headers (they carry the token). */
function describeError(err: unknown): string {
  const e = err as { name?: string; message?: string; code?: string; statusCode?: number; attempts?: number; details?: { error?: { code?: string } } };
  const first = (e.message ?? String(err)).split('\n')[0]!.trim().slice(0, 300);
  const tries = e.attempts && e.attempts > 1 ? ` (after ${e.attempts} attempts)` : '';
  if (e.code === 'PARSE_ERROR') return `Key Vault answered HTTP ${e.statusCode ?? '?'} with a body that is not valid JSON${tries}`;
  if (typeof e.statusCode === 'number') {
    const code = e.details?.error?.code ?? e.code;
    const label = e.statusCode === 429 ? 'throttled' : e.statusCode === 401 ? 'not authenticated' : e.statusCode === 403 ? 'access denied' : '';
    return `HTTP ${e.statusCode}${code && code !== String(e.statusCode) ? ` ${code}` : ''}${label ? ` (${label})` : ''}: ${first}${tries}`;
  }
  if (err instanceof AttemptTimeout) return `${first}${tries}`;
  if (e.name === 'CredentialUnavailableError' || e.name === 'AuthenticationError' || e.name === 'AggregateAuthenticationError') {
    return `cannot get an Azure token (${e.name}): ${first}`;
  }
  return `${first}${tries}`;
}

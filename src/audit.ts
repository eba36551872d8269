// The live job: everything `check` does, plus what the estate shows right now — a TLS handshake
// with every broker and through every load balancer frontend, and the Key Vault certificates the
// topology references. The live observations feed the same rules (ADR 0040) and the live/* family.
import type { TokenCredential } from './sources/token-credential.ts';
import { selectBaseline, selectPack, selectWaivers, DEFAULT_TOPOLOGY, type CheckOptions } from './check.ts';
import { evaluateDocument, evaluateModel, ruleSetOf } from './engine.ts';
import { InputError } from './errors.ts';
import { readCertificateFiles } from './sources/files.ts';
import { readKeyVault, type RetryOptions } from './sources/keyvault.ts';
import { createCredential, type CredentialKind } from './sources/azure-credential.ts';
import { parseResolve, Resolver, resolvingAgent, type ResolveEntry } from './sources/resolve.ts';
import { checkClientCertificate, probeEstate, type ClientCertificate } from './sources/tls-probe.ts';
import { livePlan } from './topology/endpoints.ts';
import { loadTopology } from './topology/load.ts';
import { dialableNames } from './topology/dialable.ts';
import { didYouMean } from './suggest.ts';
import type { Topology } from './topology/model.ts';
import { observationsOf } from './model/observations.ts';
import { handshakeMatrix } from './matrix.ts';
import { scopeToRegions } from './shard.ts';
import { certificatePool } from './pki/cert.ts';
import type { KeyVaultRead, Model } from './model/types.ts';
import type { Report } from './domain/report.ts';

export interface AuditOptions extends CheckOptions {
  /** `host:port:address` overrides as curl's --resolve (strings as on the command line, or parsed). */
  readonly resolve?: readonly (string | ResolveEntry)[];
  /** TLS connections in flight at once (default 16). */
  readonly concurrency?: number;
  /** Bound on each connect, handshake and wait, in ms (default 5000); Key Vault requests get it per attempt. */
  readonly timeoutMs?: number;
  /** The probe's client certificate: then each broker must also accept a real mTLS handshake. */
  readonly clientCertificate?: ClientCertificate;
  /** Which Azure identity reads Key Vault (default auto: GitHub OIDC, other CI, or the Azure CLI). */
  readonly azureCredential?: CredentialKind;
  /** A ready credential, instead of azureCredential. */
  readonly credential?: TokenCredential;
  /** Trust anchors for the Key Vault HTTPS endpoints instead of the system's (NODE_EXTRA_CA_CERTS adds to them instead). */
  readonly keyVaultCa?: string | Buffer;
  readonly keyVaultRetry?: Partial<RetryOptions>;
  /** Progress of the TLS probes: (probed, total). */
  readonly onProgress?: (probed: number, total: number) => void;
}

export const DEFAULT_CONCURRENCY = 16;
export const DEFAULT_TIMEOUT_MS = 5000;

function positiveInteger(name: string, value: number | undefined, fallback: number, max: number): number {
  if (value === undefined) return fallback;
  if (!Number.isInteger(value) || value < 1 || value > max) throw new InputError(`${name} must be a whole number from 1 to ${max} (got ${value})`);
  return value;
}

const KEY_VAULT_HOST = /\.vault\.(azure\.net|azure\.cn|usgovcloudapi\.net|microsoftazure\.de)$/;

/** Every --resolve entry must name something the audit dials: a typo must not fall back to DNS unnoticed. */
function unmatchedResolves(entries: readonly ResolveEntry[], topology: Topology, file: string): void {
  const names = dialableNames(topology);
  // Key Vault names are left alone: one --resolve list for a cloud's vaults is commonly shared by
  // every job (private endpoints), and a vault the topology does not use is never dialled anyway.
  const wrong = entries.filter((e) => !names.has(`${e.host}:${e.port}`) && !KEY_VAULT_HOST.test(e.host));
  if (wrong.length === 0) return;
  const describe = (e: ResolveEntry) => `${e.host}:${e.port}${didYouMean(`${e.host}:${e.port}`, names)}`;
  throw new InputError(`--resolve ${wrong.map(describe).join(', ')}: ${wrong.length === 1 ? 'names no endpoint' : 'name no endpoint'} of ${file} (its brokers, gateways, load balancer frontends and Key Vaults)`);
}

/** Audits a topology against the live estate (SPEC §4 `audit`). Throws InputError when it cannot do its job. */
export async function audit(options: AuditOptions = {}): Promise<Report> {
  const cwd = options.cwd ?? process.cwd();
  const at = options.at ?? new Date();
  const concurrency = positiveInteger('--concurrency', options.concurrency, DEFAULT_CONCURRENCY, 1024);
  const timeoutMs = positiveInteger('--timeout', options.timeoutMs, DEFAULT_TIMEOUT_MS, 600_000);
  if (options.clientCertificate) checkClientCertificate(options.clientCertificate);
  const resolveEntries = (options.resolve ?? []).map((e) => (typeof e === 'string' ? parseResolve(e) : e));
  const resolver = new Resolver(resolveEntries);
  const loaded = await loadTopology(options.topology ?? DEFAULT_TOPOLOGY, cwd);
  const pack = await selectPack(loaded.topology, options);
  const rules = ruleSetOf(pack);
  const waivers = await selectWaivers(loaded.topology, options, rules);
  const baseline = await selectBaseline(options);
  // A topology that violates the schema is not probed: which endpoints it names would be a guess.
  if (!loaded.topology) return evaluateDocument(loaded, at, 'audit', { pack, rules, ...(baseline && { baseline }) });
  const topology = loaded.topology;
  unmatchedResolves(resolveEntries, topology, loaded.document.file);
  const plan = livePlan(topology, options.regions);
  const kvRefs = plan.keyVault.map((r) => r.source.keyVault!);
  const credential = kvRefs.length > 0 ? (options.credential ?? (await createCredential(options.azureCredential ?? 'auto'))) : undefined;
  const agent = resolvingAgent(resolver, options.keyVaultCa ? { ca: options.keyVaultCa } : {});
  // One parsed copy of each certificate, whichever source meets it first: the repo file, the served
  // chain (every broker of a region sends the same intermediate) or Key Vault (ADR 0116).
  const parse = certificatePool();
  try {
    const [files, probes, keyVault] = await Promise.all([
      readCertificateFiles(topology, cwd, options, parse),
      probeEstate(plan, {
        parse,
        resolver,
        timeoutMs,
        concurrency,
        ...(options.clientCertificate && { clientCertificate: options.clientCertificate }),
        ...(options.onProgress && { onProgress: options.onProgress }),
      }),
      credential
        ? readKeyVault(kvRefs, { credential, agent, timeoutMs, parse, regions: topology.regions, ...(options.keyVaultRetry && { retry: options.keyVaultRetry }) })
        : new Map<string, KeyVaultRead>(),
    ]);
    const model: Model = { topology, at, params: pack.params, files, mode: 'audit', live: { ...probes, keyVault } };
    const report = evaluateModel(loaded.document.file, model, { pack, rules, ...(waivers && { waivers }), ...(baseline && { baseline }), ...(options.matrix && { matrix: options.matrix }) });
    const whole = { ...report, observations: observationsOf(model)! };
    return options.regions?.length ? scopeToRegions(whole, topology, options.regions, { pairs: () => handshakeMatrix(model), ...(baseline && { baseline }) }) : whole;
  } finally {
    agent.destroy();
  }
}

// The handshake matrix (SPEC §3 Trust and "How the rules read the model" 1-3): every client->server
// pair that connects, and the verdict of both sides of its mTLS handshake at the evaluation time.
// Pure and memoised per model; trust/untrusted-server, trust/untrusted-client and the report read it.
//
// Identical validations run once: a verdict depends only on (trust bundle, the chain the peer
// sends, host name, purpose), so 50 clients x 10,000 brokers cost one server-side validation per
// broker chain and one client-side validation per client chain, not one per pair.
import { caCertificates, chainOf, memo } from './model/certificates.ts';
import type { Model } from './model/types.ts';
import { validatePath } from './pki/chain.ts';
import type { Certificate } from './pki/cert.ts';
import type { HandshakeCheck, MatrixListing, MatrixPair, MatrixSummary } from './domain/report.ts';
import { pairState, summaryCounts, type PairState } from './report/matrix-state.ts';
import { terminatingServers, tlsBreaksOnPath } from './topology/reach.ts';
import { clientServers, serversReached } from './model/reach.ts';
import { serverProbe } from './model/live.ts';
import { lookup, type CertSource, type Location, type Server } from './topology/model.ts';
import { ownerOf, pathCauses, unreadableAmong, unreadableCause } from './model/causes.ts';
import type { Cause } from './report/types.ts';

/** Who opens the connection: a client, or a gateway re-encrypting towards an upstream. */
export interface Initiator {
  readonly id: string;
  readonly kind: 'client' | 'gateway';
  /** The certificate it presents when the server asks for one. */
  readonly cert?: CertSource;
  /** The bundle it validates the server's chain with. */
  readonly trustBundle?: string;
  /** Where the connection is declared: the client, or the gateway's upstream entry. */
  readonly location: Location;
}

export interface HandshakePair {
  /** The finding target: `client-id->server-id` (`gateway-id->upstream-id` for a hop). */
  readonly id: string;
  readonly client: Initiator;
  readonly server: Server;
  /** The client validates the server's chain for the server's own FQDN. */
  readonly serverAuth: HandshakeCheck;
  /** The server validates the client's certificate; absent when the server does not require one. */
  readonly clientAuth?: HandshakeCheck;
  /** Set when a hop on the way terminates TLS: the end-to-end handshake never reaches the server. */
  readonly path?: PathBreak;
  readonly ok: boolean;
}

/** A path on which mTLS does not reach the server: the load balancers that terminate TLS on it. */
export interface PathBreak {
  readonly ok: false;
  readonly reason: string;
  readonly because: readonly Cause[];
}

/** Every connecting pair, in document order of the initiators; a pair reached by several paths once. */
export function handshakePairs(m: Model): { client: Initiator; server: Server; breaks?: readonly string[] }[] {
  const t = m.topology;
  const out: { client: Initiator; server: Server; breaks?: readonly string[] }[] = [];
  const breaksByList = new Map<string, Map<string, string[]>>();
  const breaksOf = (ids: readonly string[] | undefined): Map<string, string[]> => {
    if (!ids) return new Map(); // the default: every server directly
    const key = ids.join('\u0000');
    let found = breaksByList.get(key);
    if (!found) breaksByList.set(key, (found = tlsBreaksOnPath(t, ids)));
    return found;
  };
  const seen = new Map<string, Set<string>>();
  // Clients usually share a few connectsTo lists (all of them: [crlb]): expand each list once.
  const expanded = new Map<string, Server[]>();
  const reach = (ids: readonly string[] | undefined, expand: () => readonly Server[]): Server[] => {
    const key = ids ? ids.join('\u0000') : '\u0000default';
    let servers = expanded.get(key);
    if (!servers) expanded.set(key, (servers = terminatingServers(t, expand())));
    return servers;
  };
  const add = (client: Initiator, servers: readonly Server[], breaks: ReadonlyMap<string, readonly string[]>) => {
    let done = seen.get(client.id);
    if (!done) seen.set(client.id, (done = new Set()));
    for (const server of servers) {
      if (done.has(server.id)) continue;
      done.add(server.id);
      const b = breaks.get(server.id);
      out.push({ client, server, ...(b && { breaks: b }) });
    }
  };
  for (const c of t.clients) {
    const servers = reach(c.connectsTo, () => clientServers(m, c.connectsTo));
    add({ id: c.id, kind: 'client', cert: c.cert, trustBundle: c.trustBundle, location: c.location }, servers, breaksOf(c.connectsTo));
  }
  for (const g of t.gateways) {
    for (const u of g.upstreams) {
      // tls: none is no handshake; tls: passthrough is the gateway's clients talking to the upstream.
      if (u.tls !== 'reencrypt') continue;
      const servers = reach([u.to], () => serversReached(m, [u.to]));
      add({ id: g.id, kind: 'gateway', cert: u.clientCert, trustBundle: u.trustBundle, location: u.location }, servers, breaksOf([u.to]));
    }
  }
  return out;
}

const MAX_REASONS = 3;

function reasonOf(errors: readonly { message: string }[]): string {
  const messages = [...new Set(errors.map((e) => e.message))];
  const more = messages.length > MAX_REASONS ? ` (and ${messages.length - MAX_REASONS} more)` : '';
  return messages.slice(0, MAX_REASONS).join('; ') + more;
}

const fail = (reason: string, because?: readonly Cause[]): HandshakeCheck => ({ ok: false, reason, ...(because?.length && { because }) });
const skip = (reason: string): HandshakeCheck => ({ ok: false, skipped: true, reason });

/** A two-level cache: the matrix asks for the same (bundle, party) once per pair. */
class Verdicts<K> {
  readonly #byBundle = new Map<string, Map<K, HandshakeCheck>>();
  get(bundle: string, party: K, compute: () => HandshakeCheck): HandshakeCheck {
    let inner = this.#byBundle.get(bundle);
    if (!inner) this.#byBundle.set(bundle, (inner = new Map()));
    let v = inner.get(party);
    if (!v) inner.set(party, (v = compute()));
    return v;
  }
}

/** The handshake matrix of a model, pairs in document order. */
export const handshakeMatrix = memo((m: Model): HandshakePair[] => {
  const t = m.topology;
  const cas = caCertificates(m);
  // The same CA certificate arrives once per file that serves it; validating with one instance per
  // fingerprint lets its parsed form and signature checks be shared by every chain that carries it.
  const canonical = new Map<string, Certificate>();
  const intern = (c: Certificate): Certificate => {
    const known = canonical.get(c.fingerprint);
    if (known) return known;
    canonical.set(c.fingerprint, c);
    return c;
  };
  for (const c of cas.values()) intern(c);
  const byChain = new Map<string, HandshakeCheck>();
  const servers = new Verdicts<Server>();
  const initiators = new Verdicts<Initiator>();

  /**
   * The declared CAs of a bundle as trust anchors (SPEC §3.2: never the bundle's file), and the
   * findings about those that cannot be read: a handshake that fails without them was not evaluated.
   */
  interface Anchors {
    readonly certs: Certificate[];
    readonly problem?: string;
    readonly unreadable: Cause[];
  }
  const anchors = new Map<string, Anchors>();
  const anchorsOf = (bundleId: string): Anchors => {
    let out = anchors.get(bundleId);
    if (out === undefined) {
      const bundle = lookup(t, bundleId, 'trustBundle');
      const certs = bundle?.cas.flatMap((id) => cas.get(id) ?? []) ?? [];
      const unreadable = bundle ? unreadableAmong(m, bundle.cas) : [];
      const problem = !bundle
        ? `trust bundle ${bundleId} is not declared`
        : certs.length === 0
          ? `trust bundle ${bundleId} holds no readable CA certificate${unreadable.length ? ` (${unreadable.map((c) => c.target).join(', ')} cannot be read)` : ''}`
          : undefined;
      out = { certs, unreadable, ...(problem && { problem }) };
      anchors.set(bundleId, out);
    }
    return out;
  };

  /** Validates what a party sends (its cert file: leaf, then the rest as intermediates) against a bundle. */
  const validate = (source: CertSource | undefined, what: string, bundleId: string, purpose: 'serverAuth' | 'clientAuth', sender: string, hostname?: string): HandshakeCheck => {
    if (!source) return fail(`${what} has no certificate`);
    if (!source.file) return skip(`${what} certificate lives only in Key Vault: rc-policy audit evaluates this handshake`);
    const chain = chainOf(m, source);
    if (chain.length === 0) {
      const cause = unreadableCause(m, source);
      return fail(`${what} certificate file ${source.file.path} cannot be read`, cause && [cause]);
    }
    const owner = ownerOf(m, source) ?? what;
    const key = `${bundleId}|${purpose}|${hostname ?? ''}|${owner}|${chain.map((c) => c.fingerprint).join(',')}`;
    let verdict = byChain.get(key);
    if (verdict) return verdict;
    const anchors = anchorsOf(bundleId);
    if (anchors.problem !== undefined) verdict = fail(anchors.problem, anchors.unreadable);
    else {
      const [leaf, ...intermediates] = chain.map(intern);
      const r = validatePath(leaf!, intermediates, anchors.certs, {
        at: m.at,
        purpose,
        ...(hostname !== undefined && { hostname }),
        labels: { intermediates: `the chain the ${sender} sends`, anchors: `trust bundle ${bundleId}` },
      });
      // Without an unreadable anchor nobody can tell whether the chain would validate; otherwise the
      // failure waits on findings that explain it completely, or stands on its own.
      const because = r.ok ? undefined : anchors.unreadable.length > 0 ? anchors.unreadable : pathCauses(m, r.errors, r.path, owner, purpose === 'serverAuth' ? owner : undefined);
      verdict = r.ok ? { ok: true } : fail(reasonOf(r.errors), because);
    }
    byChain.set(key, verdict);
    return verdict;
  };

  /** An audit whose probe got no answer from the server cannot vouch for its handshakes (ADR 0120). */
  const unanswered = (server: Server): Cause | undefined =>
    serverProbe(m, server)?.anonymous.outcome.kind === 'unreachable' ? { rule: 'live/unreachable', target: server.id } : undefined;

  return handshakePairs(m).map(({ client, server, breaks }) => {
    const declared = client.trustBundle
      ? servers.get(client.trustBundle, server, () => validate(server.cert, `${server.id}'s server`, client.trustBundle!, 'serverAuth', 'server', server.fqdn))
      : fail(
          client.kind === 'gateway'
            ? `${client.id}'s upstream to ${server.id} names no trustBundle to validate its server certificate with`
            : `${client.id} names no trustBundle to validate server certificates with`,
        );
    // The declared chain's own failure stands; one that would validate waits on the live gap.
    const gap = declared.ok ? unanswered(server) : undefined;
    const serverAuth = gap ? fail(`${server.id} did not answer the audit's probe`, [gap]) : declared;
    let clientAuth: HandshakeCheck | undefined;
    if (server.clientAuth.required) {
      const bundle = server.clientAuth.trustBundle;
      clientAuth = bundle
        ? initiators.get(bundle, client, () => validate(client.cert, `${client.id}'s client`, bundle, 'clientAuth', 'client'))
        : fail(`${server.id} requires a client certificate but names no clientAuth.trustBundle to validate it with`);
    }
    const path: PathBreak | undefined = breaks && {
      ok: false,
      reason: `${breaks.join(', ')} terminate${breaks.length === 1 ? 's' : ''} TLS on the way from ${client.id}: the mTLS handshake never reaches ${server.id}${server.clientAuth.required ? `, which never sees ${client.id}'s client certificate` : ''}`,
      because: breaks.map((id) => ({ rule: 'lb/no-tls-termination', target: id })),
    };
    const ok = !path && serverAuth.ok && (clientAuth?.ok ?? true);
    const id = `${client.id}->${server.id}`;
    // Written out, not spread: one compact object per pair (no separate property array), kept all run.
    if (clientAuth) return path ? { id, client, server, serverAuth, clientAuth, path, ok } : { id, client, server, serverAuth, clientAuth, ok };
    return path ? { id, client, server, serverAuth, path, ok } : { id, client, server, serverAuth, ok };
  });
});

/** Up to this many pairs, `--matrix auto` lists every pair (the renderers draw grids far smaller). */
export const MATRIX_AUTO_FULL_PAIRS = 1000;

/**
 * The matrix as the report carries it: the counts of every pair, and the pairs themselves, all of
 * them or only those that are not ok (docs/decisions/0110). A clean pair adds nothing the counts do
 * not say, and 50 clients x 10,000 brokers are 500,000 of them.
 */
export function matrixForReport(pairs: readonly HandshakePair[], listing: MatrixListing = 'auto'): { matrix: MatrixPair[]; summary: MatrixSummary } {
  const all = listing === 'full' || (listing === 'auto' && pairs.length <= MATRIX_AUTO_FULL_PAIRS);
  const counts: Record<PairState, number> = { ok: 0, failing: 0, broken: 0, 'not-evaluated': 0 };
  const clients = new Set<string>();
  const servers = new Set<string>();
  const matrix: MatrixPair[] = [];
  for (const p of pairs) {
    counts[pairState(p)]++;
    clients.add(p.client.id);
    servers.add(p.server.id);
    if (all || !p.ok) {
      matrix.push({
        client: p.client.id,
        server: p.server.id,
        ok: p.ok,
        serverAuth: p.serverAuth,
        ...(p.clientAuth && { clientAuth: p.clientAuth }),
        ...(p.path && { path: p.path }),
      });
    }
  }
  const summary: MatrixSummary = {
    pairs: pairs.length,
    ...summaryCounts(counts),
    clients: clients.size,
    servers: servers.size,
    listed: all ? 'all' : 'problems',
  };
  return { matrix, summary };
}

// Connection lists expanded once per model. Fifty clients that all connect to the same load balancer
// (or several rules asking about the same one) expand its 500 backends once, not once per question.
import type { Server } from '../topology/model.ts';
import { clientTargets, expandToServers } from '../topology/reach.ts';
import { memo } from './certificates.ts';
import type { Model } from './types.ts';

const expansions = memo((_: Model) => new Map<string, readonly Server[]>());

/** The TLS servers a list of ids reaches (topology/reach.ts expandToServers), once per distinct list. */
export function serversReached(m: Model, ids: readonly string[]): readonly Server[] {
  const key = ids.join('\u0000');
  const cache = expansions(m);
  let servers = cache.get(key);
  if (!servers) cache.set(key, (servers = expandToServers(m.topology, ids)));
  return servers;
}

const defaultTargets = memo((m: Model): readonly Server[] => clientTargets(m.topology, undefined));

/** The servers a client connects to: its connectsTo expanded, or by default every broker with a cert and every gateway. */
export function clientServers(m: Model, connectsTo: readonly string[] | undefined): readonly Server[] {
  return connectsTo ? serversReached(m, connectsTo) : defaultTargets(m);
}

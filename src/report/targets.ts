// What a finding's target names (SPEC §5): an object id, a handshake pair or gateway hop
// `client->server`, or a waiver `rule@target`. Sharding and merging reports ask which objects a
// target is about; nothing else needs to take a target apart.

/** The object ids a target is about, the side whose evidence decides it first (`a->b`: b, then a). */
export function objectsOf(target: string): string[] {
  const at = target.indexOf('@');
  const about = at >= 0 && !target.slice(0, at).includes('->') ? target.slice(at + 1) : target;
  const arrow = about.indexOf('->');
  return arrow < 0 ? [about] : [about.slice(arrow + 2), about.slice(0, arrow)];
}

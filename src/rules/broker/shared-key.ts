import { defineRule } from '../rule.ts';
import { servedChains } from '../../model/certificates.ts';
import { toHex } from '../../pki/der.ts';

export const rule = defineRule({
  meta: {
    id: 'broker/shared-key',
    severity: 'error',
    title: "No two servers' certificates share a key pair",
    rationale:
      'One certificate per broker (the RC system design) is only worth it with one key per broker: two certificates on the same key fall together when either key store leaks.',
    source: 'docs/architectures/rc-system.md#one-server-certificate-per-broker',
    remedy: 'Generate a new key pair for one of the servers and reissue its certificate.',
    messages: { shared: "{{second}}'s certificate uses the same public key as {{first}}'s" },
  },
  *check(model) {
    const first = new Map<string, { id: string; fingerprint: string }>();
    for (const { server, leaf, location } of servedChains(model)) {
      const key = toHex(leaf.publicKey.spki);
      const owner = first.get(key);
      if (owner === undefined) first.set(key, { id: server.id, fingerprint: leaf.fingerprint });
      else if (owner.fingerprint !== leaf.fingerprint) {
        // The same certificate twice is broker/shared-certificate's finding.
        yield { target: server.id, messageId: 'shared', data: { first: owner.id, second: server.id }, location };
      }
    }
  },
});

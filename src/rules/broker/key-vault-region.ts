import { defineRule } from '../rule.ts';
import { tlsServers } from '../../model/certificates.ts';

export const rule = defineRule({
  meta: {
    id: 'broker/key-vault-region',
    severity: 'error',
    title: "A server's certificate lives in its own region's Key Vault",
    rationale:
      'Each broker retrieves its certificate from the local-region Key Vault (the RC system design): a cross-region dependency means a regional outage elsewhere stops certificate renewal and restarts here, and widens who can read the key.',
    source: 'docs/architectures/rc-system.md#certificates-live-in-the-regions-key-vault; Azure Key Vault documentation',
    remedy: "Import the certificate into the region's own vault and point cert.keyVault at it.",
    messages: {
      otherVault: "{{id}}'s certificate is in Key Vault {{vault}}, but region {{region}}'s vault is {{own}}",
      noRegionVault: "{{id}}'s certificate is in Key Vault {{vault}}, but region {{region}} declares no Key Vault",
      noVault: "{{id}}'s certificate names no vault and region {{region}} declares no Key Vault",
    },
  },
  *check(model) {
    const vaults = new Map(model.topology.regions.map((r) => [r.id, r.keyVault?.name]));
    for (const s of tlsServers(model.topology)) {
      const kv = s.cert?.keyVault;
      if (!kv) continue;
      const own = vaults.get(s.region);
      const data = { id: s.id, vault: kv.vault ?? '', region: s.region, own: own ?? '' };
      if (!kv.vault) yield { target: s.id, messageId: 'noVault', data, location: kv.location };
      else if (!own) yield { target: s.id, messageId: 'noRegionVault', data, location: kv.location };
      else if (kv.vault.toLowerCase() !== own.toLowerCase()) yield { target: s.id, messageId: 'otherVault', data, location: kv.location };
    }
  },
});

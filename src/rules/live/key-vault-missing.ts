import { defineRule } from '../rule.ts';
import { certReferences } from '../../model/certificates.ts';
import { keyVaultRead } from '../../model/live.ts';

export const rule = defineRule({
  meta: {
    id: 'live/key-vault-missing',
    severity: 'error',
    live: true,
    title: 'Every referenced Key Vault certificate exists and is enabled',
    rationale:
      'Brokers load their certificate from the region\'s Key Vault on restart and on renewal (the RC system design). A referenced certificate that is absent or disabled cannot be loaded: the next restart or scale-out fails, however healthy the running instances look.',
    source: 'docs/architectures/rc-system.md#certificates-live-in-the-regions-key-vault; Azure Key Vault certificates documentation',
    remedy: 'Import the certificate into the vault (az keyvault certificate import), re-enable the version, or fix the name/version in the topology.',
    messages: {
      absent: "{{id}}'s Key Vault certificate {{vault}}/{{name}}{{version}} does not exist: {{reason}}",
      noVault: '{{id}} references Key Vault certificate {{name}}, but names no vault and its region declares no Key Vault',
      disabled: "{{id}}'s Key Vault certificate {{vault}}/{{name}} version {{version}} is disabled{{fallback}}",
    },
  },
  applies: (model) => model.live !== undefined,
  *check(model) {
    for (const ref of certReferences(model)) {
      const kv = ref.source.keyVault;
      const read = kv && keyVaultRead(model, kv);
      if (!read) continue;
      const base = { id: ref.target, vault: read.vault, name: read.name };
      if (read.status === 'not-found') {
        if (read.vault === '') yield { target: ref.target, messageId: 'noVault', data: base, location: kv!.location };
        else yield { target: ref.target, messageId: 'absent', data: { ...base, version: kv!.version ? ` version ${kv!.version}` : '', reason: read.reason }, location: kv!.location };
      } else if (read.status === 'found' && !read.referenced.enabled) {
        const fallback = read.expected ? ` (the newest enabled version is ${read.expected.version})` : kv!.version ? '' : ' and no version is enabled';
        yield { target: ref.target, messageId: 'disabled', data: { ...base, version: read.referenced.version, fallback }, location: kv!.location };
      }
    }
  },
});

import { defineRule } from '../rule.ts';
import { certReferences, fileOf } from '../../model/certificates.ts';
import { describeCertificate, keyVaultRead, presentedLeaf } from '../../model/live.ts';

export const rule = defineRule({
  meta: {
    id: 'live/key-vault-drift',
    severity: 'warning',
    live: true,
    title: "Servers present Key Vault's latest enabled version of their certificate",
    rationale:
      'Renewal starts by uploading the new certificate to the region\'s Key Vault, then each broker loads it on restart (the RC system design). A broker still presenting an older version is a rotation not yet rolled out: harmless until the old certificate expires, which is exactly when it is forgotten. A client or other certificate whose repo file is not Key Vault\'s latest enabled version is the same rotation, not yet recorded in the repo.',
    source: 'docs/architectures/rc-system.md#renewal-drain-and-roll; Azure Key Vault certificates documentation (versions)',
    remedy: 'Finish the rollout (drain and roll the broker instances), or commit the new certificate to the repo.',
    messages: {
      presented: "{{id}} presents {{presented}}, but Key Vault {{vault}}/{{name}}'s {{which}} {{version}} is {{expected}}: a rotation not yet rolled out",
      repo: "{{id}}'s repo file {{file}} holds {{repo}}, but Key Vault {{vault}}/{{name}}'s {{which}} {{version}} is {{expected}}",
    },
  },
  applies: (model) => model.live !== undefined,
  *check(model) {
    for (const ref of certReferences(model)) {
      const kv = ref.source.keyVault;
      const read = kv && keyVaultRead(model, kv);
      if (read?.status !== 'found' || !read.expected) continue;
      const expected = read.expected;
      const data = { id: ref.target, vault: read.vault, name: read.name, which: kv!.version ? 'pinned version' : 'latest enabled version', version: expected.version, expected: describeCertificate(expected.cert) };
      if (ref.role === 'server' && (ref.owner.kind === 'broker' || ref.owner.kind === 'gateway')) {
        const presented = presentedLeaf(model, ref.owner);
        if (presented && presented.fingerprint !== expected.cert.fingerprint) {
          yield { target: ref.target, messageId: 'presented', data: { ...data, presented: describeCertificate(presented) }, location: kv!.location };
        }
        continue;
      }
      const file = fileOf(model, ref.source);
      const repo = file?.certs[0];
      if (repo && repo.fingerprint !== expected.cert.fingerprint) {
        yield { target: ref.target, messageId: 'repo', data: { ...data, file: file!.display, repo: describeCertificate(repo) }, location: kv!.location };
      }
    }
  },
});

import { defineRule } from '../rule.ts';
import { fileOf, tlsServers } from '../../model/certificates.ts';
import { certLocation, describeCertificate, keyVaultRead, presentedLeaf, sha1Of } from '../../model/live.ts';

export const rule = defineRule({
  meta: {
    id: 'live/certificate-drift',
    severity: 'error',
    live: true,
    title: 'Each server presents the certificate the repository declares',
    rationale:
      'The topology is the reviewed record of the estate: every certificate rule ran on the repo\'s files and Key Vault references when the change merged. A server presenting another certificate has drifted from what was reviewed — a manual replacement, a failed rollout or a restore from an old image (renewal goes through Key Vault and a drain-and-roll).',
    source: 'docs/architectures/rc-system.md#renewal-drain-and-roll; docs/spec.md §3 (live)',
    remedy:
      'Roll the broker onto the declared certificate (upload to Key Vault, update the VMSS extension or secret store, drain and roll), or commit the certificate it should present.',
    messages: {
      repo: '{{id}} presents {{presented}}, but the repo file {{file}} holds {{expected}}',
      keyVault: '{{id}} presents {{presented}}, which is no version of Key Vault certificate {{vault}}/{{name}} (current: {{expected}})',
    },
  },
  applies: (model) => model.live !== undefined,
  *check(model) {
    for (const server of tlsServers(model.topology)) {
      const presented = presentedLeaf(model, server);
      if (!presented) continue;
      const file = fileOf(model, server.cert);
      const declared = file?.certs[0];
      const location = certLocation(server);
      if (declared) {
        if (declared.fingerprint !== presented.fingerprint) {
          yield { target: server.id, messageId: 'repo', data: { id: server.id, presented: describeCertificate(presented), file: file!.display, expected: describeCertificate(declared) }, location };
        }
        continue;
      }
      const kv = server.cert?.keyVault;
      const read = kv && keyVaultRead(model, kv);
      if (read?.status !== 'found') continue;
      const known = new Set(read.versions.flatMap((v) => (v.sha1 ? [v.sha1] : [])));
      if (read.referenced.cert.fingerprint === presented.fingerprint || known.has(sha1Of(presented))) continue;
      yield {
        target: server.id,
        messageId: 'keyVault',
        data: { id: server.id, presented: describeCertificate(presented), vault: read.vault, name: read.name, expected: describeCertificate(read.referenced.cert) },
        location,
      };
    }
  },
});

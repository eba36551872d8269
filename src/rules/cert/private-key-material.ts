import { defineRule } from '../rule.ts';
import { certReferences } from '../../model/certificates.ts';
import { configMapKey } from '../../sources/files.ts';
import type { FileRef } from '../../topology/model.ts';

export const rule = defineRule({
  meta: {
    id: 'cert/private-key-material',
    severity: 'error',
    title: 'No private key in the repository',
    rationale:
      'Keys live in the per-region Key Vault and brokers fetch them from there (the RC system design); a key or a PKCS#12 bundle committed next to the topology is a leaked key. The key is detected by its container only: rc-policy never prints or keeps it.',
    source: 'docs/architectures/rc-system.md#certificates-live-in-the-regions-key-vault; RFC 7292 (PKCS #12); docs/security.md',
    remedy: 'Remove the key from the file and from git history, rotate the certificate, and import the new key into Key Vault (`az keyvault certificate import`). Keep only public certificates in the repo.',
    messages: {
      key: '{{file}} contains private key material ({{what}}): keys belong in Key Vault, never in the repository',
      pkcs12: '{{file}} is a PKCS#12 bundle, which carries a private key: keys belong in Key Vault, never in the repository',
    },
  },
  *check(model) {
    const files: { ref: FileRef; key: string; target: string }[] = [];
    for (const r of certReferences(model)) if (r.source.file) files.push({ ref: r.source.file, key: r.source.file.absolute, target: r.target });
    for (const b of model.topology.trustBundles) {
      if (b.file) files.push({ ref: b.file, key: b.file.absolute, target: b.id });
      // A key pasted into a ConfigMap's bundle is as leaked as one in a .pem file.
      if (b.configMap) files.push({ ref: b.configMap.file, key: configMapKey(b.configMap.file.absolute, b.configMap.key), target: b.id });
    }
    for (const { ref, key, target } of files) {
      const f = model.files.get(key);
      if (!f) continue;
      if (f.pkcs12) yield { target, messageId: 'pkcs12', data: { file: f.display }, location: ref.location };
      else if (f.privateKeys.length > 0) {
        yield { target, messageId: 'key', data: { file: f.display, what: [...new Set(f.privateKeys)].join(', ') }, location: ref.location };
      }
    }
  },
});

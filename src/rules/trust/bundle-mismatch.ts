import { defineRule, type Violation } from '../rule.ts';
import { caCertificates, caIdsByFingerprint } from '../../model/certificates.ts';
import { configMapKey } from '../../sources/files.ts';
import type { CertFile } from '../../model/types.ts';
import type { Location } from '../../topology/model.ts';

const list = (items: string[]): string => items.join(', ');

export const rule = defineRule({
  meta: {
    id: 'trust/bundle-mismatch',
    severity: 'error',
    title: "A trust bundle's file and ConfigMap hold exactly the CAs the topology declares for it",
    rationale:
      'Clients and brokers trust what is distributed, not what the topology says: the PEM file or the ConfigMap that trust-manager writes and pods mount (the CA rollover design). A CA missing from the distributed bundle breaks handshakes the topology says work; an extra one is trust nobody reviewed. Certificates are compared by SHA-256 fingerprint, so a re-issued CA with the same name does not count as the same CA.',
    source: 'docs/architectures/ca-rollover.md#trust-bundles-as-distributed',
    remedy: 'Regenerate the bundle file / ConfigMap from the declared CAs (cat the CA PEMs in cas order), or correct cas in the topology.',
    messages: {
      mismatch: '{{source}} does not hold exactly the declared CAs of {{bundle}}: {{details}}',
    },
  },
  *check(model) {
    const cas = caCertificates(model);
    const idsByFingerprint = caIdsByFingerprint(model);
    for (const b of model.topology.trustBundles) {
      const declared = b.cas.flatMap((id) => {
        const cert = cas.get(id);
        return cert ? [{ id, fingerprint: cert.fingerprint }] : [];
      });
      // An undeclared or unreadable CA is topology/reference's or cert/unreadable's finding; without its
      // certificate, a file certificate that matches nothing might be that CA, so extras are not judged.
      const complete = declared.length === b.cas.length;
      const compare = function* (file: CertFile | undefined, source: string, location: Location): Generator<Violation> {
        if (!file || file.certs.length === 0) return; // missing or unreadable: cert/unreadable
        const held = new Set(file.certs.map((c) => c.fingerprint));
        const wanted = new Set(declared.map((d) => d.fingerprint));
        const missing = declared.filter((d) => !held.has(d.fingerprint)).map((d) => d.id);
        const extra = complete
          ? [...new Map(file.certs.filter((c) => !wanted.has(c.fingerprint)).map((c) => [c.fingerprint, c])).values()].map((c) => {
              const id = idsByFingerprint.get(c.fingerprint);
              return id ? `${id} (${c.subjectName})` : `${c.subjectName} (not a declared CA)`;
            })
          : [];
        if (missing.length === 0 && extra.length === 0) return;
        const details = [missing.length > 0 && `missing ${list(missing)}`, extra.length > 0 && `extra ${list(extra)}`].filter(Boolean).join('; ');
        yield { target: b.id, messageId: 'mismatch', data: { source, bundle: b.id, details }, location };
      };
      if (b.file) yield* compare(model.files.get(b.file.absolute), b.file.path, b.file.location);
      if (b.configMap) {
        const { file, key, location } = b.configMap;
        yield* compare(model.files.get(configMapKey(file.absolute, key)), `ConfigMap ${file.path} (key ${key})`, location);
      }
    }
  },
});

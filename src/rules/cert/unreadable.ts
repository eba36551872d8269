import { defineRule, type Violation } from '../rule.ts';
import { certReferences } from '../../model/certificates.ts';
import { configMapKey } from '../../sources/files.ts';
import type { CertFile } from '../../model/types.ts';
import type { Location } from '../../topology/model.ts';

export const rule = defineRule({
  meta: {
    id: 'cert/unreadable',
    severity: 'error',
    title: 'Every referenced certificate file exists and parses',
    rationale:
      'A certificate rc-policy cannot read is a certificate it cannot evaluate. Nothing unreadable ever passes: a missing, truncated or unparsable file is a finding, never a silent skip.',
    source: 'docs/spec.md §3 (certificates); docs/security.md (fail closed)',
    remedy: 'Fix the path, or replace the file with PEM (leaf first, then its chain) or a DER certificate.',
    messages: {
      missing: '{{file}} does not exist',
      unreadable: '{{file}} cannot be read: {{reason}}',
    },
  },
  *check(model) {
    const report = function* (file: CertFile | undefined, target: string, location: Location): Generator<Violation> {
      if (!file) return;
      if (file.missing) yield { target, messageId: 'missing', data: { file: file.display }, location };
      else if (file.problems.length > 0 || file.certs.length === 0) {
        const reason = file.problems.join('; ') || 'no certificate found in the file';
        yield { target, messageId: 'unreadable', data: { file: file.display, reason }, location };
      }
    };
    for (const ref of certReferences(model)) {
      const f = ref.source.file;
      if (f) yield* report(model.files.get(f.absolute), ref.target, f.location);
    }
    for (const b of model.topology.trustBundles) {
      if (b.file) yield* report(model.files.get(b.file.absolute), b.id, b.file.location);
      if (b.configMap) {
        const { file, key } = b.configMap;
        yield* report(model.files.get(configMapKey(file.absolute, key)), b.id, file.location);
      }
    }
  },
});

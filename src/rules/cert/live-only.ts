import { defineRule } from '../rule.ts';
import { certReferences } from '../../model/certificates.ts';

export const rule = defineRule({
  meta: {
    id: 'cert/live-only',
    severity: 'info',
    title: 'Certificates that only live in Key Vault are evaluated by audit, not check',
    rationale:
      '`rc-policy check` reads repository files only; a certificate with only a Key Vault source cannot be evaluated offline. This finding lists what was skipped so nothing passes silently; `rc-policy audit` reads Key Vault and evaluates it.',
    source: 'docs/spec.md §1 (certificate sources), §4',
    remedy: 'Run `rc-policy audit`, or commit the public certificate next to the Key Vault reference (cert.file) so that check evaluates it too.',
    messages: {
      skipped: "{{target}}'s certificate lives only in Key Vault ({{vault}}/{{name}}): certificate, chain and handshake rules for it were skipped by check",
    },
  },
  applies: (model) => model.mode === 'check',
  *check(model) {
    for (const r of certReferences(model)) {
      const kv = r.source.keyVault;
      if (!kv || r.source.file) continue;
      yield { target: r.target, messageId: 'skipped', data: { target: r.target, vault: kv.vault ?? '(no vault)', name: kv.certificate }, location: r.source.location };
    }
  },
});

import { defineRule } from '../rule.ts';
import { caCertificates, caIdsByFingerprint, servedChains } from '../../model/certificates.ts';
import { findIssuer } from '../../pki/issuers.ts';
import type { Certificate } from '../../pki/cert.ts';
import type { Model } from '../../model/types.ts';

/** Trust anchors for this rule: every CA some trust bundle lists, and every declared self-signed CA. */
function anchors(model: Model): Certificate[] {
  const cas = caCertificates(model);
  const inBundles = new Set(model.topology.trustBundles.flatMap((b) => b.cas));
  return [...cas].filter(([id, c]) => inBundles.has(id) || c.isSelfIssued).map(([, c]) => c);
}

export const rule = defineRule({
  meta: {
    id: 'broker/incomplete-chain',
    severity: 'error',
    title: 'Servers send every intermediate between their leaf and a trust anchor, in order',
    rationale:
      'Clients validate the broker\'s chain up to a CA they trust (the RC system design) and have only the roots in their bundle (the CA rollover design): an intermediate the broker does not send cannot be found, and the handshake fails. A chain sent out of order works with some TLS stacks and not others.',
    source: 'RFC 8446 §4.4.2; RFC 5280 §6.1; docs/architectures/rc-system.md#the-mtls-handshake; docs/architectures/ca-rollover.md#the-hierarchy',
    remedy: 'Serve leaf first, then each intermediate up to (not including) the root: cat leaf.pem intermediate.pem > broker.pem.',
    messages: {
      missing: 'the served chain lacks the intermediate {{issuer}}{{declared}}, which is needed to reach a trust anchor',
      outOfOrder: 'the served chain is out of order: {{early}} is sent before {{late}}, which it issues',
    },
  },
  *check(model) {
    const trusted = anchors(model);
    const trustedSet = new Set(trusted.map((c) => c.fingerprint));
    const declared = [...caCertificates(model).values()];
    const caIds = caIdsByFingerprint(model);
    for (const { server, leaf, certs, location } of servedChains(model)) {
      const path: Certificate[] = [leaf];
      let current = leaf;
      let missing: Certificate | string | undefined;
      for (let depth = 0; depth < 16 && !trustedSet.has(current.fingerprint); depth++) {
        if (findIssuer(current, trusted)) break;
        const next = findIssuer(current, certs.filter((c) => !path.includes(c)));
        if (!next) {
          // A self-signed end of the chain is not missing anything; whether it is trusted is trust/*'s call.
          if (!current.isSelfIssued) missing = findIssuer(current, declared) ?? current.issuerName;
          break;
        }
        path.push(next);
        current = next;
      }
      if (missing !== undefined) {
        const issuer = typeof missing === 'string' ? missing : missing.subjectName;
        const id = typeof missing === 'string' ? undefined : caIds.get(missing.fingerprint);
        yield { target: server.id, messageId: 'missing', data: { issuer, declared: id ? ` (declared CA ${id})` : '' }, location };
        continue;
      }
      for (let i = 1; i < path.length - 1; i++) {
        if (certs.indexOf(path[i + 1]!) < certs.indexOf(path[i]!)) {
          yield {
            target: server.id,
            messageId: 'outOfOrder',
            severity: 'warning',
            data: { early: path[i + 1]!.subjectName, late: path[i]!.subjectName },
            location,
          };
          break;
        }
      }
    }
  },
});

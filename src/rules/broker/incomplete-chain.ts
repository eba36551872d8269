import { defineRule } from '../rule.ts';
import { caCertificates, caIdsByFingerprint, servedChains } from '../../model/certificates.ts';
import { findIssuer } from '../../pki/issuers.ts';
import type { Certificate } from '../../pki/cert.ts';
import type { Model } from '../../model/types.ts';
import type { Server } from '../../topology/model.ts';
import type { Cause } from '../../report/types.ts';
import { unreadableAmong } from '../../model/causes.ts';

/**
 * Why the top of a chain may only look incomplete: the CA that would issue it is declared but its
 * certificate cannot be read (the declared issuer of the last certificate, else any CA that could
 * be an anchor). Then the finding is that CA's, not this broker's.
 */
function unreadableIssuers(model: Model, server: Server, top: Certificate, isLeaf: boolean, caIds: ReadonlyMap<string, string>): Cause[] {
  const t = model.topology;
  const topCa = t.cas.find((c) => c.id === caIds.get(top.fingerprint));
  const declaredIssuer = isLeaf ? (server.kind === 'broker' ? server.issuer : undefined) : topCa?.issuer;
  if (declaredIssuer !== undefined) {
    const direct = unreadableAmong(model, [declaredIssuer]);
    if (direct.length > 0) return direct;
  }
  const anchorIds = [...t.trustBundles.flatMap((b) => b.cas), ...t.cas.filter((c) => c.issuer === undefined).map((c) => c.id)];
  return unreadableAmong(model, anchorIds);
}

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
      noIssuer: 'the served chain ends at {{top}}, whose issuer {{issuer}} is neither served nor a declared CA: it reaches no trust anchor',
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
        const anchor = findIssuer(current, trusted);
        if (anchor) {
          // A served copy of the anchor is on the path too (SPEC, "How the rules read the model" 4):
          // leaf, root, intermediate is out of order.
          const served = certs.find((c) => c.fingerprint === anchor.fingerprint && !path.includes(c));
          if (served) path.push(served);
          break;
        }
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
        const because = unreadableIssuers(model, server, current, current === leaf, caIds);
        const blocked = because.length > 0 ? { because } : {};
        // Only a certificate we hold is known to be an intermediate; an unknown issuer may well be a root.
        if (typeof missing === 'string') {
          yield { target: server.id, messageId: 'noIssuer', data: { top: current.subjectName, issuer: missing }, location, ...blocked };
        } else {
          const id = caIds.get(missing.fingerprint);
          yield { target: server.id, messageId: 'missing', data: { issuer: missing.subjectName, declared: id ? ` (declared CA ${id})` : '' }, location, ...blocked };
        }
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

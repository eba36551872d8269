import { defineRule } from '../rule.ts';
import { servedChains } from '../../model/certificates.ts';
import { EKU, ekuName } from '../../pki/extensions.ts';

export const rule = defineRule({
  meta: {
    id: 'broker/server-auth-eku',
    severity: 'error',
    title: 'Server certificates carry the serverAuth extended key usage',
    rationale:
      'The broker certificate\'s Extended Key Usage is Server Authentication (the RC system design). Strict TLS clients reject a server certificate without it, and anyExtendedKeyUsage is not accepted in its place.',
    source: 'RFC 5280 §4.2.1.12; CA/B Forum Baseline Requirements §7.1.2.7.10; docs/architectures/rc-system.md#one-server-certificate-per-broker',
    remedy: 'Reissue with extendedKeyUsage = serverAuth.',
    messages: {
      missing: 'the certificate has no extended key usage extension (serverAuth is required)',
      lacks: 'the certificate\'s extended key usage ({{found}}) lacks serverAuth',
    },
  },
  *check(model) {
    for (const { server, leaf, location } of servedChains(model)) {
      if (!leaf.extKeyUsage) yield { target: server.id, messageId: 'missing', location };
      else if (!leaf.hasExtKeyUsage(EKU.serverAuth)) yield { target: server.id, messageId: 'lacks', data: { found: leaf.extKeyUsage.map(ekuName).join(', ') }, location };
    }
  },
});

import { defineRule } from '../rule.ts';
import { clientCertificates } from '../../model/certificates.ts';
import { EKU, ekuName } from '../../pki/extensions.ts';

export const rule = defineRule({
  meta: {
    id: 'client/client-auth-eku',
    severity: 'error',
    title: 'Client certificates carry the clientAuth extended key usage',
    rationale:
      'Controllers and targets authenticate to the broker with client certificates (the RC system\'s certificate types); a gateway presenting a certificate upstream is a client too (the App Gateway, API Management and AKS design). Brokers that verify strictly reject a client certificate without clientAuth.',
    source: 'RFC 5280 §4.2.1.12; docs/architectures/rc-system.md#certificate-types; docs/architectures/appgw-apim-aks.md',
    remedy: 'Reissue with extendedKeyUsage = clientAuth.',
    messages: {
      missing: 'the client certificate has no extended key usage extension (clientAuth is required)',
      lacks: "the client certificate's extended key usage ({{found}}) lacks clientAuth",
    },
  },
  *check(model) {
    for (const { target, leaf, location } of clientCertificates(model)) {
      if (!leaf.extKeyUsage) yield { target, messageId: 'missing', location };
      else if (!leaf.hasExtKeyUsage(EKU.clientAuth)) yield { target, messageId: 'lacks', data: { found: leaf.extKeyUsage.map(ekuName).join(', ') }, location };
    }
  },
});

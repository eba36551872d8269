// The CEL type environment of custom rules, as data: every variable, every object type and every
// field with its CEL type and one line of documentation. The checker (environment.ts), the values
// (values.ts) and docs/custom-rules.md (reference.ts) are all derived from this one table, and a
// test proves the doc and the table agree.

/** The kinds of object a custom rule can be `on` (the pack's `on:` key). */
export const ON_KINDS = ['broker', 'client', 'gateway', 'lb', 'ca', 'region', 'pair', 'certificate'] as const;
export type OnKind = (typeof ON_KINDS)[number];

export interface FieldSpec {
  /** A CEL type: string, int, bool, double, timestamp, list<T>, map<string, dyn>, or one of CEL_TYPES. */
  readonly type: string;
  readonly doc: string;
  /** Absent on some objects: test with `has(object.field)` before reading it. */
  readonly optional?: boolean;
}

export interface TypeSpec {
  readonly doc: string;
  readonly fields: Readonly<Record<string, FieldSpec>>;
}

const opt = (type: string, doc: string): FieldSpec => ({ type, doc, optional: true });
const f = (type: string, doc: string): FieldSpec => ({ type, doc });

const identity = {
  id: f('string', 'The id declared in the topology (for `pair`: `client->server`; for `certificate`: its owner).'),
  kind: f('string', 'What the object is: broker, client, gateway, loadBalancer, globalLoadBalancer, ca, region, pair, certificate.'),
};

/** Fields of every object that holds a certificate source (`cert:` in the topology). */
const certified = {
  certificate: opt('rc.Certificate', 'Its certificate (the first of its file; in `audit`, what the server served or Key Vault holds). Absent when none could be read.'),
  chain: f('list<rc.Certificate>', 'Every certificate of its source, leaf first (empty when none was read).'),
  keyVault: opt('rc.KeyVault', 'Its Key Vault reference, when the topology declares one.'),
};

export const CEL_TYPES: Readonly<Record<string, TypeSpec>> = {
  'rc.Certificate': {
    doc: 'A parsed X.509 certificate.',
    fields: {
      subject: f('string', 'Subject DN, RFC 4514 order, e.g. `CN=broker-us-1.company.com, O=Company`.'),
      issuer: f('string', 'Issuer DN, same format.'),
      commonNames: f('list<string>', 'The subject CN values.'),
      sans: f('list<string>', 'Every subjectAltName value: DNS names, IP addresses, e-mail addresses and URIs, as text.'),
      dnsNames: f('list<string>', 'The DNS names of subjectAltName.'),
      serialNumber: f('string', 'Serial number, lower-case hex.'),
      notBefore: f('timestamp', 'Start of validity.'),
      notAfter: f('timestamp', 'End of validity.'),
      keyType: f('string', 'Public key algorithm: rsa, rsa-pss, ec, ed25519, ed448, dsa or unknown.'),
      keyBits: f('int', 'RSA modulus size in bits; 0 for other key types.'),
      curve: f('string', 'EC named curve (P-256, P-384, P-521, …); empty for other key types.'),
      sha256: f('string', 'SHA-256 fingerprint of the DER, lower-case hex without separators.'),
      ekus: f('list<string>', 'Extended key usages by name (serverAuth, clientAuth, codeSigning, emailProtection, anyExtendedKeyUsage) or OID; empty when the extension is absent.'),
      isCa: f('bool', 'basicConstraints cA is true.'),
      selfIssued: f('bool', 'Subject equals issuer (a root, or a self-signed leaf).'),
      signatureAlgorithm: f('string', 'Signature algorithm name, e.g. sha256WithRSAEncryption, ecdsa-with-SHA256.'),
      source: f('string', 'Where it was read: `file`, `key-vault` (audit) or `tls` (served to the audit probe).'),
    },
  },
  'rc.KeyVault': {
    doc: 'A Key Vault certificate reference (`cert.keyVault`).',
    fields: {
      vault: f('string', "Vault name: the reference's own, else its region's vault; empty when neither exists."),
      name: f('string', 'Certificate name in the vault.'),
      version: f('string', 'The pinned version; empty for the current one.'),
      certificate: opt(
        'rc.Certificate',
        'In `audit`: the certificate Key Vault holds for the reference (the pinned version, else the current one). Absent in `check` and when the read failed (live/unreachable reports that).',
      ),
    },
  },
  'rc.ClientAuth': {
    doc: "A TLS server's client-certificate requirement.",
    fields: {
      required: f('bool', 'The server requires a client certificate.'),
      trustBundle: f('string', 'Id of the bundle it validates client certificates with; empty when none.'),
    },
  },
  'rc.Broker': {
    doc: 'A broker (`on: broker`).',
    fields: {
      ...identity,
      region: f('string', 'Id of its region.'),
      fqdn: f('string', 'Its FQDN.'),
      port: f('int', 'TLS port.'),
      address: f('string', 'Declared address; empty when none.'),
      issuer: f('string', 'Id of the CA that should issue its certificate; empty when none.'),
      clientAuth: f('rc.ClientAuth', 'Client certificate requirement.'),
      ...certified,
    },
  },
  'rc.Upstream': {
    doc: "One hop of a gateway's `upstreams`.",
    fields: {
      to: f('string', 'Id of the upstream server.'),
      tls: f('string', 'reencrypt, passthrough or none.'),
      trustBundle: f('string', 'Bundle the gateway validates the upstream with; empty when none.'),
    },
  },
  'rc.Gateway': {
    doc: 'A gateway (`on: gateway`).',
    fields: {
      ...identity,
      region: f('string', 'Id of its region.'),
      type: f('string', 'Declared type; empty when none.'),
      fqdn: f('string', 'Its FQDN.'),
      port: f('int', 'TLS port.'),
      address: f('string', 'Declared address; empty when none.'),
      clientAuth: f('rc.ClientAuth', 'Client certificate requirement.'),
      upstreams: f('list<rc.Upstream>', 'Its upstream hops.'),
      ...certified,
    },
  },
  'rc.Client': {
    doc: 'A client (`on: client`).',
    fields: {
      ...identity,
      role: f('string', 'controller, target or other.'),
      region: f('string', 'Id of its region; empty when none.'),
      trustBundle: f('string', 'Id of the bundle it validates servers with; empty when none.'),
      connectsTo: f('list<string>', 'Ids it connects to as declared; empty for the default (every broker and gateway).'),
      ...certified,
    },
  },
  'rc.Listener': {
    doc: 'A load balancer listener.',
    fields: {
      port: f('int', 'Frontend port.'),
      protocol: f('string', 'tcp, udp, tls, http or https.'),
      backendPort: f('int', 'Backend port.'),
    },
  },
  'rc.LoadBalancer': {
    doc: 'A regional or cross-region load balancer (`on: lb`).',
    fields: {
      ...identity,
      region: f('string', 'Id of its region; empty for a cross-region load balancer.'),
      type: f('string', 'Declared type; empty when none.'),
      frontendFqdn: f('string', 'Frontend FQDN; empty when none.'),
      frontendAddress: f('string', 'Frontend address; empty when none.'),
      listeners: f('list<rc.Listener>', 'Its listeners.'),
      backends: f('list<string>', 'Ids of its backends.'),
      certificate: opt('rc.Certificate', 'The certificate it declares (a load balancer that terminates TLS); absent when none.'),
    },
  },
  'rc.Ca': {
    doc: 'A declared CA (`on: ca`).',
    fields: {
      ...identity,
      issuer: f('string', 'Id of its issuing CA; empty for a root.'),
      ...certified,
    },
  },
  'rc.Region': {
    doc: 'A region (`on: region`).',
    fields: {
      ...identity,
      keyVault: f('string', "Name of the region's Key Vault; empty when none."),
    },
  },
  'rc.TrustBundle': {
    doc: 'A trust bundle (in `topology.trustBundles`).',
    fields: {
      id: identity.id,
      cas: f('list<string>', 'Ids of the CAs it declares.'),
      certificates: f('list<rc.Certificate>', "The declared CAs' certificates (the trust anchors rc-policy validates with)."),
      fileCertificates: f('list<rc.Certificate>', 'The certificates of its file or ConfigMap; empty when it has none.'),
    },
  },
  'rc.Pair': {
    doc: 'One client→server pair of the handshake matrix (`on: pair`).',
    fields: {
      ...identity,
      client: f('string', 'Id of the client (or of the gateway, for a re-encrypting hop).'),
      server: f('string', 'Id of the broker or gateway.'),
      ok: f('bool', 'Both sides of the handshake pass.'),
      serverAuthOk: f('bool', "The client accepts the server's chain for its FQDN."),
      serverAuthReason: f('string', 'Why not; empty when it passes.'),
      clientAuthRequired: f('bool', 'The server asks for a client certificate.'),
      clientAuthOk: f('bool', "The server accepts the client's certificate (true when it asks for none)."),
      clientAuthReason: f('string', 'Why not; empty when it passes.'),
    },
  },
  'rc.CertificateUse': {
    doc: 'One certificate the estate uses, once per owner (`on: certificate`).',
    fields: {
      ...identity,
      role: f('string', 'leaf, intermediate or root.'),
      certificate: f('rc.Certificate', 'The certificate.'),
    },
  },
  'rc.Params': {
    doc: "The pack's params, after `extends` and the topology's `policy.params`.",
    fields: {
      renewBeforeDays: f('int', 'Leaf expiry warning window (days).'),
      caRenewBeforeDays: f('int', 'Intermediate/root expiry warning window (days).'),
      rootRenewBeforeDays: f('int', 'Root expiry warning window when no rollover is declared (days).'),
      minRsaBits: f('int', 'Smallest RSA modulus allowed.'),
      allowedCurves: f('list<string>', 'EC curves allowed.'),
      maxLeafValidityDays: f('int', 'Longest leaf validity allowed (days).'),
    },
  },
  'rc.Topology': {
    doc: 'The whole model.',
    fields: {
      name: f('string', "The topology's metadata.name."),
      cas: f('list<rc.Ca>', 'Every declared CA.'),
      trustBundles: f('list<rc.TrustBundle>', 'Every trust bundle.'),
      regions: f('list<rc.Region>', 'Every region.'),
      loadBalancers: f('list<rc.LoadBalancer>', 'Every load balancer, regional then cross-region.'),
      brokers: f('list<rc.Broker>', 'Every broker.'),
      gateways: f('list<rc.Gateway>', 'Every gateway.'),
      clients: f('list<rc.Client>', 'Every client.'),
    },
  },
};

/** The CEL type of `object` for each `on:` kind. */
export const OBJECT_TYPES: Readonly<Record<OnKind, string>> = {
  broker: 'rc.Broker',
  client: 'rc.Client',
  gateway: 'rc.Gateway',
  lb: 'rc.LoadBalancer',
  ca: 'rc.Ca',
  region: 'rc.Region',
  pair: 'rc.Pair',
  certificate: 'rc.CertificateUse',
};

export const VARIABLES: Readonly<Record<string, FieldSpec>> = {
  object: f('(per `on:`)', 'The object the rule is `on`; its type is in the table below.'),
  topology: f('rc.Topology', 'The whole model.'),
  params: f('rc.Params', "The pack's params."),
  now: f('timestamp', 'The evaluation time: now, or `--at`.'),
};

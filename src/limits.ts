// Hard limits on untrusted input: rc-policy runs on pull requests from strangers, so every input
// is bounded. Crossing one is a finding or a one-line error, never a crash or a hang.
export const LIMITS = {
  /** A topology, policy pack or waiver file. */
  maxConfigFileBytes: 16 * 1024 * 1024,
  /** A certificate, bundle or ConfigMap file. */
  maxCertFileBytes: 4 * 1024 * 1024,
  /** One base64 PEM block (a certificate is a few KiB; 256 KiB leaves room for odd ones). */
  maxPemBlockBytes: 256 * 1024,
  /** PEM blocks in one file (a served chain or a trust bundle). */
  maxBlocksPerFile: 500,
  /** YAML alias expansions ("billion laughs"). */
  maxYamlAliasCount: 1000,
  /** Nesting depth of a YAML/JSON document. */
  maxNestingDepth: 64,
  /** Bytes of a live server's handshake a TLS probe reads (a served chain is a few KiB). */
  maxHandshakeBytes: 1024 * 1024,
  /** Versions of one Key Vault certificate (monthly renewals for 80 years stay below it). */
  maxKeyVaultVersions: 1000,
} as const;

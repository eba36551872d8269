// Hard limits on untrusted input: rc-policy runs on pull requests from strangers, so every input
// is bounded. Crossing one is a finding (certificate files: cert/unreadable with the reason) or a
// one-line error with exit 2 (topology, pack and waiver files), never a crash or a hang.
// docs/security.md lists them with the reasoning; change both together.
export const LIMITS = {
  /** A topology, policy pack or waiver file. */
  maxConfigFileBytes: 16 * 1024 * 1024,
  /**
   * Lines plus flow separators (`,` `[` `{`) in a YAML/JSON file: an upper bound on its nodes that
   * can be counted before parsing (the YAML library needs ~1 KiB per node). A 10,000-broker
   * topology has about 150,000.
   */
  maxConfigItems: 500_000,
  /** A certificate, bundle or ConfigMap file. */
  maxCertFileBytes: 4 * 1024 * 1024,
  /** One base64 PEM block (a certificate is a few KiB; 256 KiB leaves room for odd ones). */
  maxPemBlockBytes: 256 * 1024,
  /** PEM blocks in one file (a served chain or a trust bundle). */
  maxBlocksPerFile: 500,
  /** Alias nodes (`*name`) in one YAML file. */
  maxYamlAliasCount: 1000,
  /** Values all aliases of a file stand for, expanded ("billion laughs"). */
  maxYamlAliasExpansion: 100_000,
  /** Nesting depth of a YAML/JSON document, aliases included. */
  maxNestingDepth: 64,
  /** Schema violations reported for one file; the rest are counted in one last finding. */
  maxSchemaViolations: 1000,
  /** Bytes of a live server's handshake a TLS probe reads (a served chain is a few KiB). */
  maxHandshakeBytes: 1024 * 1024,
  /** Versions of one Key Vault certificate (monthly renewals for 80 years stay below it). */
  maxKeyVaultVersions: 1000,
} as const;

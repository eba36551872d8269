// One path-validation case of a public suite, in the shape both verifiers take (docs/suites.md).
// The suites' own formats are read by boringssl.ts and pkits.ts; run.ts feeds a case to rc-policy
// and openssl.ts to `openssl verify`.

export type SuiteName = 'boringssl' | 'pkits';

export interface SuiteCase {
  readonly suite: SuiteName;
  /** The suite's own name for the case (a .test path, a PKITS test number). */
  readonly id: string;
  /** DER: the certificate to validate. */
  readonly leaf: Uint8Array;
  /** DER, untrusted, in the suite's order. */
  readonly intermediates: readonly Uint8Array[];
  /** DER, the trust anchors. */
  readonly anchors: readonly Uint8Array[];
  readonly at: Date;
  readonly purpose?: 'serverAuth' | 'clientAuth';
  /** The suite's expectation: the chain is valid. */
  readonly valid: boolean;
  /** Why the case is not run (the suite's setting has no rc-policy equivalent); undefined = run. */
  readonly skip?: string;
}

export const pemBlocks = (text: string): Uint8Array[] =>
  [...text.matchAll(/-----BEGIN CERTIFICATE-----([\s\S]*?)-----END CERTIFICATE-----/g)].map((m) => new Uint8Array(Buffer.from(m[1]!.replace(/\s+/g, ''), 'base64')));

// Secrets for the no-leak tests (docs/security.md, "Secrets never leak"): a private key, a PFX
// password and bearer tokens, generated per test run, with every form in which they could show up
// in output (PEM lines, DER hex, base64 of a password). `leaks` finds any of them in a text.
import { generateKeyPairSync, randomBytes } from 'node:crypto';
import { privateKeyPem } from '../../src/pki/generate.ts';
import type { Issued } from '../../src/pki/generate.ts';

export interface Secrets {
  /** PEM (PKCS#8) of a broker's own private key. */
  readonly keyPem: string;
  /** The same key, DER. */
  readonly keyDer: Uint8Array;
  /** A second key, PKCS#1 RSA PEM. */
  readonly rsaKeyPem: string;
  /** The password of the PKCS#12 file and of the encrypted key. */
  readonly pfxPassword: string;
  /** A JWT-shaped bearer token (what OIDC and Azure hand out). */
  readonly bearer: string;
  /** A GitHub installation token. */
  readonly githubToken: string;
  /** A random client secret with no recognisable shape. */
  readonly clientSecret: string;
  /** What must never appear in any output: every secret, in every encoding we could print it. */
  readonly needles: readonly string[];
}

const b64url = (b: Uint8Array): string => Buffer.from(b).toString('base64url');

export async function makeSecrets(owner: Issued): Promise<Secrets> {
  const keyPem = await privateKeyPem(owner.keys);
  const keyDer = new Uint8Array(Buffer.from(keyPem.replace(/-----[^-]+-----|\s/g, ''), 'base64'));
  const rsaKeyPem = generateKeyPairSync('rsa', { modulusLength: 2048, privateKeyEncoding: { type: 'pkcs1', format: 'pem' }, publicKeyEncoding: { type: 'spki', format: 'pem' } }).privateKey;
  const pfxPassword = `pfx-${randomBytes(12).toString('hex')}`;
  const bearer = `eyJhbGciOiJSUzI1NiIsInR5cCI6IkpXVCJ9.${b64url(randomBytes(48))}.${b64url(randomBytes(64))}`;
  const githubToken = `ghs_${randomBytes(18).toString('hex')}`;
  const clientSecret = `cs~${randomBytes(16).toString('hex')}`;
  const pemLines = (pem: string) => pem.split('\n').filter((l) => l.length >= 16 && !l.startsWith('-----'));
  const needles = [
    ...pemLines(keyPem),
    ...pemLines(rsaKeyPem),
    Buffer.from(keyDer).toString('hex').slice(0, 64),
    Buffer.from(keyDer).toString('hex').slice(-64),
    pfxPassword,
    Buffer.from(pfxPassword).toString('base64'),
    bearer,
    bearer.split('.')[1]!,
    githubToken,
    clientSecret,
  ];
  return { keyPem, keyDer, rsaKeyPem, pfxPassword, bearer, githubToken, clientSecret, needles };
}

/** The environment a CI runner or an Azure login leaves behind, holding the secrets. */
export function secretEnv(s: Secrets): Record<string, string> {
  return {
    GITHUB_TOKEN: s.githubToken,
    INPUT_GITHUB_TOKEN: s.githubToken,
    ACTIONS_ID_TOKEN_REQUEST_TOKEN: s.bearer,
    ACTIONS_RUNTIME_TOKEN: s.bearer,
    AZURE_CLIENT_SECRET: s.clientSecret,
    AZURE_CLIENT_CERTIFICATE_PASSWORD: s.pfxPassword,
    RC_PFX_PASSWORD: s.pfxPassword,
    AZURE_ACCESS_TOKEN: s.bearer,
  };
}

/** The needles found in `text` (empty: nothing leaked). */
export const leaks = (text: string, s: Secrets): string[] => s.needles.filter((n) => text.includes(n));

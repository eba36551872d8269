// Which Azure identity reads Key Vault. Locally: the developer's `az login` (AzureCliCredential).
// On GitHub Actions with OIDC: a ClientAssertionCredential that asks the runner for a fresh OIDC
// token on every exchange — azure/login only leaves an Azure CLI session whose federated token
// expires after minutes, too short for a long nightly audit. Elsewhere (other CI, Azure-hosted
// runners with a managed identity): DefaultAzureCredential. Tokens are never printed (ADR 0043).
import type { TokenCredential } from './token-credential.ts';
import { InputError } from '../errors.ts';

export type CredentialKind = 'auto' | 'cli' | 'github-oidc' | 'default';
export const CREDENTIAL_KINDS: readonly CredentialKind[] = ['auto', 'cli', 'github-oidc', 'default'];

/** The audience GitHub's OIDC token must carry for an Entra ID federated credential. */
const GITHUB_AUDIENCE = 'api://AzureADTokenExchange';

type Env = Readonly<Record<string, string | undefined>>;

const hasGitHubOidc = (env: Env): boolean =>
  env.GITHUB_ACTIONS === 'true' && !!env.ACTIONS_ID_TOKEN_REQUEST_URL && !!env.ACTIONS_ID_TOKEN_REQUEST_TOKEN && !!env.AZURE_CLIENT_ID && !!env.AZURE_TENANT_ID;

/** `auto`: GitHub OIDC when the job can mint tokens, DefaultAzureCredential on other CI, else the Azure CLI. */
export function chooseCredential(kind: CredentialKind, env: Env = process.env): Exclude<CredentialKind, 'auto'> {
  if (kind !== 'auto') return kind;
  if (hasGitHubOidc(env)) return 'github-oidc';
  return env.CI ? 'default' : 'cli';
}

export async function createCredential(kind: CredentialKind, env: Env = process.env): Promise<TokenCredential> {
  const identity = await import('@azure/identity');
  switch (chooseCredential(kind, env)) {
    case 'cli':
      return new identity.AzureCliCredential();
    case 'default':
      return new identity.DefaultAzureCredential();
    case 'github-oidc': {
      if (!hasGitHubOidc(env)) {
        throw new InputError(
          '--azure-credential github-oidc needs a GitHub Actions job with `permissions: id-token: write` and AZURE_CLIENT_ID and AZURE_TENANT_ID set',
        );
      }
      const getAssertion = async () => (await import('@actions/core')).getIDToken(GITHUB_AUDIENCE);
      return new identity.ClientAssertionCredential(env.AZURE_TENANT_ID!, env.AZURE_CLIENT_ID!, getAssertion);
    }
  }
}

import { describe, expect, it } from 'vitest';
import { chooseCredential, createCredential } from '../../src/sources/azure-credential.ts';
import { vaultUrl } from '../../src/sources/keyvault.ts';
import type { Region } from '../../src/topology/model.ts';

const oidc = { GITHUB_ACTIONS: 'true', ACTIONS_ID_TOKEN_REQUEST_URL: 'https://token.actions.example/x', ACTIONS_ID_TOKEN_REQUEST_TOKEN: 't', AZURE_CLIENT_ID: 'c', AZURE_TENANT_ID: 'tenant' };

describe('choosing the Azure credential', () => {
  it('auto: GitHub OIDC when the job can mint tokens, DefaultAzureCredential on other CI, the Azure CLI on a laptop', () => {
    expect(chooseCredential('auto', oidc)).toBe('github-oidc');
    // azure/login alone (no ids in the environment) or no id-token permission: not OIDC.
    expect(chooseCredential('auto', { ...oidc, AZURE_CLIENT_ID: undefined, CI: 'true' })).toBe('default');
    expect(chooseCredential('auto', { ...oidc, ACTIONS_ID_TOKEN_REQUEST_TOKEN: undefined, CI: 'true' })).toBe('default');
    expect(chooseCredential('auto', {})).toBe('cli');
    expect(chooseCredential('cli', oidc)).toBe('cli');
  });

  it('github-oidc outside a GitHub OIDC job is a usage error, not a silent fallback', async () => {
    await expect(createCredential('github-oidc', {})).rejects.toThrow(/id-token: write/);
    expect((await createCredential('github-oidc', oidc)).constructor.name).toBe('ClientAssertionCredential');
  });
});

describe('vault URLs', () => {
  const region = (keyVault: Region['keyVault']) => ({ keyVault }) as Region;
  it('a vault name is https://<name>.vault.azure.net unless a region gives its URL (sovereign clouds)', () => {
    expect(vaultUrl('kv-us', [])).toBe('https://kv-us.vault.azure.net');
    expect(vaultUrl('KV-CN', [region({ name: 'kv-cn', url: 'https://kv-cn.vault.azure.cn/' })])).toBe('https://kv-cn.vault.azure.cn');
  });
});

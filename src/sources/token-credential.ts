// The shape of an Azure credential (@azure/core-auth's TokenCredential), declared here so that the
// published types name no Azure package: the bundle holds the SDK, the package installs none of it
// (docs/decisions/0100). Any @azure/identity credential fits it.

export interface AccessToken {
  readonly token: string;
  readonly expiresOnTimestamp: number;
}

export interface TokenCredential {
  getToken(scopes: string | string[], options?: object): Promise<AccessToken | null>;
}

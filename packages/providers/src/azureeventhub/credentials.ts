/**
 * The Entra credentials of the token mode: a static JWT from the spec, or `@azure/identity`'s
 * `DefaultAzureCredential` (an optional peer) without one.
 */
import type { ConnectContext, ProviderSdk } from '@notiflux/core';

// Not a literal: `@azure/identity` is optional and not needed to build or type-check notiflux.
const IDENTITY_PACKAGE = '@azure/identity';

export interface AccessToken {
  token: string;
  expiresOnTimestamp: number;
}
export interface TokenCredential {
  getToken(scopes: string | string[]): Promise<AccessToken | null>;
}

/**
 * A static JWT, used verbatim and never refreshed. Its expiry is its `exp` claim, capped at an
 * hour from now: the SDK re-puts the token shortly before that, and a far `exp` would overflow
 * its refresh timer (setTimeout's 24.8-day limit) into a refresh at once, again and again.
 */
export function staticTokenCredential(token: string): TokenCredential {
  const expiresAt = jwtExpiry(token);
  return {
    getToken: async () => {
      const inAnHour = Date.now() + 60 * 60 * 1000;
      return {
        token,
        expiresOnTimestamp: expiresAt === undefined ? inAnHour : Math.min(expiresAt, inAnHour),
      };
    },
  };
}

function jwtExpiry(token: string): number | undefined {
  const payload = token.split('.')[1];
  if (!payload) return undefined;
  try {
    const claims: unknown = JSON.parse(Buffer.from(payload, 'base64url').toString('utf8'));
    const exp = (claims as { exp?: unknown } | null)?.exp;
    return typeof exp === 'number' && Number.isFinite(exp) ? exp * 1000 : undefined;
  } catch {
    return undefined;
  }
}

/**
 * How `@azure/identity` is loaded: replaceable (tests simulate its absence with it, since a
 * mocked module cannot fail the way a missing one does).
 */
export const azureIdentityLoader: { load: () => Promise<unknown> } = {
  load: () => import(/* @vite-ignore */ IDENTITY_PACKAGE),
};

interface AzureIdentityModule {
  DefaultAzureCredential: new () => TokenCredential;
}

/** `@azure/identity`, a second optional peer: needed only for managed identity, injectable too. */
const azureIdentity: ProviderSdk<AzureIdentityModule> = {
  package: IDENTITY_PACKAGE,
  load: () => azureIdentityLoader.load() as Promise<AzureIdentityModule>,
};

/**
 * Without a SAS connection string or a token, `@azure/identity`'s default credential: loaded
 * through the notifier (once; or the module given as `CreateOptions.sdk['@azure/identity']`).
 */
export async function defaultAzureCredential(peer: ConnectContext['peer']): Promise<TokenCredential> {
  const identity = await peer(azureIdentity);
  return new identity.DefaultAzureCredential();
}

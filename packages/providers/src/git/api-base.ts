/** API base URLs derived from the repository host URL (docs/design/git-providers.md#api-base-urls). */
import type { GitAddress } from './repository-address.js';

export const GITHUB_PUBLIC_API_BASE = 'https://api.github.com/';

/** `https://api.github.com/` for github.com, else GitHub Enterprise `<host URL>/api/v3/` (or `<host URL>/` for `api.` hosts). */
export function githubApiBase(address: Pick<GitAddress, 'host' | 'hostUrl'>): string {
  if (address.host === 'github.com') return GITHUB_PUBLIC_API_BASE;
  const hostname = address.host;
  if (hostname.startsWith('api.') || hostname.includes('.api.')) return `${address.hostUrl}/`;
  return `${address.hostUrl}/api/v3/`;
}

/** `<host URL>/api/v4/`. */
export function gitlabApiBase(address: Pick<GitAddress, 'hostUrl'>): string {
  return `${address.hostUrl}/api/v4/`;
}

/** `<host URL>/api/v1` (no trailing slash). */
export function giteaApiBase(address: Pick<GitAddress, 'hostUrl'>): string {
  return `${address.hostUrl}/api/v1`;
}

/** Bitbucket Cloud's API, whatever the address host. */
export const BITBUCKET_API_BASE = 'https://api.bitbucket.org/2.0';

/** `lower(<host URL>/<organization>)`, as the Azure DevOps SDK lower-cases the organization URL. */
export function azureDevOpsOrganizationUrl(
  address: Pick<GitAddress, 'hostUrl'>,
  organization: string,
): string {
  return `${address.hostUrl}/${organization}`.toLowerCase();
}

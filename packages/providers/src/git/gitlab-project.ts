/**
 * What the two `gitlab*` types share: the project an address names (subgroups kept whole), the
 * effective token, the headers of a GitLab call, and their common spec checks (docs/design/git-providers.md).
 */
import { gitlabApiBase } from './api-base.js';
import { parseGitAddress } from './repository-address.js';

/** Where a `gitlab*` notifier writes: the host (for Gitbeaker), the API base and project id. */
export interface GitLabProject {
  hostUrl: string;
  apiBase: string;
  /** The whole path after the host, subgroups included (`group/sub/project`), or a numeric id. */
  projectId: string;
}

/** The project of a GitLab address (any form of repository address); any id is accepted. */
export function gitlabProjectOf(address: string): GitLabProject {
  const parsed = parseGitAddress(address);
  return { hostUrl: parsed.hostUrl, apiBase: gitlabApiBase(parsed), projectId: parsed.id };
}

/** The effective token: `token`, else `password` (empty when neither is set). */
export function gitlabToken(spec: { token?: string | undefined; password?: string | undefined }): string {
  return spec.token || spec.password || '';
}

/** The headers of every GitLab call (Gitbeaker adds `PRIVATE-TOKEN` itself when it sends). */
export function gitlabHeaders(token: string, json: boolean): Record<string, string> {
  return {
    'PRIVATE-TOKEN': token,
    Accept: 'application/json',
    ...(json ? { 'Content-Type': 'application/json' } : {}),
  };
}

/** Checks shared by both `gitlab*` types, in upstream order (token, then address). */
export function validateGitLabSpec(spec: {
  address: string;
  token?: string | undefined;
  password?: string | undefined;
}): string | undefined {
  if (gitlabToken(spec) === '') return 'token: gitlab token cannot be empty';
  try {
    new URL(gitlabApiBase(parseGitAddress(spec.address)));
  } catch (error) {
    return `address: failed parsing URL "${spec.address}": ${(error as Error).message}`;
  }
  return undefined;
}

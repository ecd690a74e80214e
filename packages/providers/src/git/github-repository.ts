/**
 * The repository and authentication of a `github*` spec (docs/design/git-providers.md): parsed and
 * checked once at `createNotifier`, read again (infallibly) when sending.
 */
import type { ResolvedSpec } from '@notiflux/core';
import { githubApiBase } from './api-base.js';
import { type GitHubAuth, readGitHubAuth } from './github-octokit.js';
import { invalidPortProblem, parseGitAddress, splitRepositoryId } from './repository-address.js';

/** Where requests go: owner and repository, and the REST API base (ending in `/`). */
export interface GitHubRepository {
  owner: string;
  repo: string;
  apiBaseUrl: string;
}

/**
 * The repository of a `github*` address, or the upstream message when the id is not exactly
 * `owner/repo`.
 */
export function parseGitHubRepository(address: string): GitHubRepository | string {
  const parsed = parseGitAddress(address);
  const [owner, repo] = splitRepositoryId(parsed.id, 2) ?? [];
  if (owner === undefined || repo === undefined) return `invalid repository id: '${parsed.id}'`;
  const portProblem = invalidPortProblem(parsed);
  if (portProblem) return portProblem;
  return { owner, repo, apiBaseUrl: githubApiBase(parsed) };
}

type GitHubSpec = Pick<ResolvedSpec, 'token' | 'password' | 'secret'> & { address: string };

/** The `field: problem` of the auth and address checks, in upstream order, or undefined. */
export function validateGitHubSpec(spec: GitHubSpec): string | undefined {
  const auth = readGitHubAuth(spec);
  if (typeof auth === 'string') return `${auth.startsWith('github token') ? 'token' : 'secret'}: ${auth}`;
  const repository = parseGitHubRepository(spec.address);
  if (typeof repository === 'string') return `address: ${repository}`;
  return undefined;
}

/** Auth and repository of a spec that passed `validateGitHubSpec`. */
export function githubTargetOf(spec: GitHubSpec): { auth: GitHubAuth; repository: GitHubRepository } {
  const auth = readGitHubAuth(spec);
  const repository = parseGitHubRepository(spec.address);
  if (typeof auth === 'string' || typeof repository === 'string') {
    throw new Error('unreachable: the spec was validated at createNotifier');
  }
  return { auth, repository };
}

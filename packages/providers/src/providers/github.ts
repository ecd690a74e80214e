/**
 * `github`: sets a commit status on the GitHub (or GitHub Enterprise) commit a Flux event refers
 * to, skipping the write when an identical status is already there (upstream
 * `internal/notifier/github.go`; shared algorithms in docs/design/git-providers.md).
 */
import {
  bearerAuth,
  defineProvider,
  type Event,
  type HttpRequest,
  REDACTED,
  type ResolvedSpec,
  requiredString,
  type SendContext,
} from '@notiflux/core';
import { type CommitStatusFields, commitStatusFor } from '../git/commit-status.js';
import { emptyCommitStatusProblem } from '../git/commit-status-id.js';
import { GITHUB_APP_PUBLIC_SECRET_KEYS } from '../git/github-app-token.js';
import {
  createOctokit,
  GITHUB_HEADERS,
  githubCall,
  githubHttpOptions,
  type OctokitModule,
  octokitSdk,
  resolveGitHubToken,
} from '../git/github-octokit.js';
import { type GitHubRepository, githubTargetOf, validateGitHubSpec } from '../git/github-repository.js';
import { listedItems } from '../git/json-answer.js';

const githubSpec = { address: requiredString('the repository URL') };

export { parseGitHubRepository } from '../git/github-repository.js';

/** The commit status GitHub receives (`POST repos/{owner}/{repo}/statuses/{sha}`). */
export interface GitHubCommitStatus {
  sha: string;
  state: string;
  description: string;
  context: string;
}

/**
 * The status for this event, or `undefined` when the event is skipped (`Progressing`).
 * Rejects, in upstream order, a failing `commitStatus`, a missing or unparsable revision and an
 * unmapped severity.
 */
export function githubCommitStatusFor(
  event: Event,
  spec: Pick<ResolvedSpec, 'commitStatus' | 'provider'>,
): GitHubCommitStatus | undefined {
  const fields: CommitStatusFields | undefined = commitStatusFor('github', event, spec);
  if (!fields) return undefined;
  return { sha: fields.sha, state: fields.state, description: fields.description, context: fields.id };
}

/** The create-status request (what `post` sends when no identical status exists). */
export function encodeGitHubCommitStatus(
  status: GitHubCommitStatus,
  repository: GitHubRepository,
  authorization: string,
): HttpRequest {
  const { owner, repo, apiBaseUrl } = repository;
  return {
    transport: 'http',
    method: 'POST',
    url: `${apiBaseUrl}repos/${encodeURIComponent(owner)}/${encodeURIComponent(repo)}/statuses/${encodeURIComponent(status.sha)}`,
    headers: { Authorization: authorization, ...GITHUB_HEADERS, 'Content-Type': 'application/json' },
    body: JSON.stringify({ state: status.state, description: status.description, context: status.context }),
  };
}

interface ListedStatus {
  state?: string | null;
  description?: string | null;
  context?: string | null;
}

/**
 * Upstream's duplicate rule: the first listed status (newest first) with our context, among
 * those having a context, state and description, decides; it is a duplicate when its state and
 * description match.
 */
export function isDuplicateGitHubStatus(
  existing: readonly ListedStatus[],
  status: GitHubCommitStatus,
): boolean {
  for (const listed of existing) {
    if (listed.context == null || listed.state == null || listed.description == null) continue;
    if (listed.context !== status.context) continue;
    return listed.state === status.state && listed.description === status.description;
  }
  return false;
}

type GitHubConfig = ResolvedSpec & { address: string };

export const githubProvider = defineProvider({
  type: 'github',
  category: 'commit-status',
  tlsFromSecret: true,
  http: githubHttpOptions,
  spec: githubSpec,
  publicSecretKeys: GITHUB_APP_PUBLIC_SECRET_KEYS,
  validate: (spec) => emptyCommitStatusProblem(spec) ?? validateGitHubSpec(spec),
  encode(event, spec) {
    const status = githubCommitStatusFor(event, spec);
    if (!status) return [];
    const { auth, repository } = githubTargetOf(spec);
    // An App's installation token is only known after an exchange: show that one is sent.
    const authorization = bearerAuth(auth.kind === 'token' ? auth.token : REDACTED);
    return [encodeGitHubCommitStatus(status, repository, authorization)];
  },
  sdk: octokitSdk,
  send: sendGitHubCommitStatus,
});

async function sendGitHubCommitStatus(
  event: Event,
  context: SendContext<GitHubConfig, OctokitModule>,
): Promise<void> {
  const { spec } = context;
  const status = githubCommitStatusFor(event, spec);
  if (!status) return;
  const { auth, repository } = githubTargetOf(spec);
  const send = context.http.send;
  const { token } = await resolveGitHubToken('github', auth, send);
  const octokit = createOctokit(await context.sdk(), { apiBaseUrl: repository.apiBaseUrl, token, send });
  const redact = (text: string) => context.redactor.with([token]).text(text);
  const { owner, repo } = repository;

  const listed = await githubCall('github', 'could not list commit statuses', redact, () =>
    octokit.rest.repos.listCommitStatusesForRef({ owner, repo, ref: status.sha, per_page: 50 }),
  );
  const existing = listedItems<ListedStatus>('github', 'could not list commit statuses', listed.data);
  if (isDuplicateGitHubStatus(existing, status)) return;

  await githubCall('github', 'could not create commit status', redact, () =>
    octokit.rest.repos.createCommitStatus({
      owner,
      repo,
      sha: status.sha,
      state: status.state as 'success' | 'failure',
      description: status.description,
      context: status.context,
    }),
  );
}

export default githubProvider;

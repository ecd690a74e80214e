/**
 * `gitlab`: sets a commit status on the GitLab commit a Flux event refers to, on gitlab.com or a
 * self-managed GitLab, through `@gitbeaker/rest` with the notifier's transport (upstream
 * `internal/notifier/gitlab.go`). Shared rules: docs/design/git-providers.md.
 */
import {
  defineProvider,
  type Event,
  type HttpRequest,
  type ResolvedSpec,
  requiredString,
  type SendContext,
} from '@notiflux/core';
import { commitStatusFor } from '../git/commit-status.js';
import { emptyCommitStatusProblem } from '../git/commit-status-id.js';
import { gitEventError, prefixError } from '../git/git-errors.js';
import {
  type GitbeakerModule,
  gitbeakerHttpOptions,
  gitbeakerOptions,
  gitbeakerSdk,
} from '../git/gitbeaker-requester.js';
import { gitlabHeaders, gitlabProjectOf, gitlabToken, validateGitLabSpec } from '../git/gitlab-project.js';
import { notAList } from '../git/json-answer.js';

export {
  type GitLabProject,
  gitlabHeaders,
  gitlabProjectOf,
  gitlabToken,
  validateGitLabSpec,
} from '../git/gitlab-project.js';
export { notAList } from '../git/json-answer.js';

const TYPE = 'gitlab';

/** The body of GitLab's set-status call, keys in this order; `description` even when empty. */
export interface GitLabStatusPayload {
  state: string;
  name: string;
  description: string;
}

/**
 * The status to set for the event (state `success`/`failed`, name = commit status id,
 * description from the reason), or undefined for `Progressing` events. Pure.
 */
export function encodeGitLabStatusPayload(
  event: Event,
  spec: Pick<ResolvedSpec, 'commitStatus' | 'provider'>,
): { sha: string; payload: GitLabStatusPayload } | undefined {
  const fields = commitStatusFor(TYPE, event, spec);
  if (!fields) return undefined;
  // The name goes into the list call's query string, which cannot encode a lone surrogate.
  if (!fields.id.isWellFormed()) throw gitEventError(TYPE, malformedStatusName(event));
  return {
    sha: fields.sha,
    payload: { state: fields.state, name: fields.id, description: fields.description },
  };
}

function malformedStatusName(event: Event): string {
  const { kind, name } = event.involvedObject;
  const field = !kind.isWellFormed()
    ? 'involvedObject.kind'
    : !name.isWellFormed()
      ? 'involvedObject.name'
      : 'commitStatus';
  return `${field}: must be valid Unicode text (it holds a lone surrogate) to name a GitLab commit status`;
}

/**
 * GitLab duplicate rule: the list is already filtered by name; any entry on our SHA with the same
 * `status`, `description` and `name` makes the write redundant.
 */
export function isDuplicateGitLabStatus(
  statuses: readonly unknown[],
  sha: string,
  payload: GitLabStatusPayload,
) {
  return statuses.some((entry) => {
    const status = entry as Record<string, unknown> | null;
    return (
      status?.sha === sha &&
      status.status === payload.state &&
      status.description === payload.description &&
      status.name === payload.name
    );
  });
}

type GitLabConfig = ResolvedSpec & { address: string };

export const gitlabProvider = defineProvider({
  type: TYPE,
  category: 'commit-status',
  tlsFromSecret: true,
  http: gitbeakerHttpOptions,
  spec: { address: requiredString('the project URL, https://gitlab.com/<group>/<project>') },
  validate: (spec) => validateGitLabSpec(spec) ?? emptyCommitStatusProblem(spec),
  encode(event, spec): HttpRequest[] {
    const encoded = encodeGitLabStatusPayload(event, spec);
    if (!encoded) return [];
    const { apiBase, projectId } = gitlabProjectOf(spec.address);
    return [
      {
        transport: 'http',
        method: 'POST',
        url: `${apiBase}projects/${encodeURIComponent(projectId)}/statuses/${encodeURIComponent(encoded.sha)}`,
        headers: gitlabHeaders(gitlabToken(spec), true),
        body: JSON.stringify(encoded.payload),
      },
    ];
  },
  sdk: gitbeakerSdk,
  send: sendGitLabStatus,
});

async function sendGitLabStatus(
  event: Event,
  context: SendContext<GitLabConfig, GitbeakerModule>,
): Promise<void> {
  const encoded = encodeGitLabStatusPayload(event, context.spec);
  if (!encoded) return;
  const { sha, payload } = encoded;
  const { hostUrl, projectId } = gitlabProjectOf(context.spec.address);
  const { Commits } = await context.sdk();
  const commits = new Commits(
    gitbeakerOptions({ hostUrl, token: gitlabToken(context.spec), send: context.http.send }),
  );

  let statuses: unknown;
  try {
    statuses = await commits.allStatuses(projectId, sha, { name: payload.name });
  } catch (error) {
    throw prefixError(TYPE, 'unable to list commit status', error);
  }
  if (!Array.isArray(statuses)) throw notAList(TYPE, 'unable to list commit status');
  if (isDuplicateGitLabStatus(statuses, sha, payload)) return;
  // Upstream returns the SDK's error unwrapped here: the transport's NotifierError as it is.
  await commits.editStatus(projectId, sha, payload.state as 'failed', {
    name: payload.name,
    description: payload.description,
  });
}

export default gitlabProvider;

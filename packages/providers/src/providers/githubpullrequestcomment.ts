/**
 * `githubpullrequestcomment`: keeps one status comment per Flux object on a GitHub pull request,
 * created by the first event and edited in place by the next ones (upstream
 * `internal/notifier/github_pull_request_comment.go`; shared algorithms in docs/design/git-providers.md).
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
import {
  changeRequestCommentKey,
  changeRequestMarker,
  changeRequestNumber,
  findOwnComment,
  formatChangeRequestComment,
  GITHUB_COMMENT_KEY_PREFIX,
} from '../git/change-request-comment.js';
import { rememberAuthor, rememberedAuthor } from '../git/comment-author.js';
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

const TYPE = 'githubpullrequestcomment';

const githubPullRequestCommentSpec = { address: requiredString('the repository URL') };

/** The comment for this event: its PR number, the marker that finds it later, and its body. */
export interface GitHubPullRequestComment {
  issueNumber: string;
  marker: string;
  body: string;
}

/**
 * The comment body: the hidden marker, a blank line and Flux's Markdown post. Rejects a missing
 * or non-integer `change_request` before any request.
 */
export function githubPullRequestCommentFor(event: Event, providerUid: string): GitHubPullRequestComment {
  const issueNumber = changeRequestNumber(event, TYPE);
  const marker = changeRequestMarker(GITHUB_COMMENT_KEY_PREFIX, changeRequestCommentKey(event, providerUid));
  return {
    issueNumber,
    marker,
    body: formatChangeRequestComment(event, providerUid, GITHUB_COMMENT_KEY_PREFIX),
  };
}

function repositoryPath({ apiBaseUrl, owner, repo }: GitHubRepository): string {
  return `${apiBaseUrl}repos/${encodeURIComponent(owner)}/${encodeURIComponent(repo)}`;
}

type GitHubCommentConfig = ResolvedSpec & { address: string };

export const githubpullrequestcommentProvider = defineProvider({
  type: TYPE,
  category: 'change-request',
  http: githubHttpOptions,
  spec: githubPullRequestCommentSpec,
  publicSecretKeys: GITHUB_APP_PUBLIC_SECRET_KEYS,
  validate(spec) {
    if (!spec.provider.uid) return 'provider.uid: provider UID cannot be empty';
    return validateGitHubSpec(spec);
  },
  encode(event, spec): HttpRequest[] {
    const comment = githubPullRequestCommentFor(event, spec.provider.uid ?? '');
    const { auth, repository } = githubTargetOf(spec);
    // An App's installation token is only known after an exchange: show that one is sent.
    const authorization = bearerAuth(auth.kind === 'token' ? auth.token : REDACTED);
    return [
      {
        transport: 'http',
        method: 'POST',
        url: `${repositoryPath(repository)}/issues/${comment.issueNumber}/comments`,
        headers: { Authorization: authorization, ...GITHUB_HEADERS, 'Content-Type': 'application/json' },
        body: JSON.stringify({ body: comment.body }),
      },
    ];
  },
  sdk: octokitSdk,
  send: sendGitHubPullRequestComment,
});

interface ListedComment {
  id: number | bigint;
  body?: string | null;
  user?: { login?: string | null } | null;
}

async function sendGitHubPullRequestComment(
  event: Event,
  context: SendContext<GitHubCommentConfig, OctokitModule>,
): Promise<void> {
  const comment = githubPullRequestCommentFor(event, context.spec.provider.uid ?? '');
  const { auth, repository } = githubTargetOf(context.spec);
  const send = context.http.send;
  const { token, slug } = await resolveGitHubToken(TYPE, auth, send, true);
  const octokit = createOctokit(await context.sdk(), { apiBaseUrl: repository.apiBaseUrl, token, send });
  const redact = (text: string) => context.redactor.with([token]).text(text);
  const { owner, repo } = repository;

  // An App comments as `<slug>[bot]`; a PAT as its user, looked up once per notifier.
  let login = slug === undefined ? rememberedAuthor(context.spec) : `${slug}[bot]`;
  if (login === undefined) {
    const user = await githubCall(TYPE, 'failed to get authenticated user info', redact, () =>
      octokit.rest.users.getAuthenticated(),
    );
    login = user.data.login;
    rememberAuthor(context.spec, login);
  }

  // The decimal text as Atoi read it: a Number would round PR numbers beyond 2^53.
  const issue_number = comment.issueNumber as unknown as number;
  // As go-github, PR number 0 lists the comments of the whole repository (upstream quirk kept).
  const wholeRepository = comment.issueNumber === '0';
  const listRoute = wholeRepository
    ? 'GET /repos/{owner}/{repo}/issues/comments'
    : 'GET /repos/{owner}/{repo}/issues/{issue_number}/comments';
  const listed = await githubCall(TYPE, 'failed to list pull request comments', redact, () =>
    octokit.request(listRoute as string, {
      owner,
      repo,
      // Octokit would send a parameter the route does not name as a query parameter.
      ...(wholeRepository ? {} : { issue_number }),
      sort: 'created',
      direction: 'asc',
      per_page: 100,
      headers: { accept: 'application/vnd.github.squirrel-girl-preview' },
    }),
  );
  const comments = listedItems<ListedComment>(TYPE, 'failed to list pull request comments', listed.data);
  const own = findOwnComment(comments, login, comment.marker, (listedComment) => ({
    author: listedComment.user?.login ?? undefined,
    body: listedComment.body ?? undefined,
  }));

  if (own) {
    await githubCall(TYPE, 'failed to update pull request comment', redact, () =>
      octokit.rest.issues.updateComment({ owner, repo, comment_id: Number(own.id), body: comment.body }),
    );
    return;
  }
  await githubCall(TYPE, 'failed to create pull request comment', redact, () =>
    octokit.rest.issues.createComment({ owner, repo, issue_number, body: comment.body }),
  );
}

export default githubpullrequestcommentProvider;

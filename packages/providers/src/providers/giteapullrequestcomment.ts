/**
 * `giteapullrequestcomment`: keeps one status comment per Flux object on a Gitea (or Forgejo) pull
 * request, created by the first event and edited in place by the next ones (upstream
 * `internal/notifier/gitea_pull_request_comment.go`). Shared rules:
 * docs/design/git-providers.md#change-request-comments.
 */
import {
  defineProvider,
  type Event,
  type HttpRequest,
  type HttpResponse,
  NotifierError,
  type ResolvedSpec,
  requiredString,
} from '@notiflux/core';
import {
  changeRequestCommentKey,
  changeRequestMarker,
  changeRequestNumber,
  findOwnComment,
  formatChangeRequestComment,
  GITEA_COMMENT_KEY_PREFIX,
} from '../git/change-request-comment.js';
import { withErrorPrefix } from '../git/git-errors.js';
import {
  ensureGiteaVersion,
  type GiteaRepository,
  giteaLogin,
  giteaRepository,
  giteaRequest,
  giteaToken,
  validateGiteaSpec,
} from '../git/gitea-client.js';
import { parseJsonAnswer } from '../git/json-answer.js';

const TYPE = 'giteapullrequestcomment';

/** The comment for this event: its PR number, the marker that finds it later, and its body. */
export interface GiteaPullRequestComment {
  /** Decimal, as Go's `Atoi` read it from metadata `change_request`. */
  issueNumber: string;
  marker: string;
  body: string;
}

/**
 * The comment for the event: hidden marker, blank line, Flux's Markdown post. Rejects a missing or
 * non-integer `change_request` (`INVALID_EVENT`) before any request.
 */
export function encodeGiteaPullRequestComment(event: Event, providerUid: string): GiteaPullRequestComment {
  const issueNumber = changeRequestNumber(event, TYPE);
  return {
    issueNumber,
    marker: changeRequestMarker(GITEA_COMMENT_KEY_PREFIX, changeRequestCommentKey(event, providerUid)),
    body: formatChangeRequestComment(event, providerUid, GITEA_COMMENT_KEY_PREFIX),
  };
}

type GiteaCommentSpec = Pick<ResolvedSpec, 'provider' | 'token' | 'password'> & { address: string };

/** The calls one post may make, built before any of them is sent. */
interface GiteaCommentCalls {
  comment: GiteaPullRequestComment;
  repository: GiteaRepository;
  token: string;
  list: HttpRequest;
  create: HttpRequest;
}

function giteaCommentCalls(event: Event, spec: GiteaCommentSpec): GiteaCommentCalls {
  const comment = encodeGiteaPullRequestComment(event, spec.provider.uid ?? '');
  // validate() has checked the address and the token at createNotifier.
  const repository = giteaRepository(spec.address) as GiteaRepository;
  const token = giteaToken(spec) ?? '';
  const issueUrl = `${repository.repoUrl}/issues/${comment.issueNumber}`;
  return {
    comment,
    repository,
    token,
    list: {
      // One page of up to 100 comments, oldest first (Gitea's order); no further pages, as upstream.
      ...giteaRequest('GET', `${issueUrl}/comments?limit=100&page=1`, token),
      readResponse: true,
    },
    create: {
      ...giteaRequest('POST', `${issueUrl}/comments`, token, { body: comment.body }),
      readResponse: true,
    },
  };
}

/** A listed comment as far as we read it; `user` is null for deleted accounts. */
interface ListedGiteaComment {
  id?: unknown;
  body?: unknown;
  user?: { login?: unknown } | null;
}

export const giteapullrequestcommentProvider = defineProvider({
  type: TYPE,
  category: 'change-request',
  spec: { address: requiredString('the repository URL, https://<gitea-host>/<owner>/<repo>') },
  validate(spec) {
    if (!spec.provider.uid) return 'provider.uid: provider UID cannot be empty';
    return validateGiteaSpec(spec);
  },
  // What a post sends when it finds no comment of ours to edit.
  encode: (event, spec) => [giteaCommentCalls(event, spec).create],
  async send(event, { spec, http }) {
    const { comment, repository, token, list, create } = giteaCommentCalls(event, spec);
    const send = http.send;
    // Lazy construction work of upstream, in its order; both results are cached per notifier.
    await ensureGiteaVersion(TYPE, spec, repository, token, send);
    const login = await giteaLogin(TYPE, spec, repository, token, send);

    const comments = await withErrorPrefix(TYPE, 'failed to list pull request comments', async () =>
      listedComments(list, await send(list)),
    );
    const own = findOwnComment(comments, login, comment.marker, (listedComment) => ({
      author: typeof listedComment?.user?.login === 'string' ? listedComment.user.login : undefined,
      body: typeof listedComment?.body === 'string' ? listedComment.body : undefined,
    }));

    if (own) {
      await withErrorPrefix(TYPE, 'failed to update pull request comment', async () => {
        const edit = {
          ...giteaRequest('PATCH', `${repository.repoUrl}/issues/comments/${commentId(own)}`, token, {
            body: comment.body,
          }),
          readResponse: true,
        };
        return parseJsonAnswer(TYPE, edit, await send(edit));
      });
      return;
    }
    await withErrorPrefix(TYPE, 'failed to create pull request comment', async () =>
      parseJsonAnswer(TYPE, create, await send(create)),
    );
  },
});

/** The listed comments; like the SDK's decoding, `null` is no comments and a non-array is an error. */
function listedComments(list: HttpRequest, response: HttpResponse): ListedGiteaComment[] {
  const listed = parseJsonAnswer(TYPE, list, response);
  if (listed === null) return [];
  if (Array.isArray(listed)) return listed as ListedGiteaComment[];
  throw new NotifierError(
    'REJECTED',
    `${TYPE}: ${list.method} ${list.url}: the answer is not a list of comments`,
    {
      providerType: TYPE,
      status: response.status,
    },
  );
}

/** The id of a listed comment, as written in the answer. */
function commentId(comment: ListedGiteaComment): string {
  const { id } = comment;
  if (typeof id === 'number' && Number.isSafeInteger(id)) return String(id);
  if (typeof id === 'string' && /^[0-9]+$/.test(id)) return id;
  throw new NotifierError('REJECTED', `${TYPE}: the listed comment has no usable id`, { providerType: TYPE });
}

export default giteapullrequestcommentProvider;

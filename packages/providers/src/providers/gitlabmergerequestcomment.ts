/**
 * `gitlabmergerequestcomment`: keeps one status note per Flux object on a GitLab merge request,
 * created by the first event and edited in place by the next ones, through `@gitbeaker/rest`
 * with the notifier's transport (upstream `internal/notifier/gitlab_merge_request_comment.go`;
 * shared algorithms in docs/design/git-providers.md#change-request-comments).
 */
import {
  defineProvider,
  type Event,
  type HttpRequest,
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
  GITLAB_COMMENT_KEY_PREFIX,
} from '../git/change-request-comment.js';
import { rememberAuthor, rememberedAuthor } from '../git/comment-author.js';
import { prefixError } from '../git/git-errors.js';
import {
  type GitbeakerModule,
  gitbeakerHttpOptions,
  gitbeakerOptions,
  gitbeakerSdk,
} from '../git/gitbeaker-requester.js';
import { gitlabHeaders, gitlabProjectOf, gitlabToken, validateGitLabSpec } from '../git/gitlab-project.js';
import { notAList } from '../git/json-answer.js';

const TYPE = 'gitlabmergerequestcomment';

/** The note for this event: its MR IID, the marker that finds it later, and its body. */
export interface GitLabMergeRequestNote {
  mergeRequestIid: string;
  marker: string;
  body: string;
}

/**
 * The note body: the hidden `flux-mr-comment-key` marker, a blank line and Flux's Markdown post.
 * Rejects a missing or non-integer `change_request` before any request. Pure.
 */
export function encodeGitLabMergeRequestNote(event: Event, providerUid: string): GitLabMergeRequestNote {
  const mergeRequestIid = changeRequestNumber(event, TYPE, 'ParseInt');
  return {
    mergeRequestIid,
    marker: changeRequestMarker(GITLAB_COMMENT_KEY_PREFIX, changeRequestCommentKey(event, providerUid)),
    body: formatChangeRequestComment(event, providerUid, GITLAB_COMMENT_KEY_PREFIX),
  };
}

type GitLabCommentConfig = ResolvedSpec & { address: string };

export const gitlabmergerequestcommentProvider = defineProvider({
  type: TYPE,
  category: 'change-request',
  http: gitbeakerHttpOptions,
  spec: { address: requiredString('the project URL, https://gitlab.com/<group>/<project>') },
  validate(spec) {
    if (!spec.provider.uid) return 'provider.uid: provider UID cannot be empty';
    return validateGitLabSpec(spec);
  },
  encode(event, spec): HttpRequest[] {
    const note = encodeGitLabMergeRequestNote(event, spec.provider.uid ?? '');
    const { apiBase, projectId } = gitlabProjectOf(spec.address);
    return [
      {
        transport: 'http',
        method: 'POST',
        url: `${apiBase}projects/${encodeURIComponent(projectId)}/merge_requests/${note.mergeRequestIid}/notes`,
        headers: gitlabHeaders(gitlabToken(spec), true),
        body: JSON.stringify({ body: note.body }),
      },
    ];
  },
  sdk: gitbeakerSdk,
  send: sendGitLabMergeRequestNote,
});

interface ListedNote {
  id: number;
  body?: string | null;
  author?: { username?: string | null } | null;
}

/** Runs a Gitbeaker call, putting the upstream wording in front of its failure. */
async function call<T>(prefix: string, run: () => Promise<T>): Promise<T> {
  try {
    return await run();
  } catch (error) {
    throw prefixError(TYPE, prefix, error);
  }
}

async function sendGitLabMergeRequestNote(
  event: Event,
  context: SendContext<GitLabCommentConfig, GitbeakerModule>,
): Promise<void> {
  const note = encodeGitLabMergeRequestNote(event, context.spec.provider.uid ?? '');
  const { hostUrl, projectId } = gitlabProjectOf(context.spec.address);
  const options = gitbeakerOptions({ hostUrl, token: gitlabToken(context.spec), send: context.http.send });
  const { Users, MergeRequestNotes } = await context.sdk();

  // The token's user, looked up once per notifier (upstream: at construction).
  let username = rememberedAuthor(context.spec);
  if (username === undefined) {
    const user = await call('failed to get authenticated user info', () =>
      new Users(options).showCurrentUser(),
    );
    const name = (user as { username?: unknown } | null)?.username;
    username = typeof name === 'string' ? name : '';
    rememberAuthor(context.spec, username);
  }

  const notes = new MergeRequestNotes(options);
  // Gitbeaker only writes the IID into the path: its decimal text stays exact past 2^53 (GitLab's are int64).
  const iid = note.mergeRequestIid as unknown as number;
  const listed: unknown = await call('failed to list merge request notes', () =>
    notes.all(projectId, iid, { orderBy: 'created_at', perPage: 100, sort: 'asc', maxPages: 1 }),
  );
  if (!Array.isArray(listed)) throw notAList(TYPE, 'failed to list merge request notes');
  const own = findOwnComment(listed as ListedNote[], username, note.marker, (listedNote) => ({
    author: listedNote.author?.username ?? undefined,
    body: listedNote.body ?? undefined,
  }));

  if (own) {
    await call('failed to update merge request note', () =>
      notes.edit(projectId, iid, own.id, { body: note.body }),
    );
    return;
  }
  await call('failed to create merge request note', () => notes.create(projectId, iid, note.body));
}

export default gitlabmergerequestcommentProvider;

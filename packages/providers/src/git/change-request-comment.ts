/**
 * The pull/merge request comment shared by the three comment types
 * (docs/design/git-providers.md#change-request-comments).
 */
import type { Event, ProviderType } from '@notiflux/core';
import { formatMarkdownPost } from '../formatting/markdown-post.js';
import { gitEventError } from './git-errors.js';
import { goQuote } from './go-quote.js';

export const GITHUB_COMMENT_KEY_PREFIX = 'flux-pr-comment-key';
export const GITEA_COMMENT_KEY_PREFIX = 'flux-pr-comment-key';
export const GITLAB_COMMENT_KEY_PREFIX = 'flux-mr-comment-key';

/** `<provider uid>/<Kind>/<namespace>/<name>`, case kept. */
export function changeRequestCommentKey(event: Pick<Event, 'involvedObject'>, providerUid: string): string {
  const { kind, namespace = '', name } = event.involvedObject;
  return `${providerUid}/${kind}/${namespace}/${name}`;
}

/** `<!-- <prefix>:<comment key> -->`: how a later post finds the comment to update. */
export function changeRequestMarker(prefix: string, commentKey: string): string {
  return `<!-- ${prefix}:${commentKey} -->`;
}

/** The comment body: marker, blank line, then the shared Markdown post. */
export function formatChangeRequestComment(event: Event, providerUid: string, prefix: string): string {
  return `${changeRequestMarker(prefix, changeRequestCommentKey(event, providerUid))}\n\n${formatMarkdownPost(event)}`;
}

/**
 * Go `strconv.ParseInt(value, 10, 64)` (= `Atoi` on 64-bit): optional sign, ASCII digits.
 * Returns the value, or the Go error text (`strconv.Atoi: parsing "x": invalid syntax`).
 */
export function parseGoInt(value: string, functionName = 'Atoi'): { value: bigint } | { error: string } {
  const fail = (reason: string) => ({
    error: `strconv.${functionName}: parsing ${goQuote(value)}: ${reason}`,
  });
  if (!/^[+-]?[0-9]+$/.test(value)) return fail('invalid syntax');
  const parsed = BigInt(value);
  if (parsed > 9223372036854775807n || parsed < -9223372036854775808n) return fail('value out of range');
  return { value: parsed };
}

/**
 * The PR/MR number from metadata `change_request`, as a decimal string; rejects with
 * `INVALID_EVENT` when missing or not a base-10 integer. GitLab passes `ParseInt`.
 */
export function changeRequestNumber(
  event: Pick<Event, 'metadata'>,
  type: ProviderType,
  functionName = 'Atoi',
): string {
  const metadata = event.metadata ?? {};
  if (!Object.hasOwn(metadata, 'change_request')) {
    throw gitEventError(type, 'missing "change_request" metadata key');
  }
  const raw = metadata.change_request ?? '';
  const parsed = parseGoInt(raw, functionName);
  if ('error' in parsed) {
    throw gitEventError(type, `invalid "change_request" metadata value ${goQuote(raw)}: ${parsed.error}`);
  }
  return parsed.value.toString();
}

/** The first comment (oldest first) written by `login` whose body contains `marker`. */
export function findOwnComment<Comment>(
  comments: readonly Comment[],
  login: string,
  marker: string,
  read: (comment: Comment) => { author: string | undefined; body: string | undefined },
): Comment | undefined {
  return comments.find((comment) => {
    const { author, body } = read(comment);
    return author === login && body?.includes(marker) === true;
  });
}

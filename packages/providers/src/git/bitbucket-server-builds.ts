/**
 * The two calls `bitbucketserver` makes to a commit's `/builds` endpoint: read the build status
 * already there under our key (upstream's duplicate check), then post ours. Failures keep
 * upstream's wording.
 */
import { createRequire } from 'node:module';
import { type HttpRequest, type HttpResponse, NotifierError, rewordError } from '@notiflux/core';
import { prefixError } from './git-errors.js';

const TYPE = 'bitbucketserver';

// `node:http` (with `net` and the streams) costs ~5 ms to load; only a refused status needs it.
const requireFromHere = createRequire(import.meta.url);

/** Bitbucket Server's build-status body, keys in upstream's order; `description` omitted when empty. */
export interface BitbucketServerBuildStatusPayload {
  description?: string;
  key: string;
  name: string;
  state: string;
  url: string;
}

export type ExistingBuildStatus = Partial<Record<'key' | 'state' | 'description' | 'name', unknown>>;

/** Upstream's duplicate rule: same key, state, description and name (absent reads as empty). */
export function isSameBuildStatus(
  existing: ExistingBuildStatus,
  ours: BitbucketServerBuildStatusPayload,
): boolean {
  return (
    (existing.key ?? '') === ours.key &&
    (existing.state ?? '') === ours.state &&
    (existing.description ?? '') === (ours.description ?? '') &&
    (existing.name ?? '') === ours.name
  );
}

/** The build status already there under our key (200 only); 404 and other answers below 400 mean none. */
export async function readExistingBuildStatus(
  read: HttpRequest,
  send: (request: HttpRequest) => Promise<HttpResponse>,
): Promise<ExistingBuildStatus | undefined> {
  const prefix = 'could not get existing commit status';
  let response: HttpResponse;
  try {
    response = await send(read);
  } catch (error) {
    if (error instanceof NotifierError && error.code === 'HTTP_STATUS' && error.status === 404)
      return undefined;
    throw prefixError(
      TYPE,
      `${prefix}: failed api call to check duplicate commit status`,
      withStatusLine(error),
    );
  }
  if (response.status !== 200) return undefined;
  const unusable = (detail: string) =>
    new NotifierError(
      'REJECTED',
      `${TYPE}: ${prefix}: could not unmarshal json response body for duplicate commit status: ${detail}`,
      { providerType: TYPE, status: response.status },
    );
  let parsed: unknown;
  try {
    parsed = JSON.parse(response.body);
  } catch (error) {
    // Go's wording for an empty body, which Bitbucket sends when it has nothing to say.
    throw unusable(
      response.body.trim() === ''
        ? 'unexpected end of JSON input'
        : error instanceof Error
          ? error.message
          : String(error),
    );
  }
  // Go decodes `null` into an empty status: no duplicate.
  if (parsed === null) return undefined;
  if (typeof parsed !== 'object' || Array.isArray(parsed)) {
    throw unusable(`cannot unmarshal ${Array.isArray(parsed) ? 'array' : typeof parsed} into a build status`);
  }
  return parsed as ExistingBuildStatus;
}

/** Writes the build status; any answer below 400 is success (Bitbucket answers 204). */
export async function postBuildStatus(
  create: HttpRequest,
  send: (request: HttpRequest) => Promise<HttpResponse>,
): Promise<void> {
  try {
    await send(create);
  } catch (error) {
    throw prefixError(
      TYPE,
      'could not post build status: could not post build commit status',
      withStatusLine(error),
    );
  }
}

/**
 * A final HTTP status worded as upstream (`400 - Bad Request`), the transport error kept as
 * cause. Retryable statuses that exhausted the retries keep the transport's wording, which
 * says how many attempts were made (upstream: `giving up after 5 attempt(s)`).
 */
function withStatusLine(error: unknown): unknown {
  if (
    !(error instanceof NotifierError) ||
    error.code !== 'HTTP_STATUS' ||
    error.status === undefined ||
    error.retryable
  )
    return error;
  const { STATUS_CODES } = requireFromHere('node:http') as typeof import('node:http');
  const phrase = STATUS_CODES[error.status] ?? '';
  return rewordError(error, `${error.status} - ${phrase}`, { providerType: TYPE });
}

/**
 * `bitbucketserver`: sets a build status on a Bitbucket Server / Data Center commit through
 * `/rest/api/latest/projects/{key}/repos/{slug}/commits/{sha}/builds` (upstream
 * `internal/notifier/bitbucketserver.go`). Shared rules: docs/design/git-providers.md.
 */
import { createRequire } from 'node:module';
import { posix } from 'node:path';
import {
  basicAuth,
  bearerAuth,
  defineProvider,
  type Event,
  type HttpRequest,
  type HttpResponse,
  NotifierError,
  type ResolvedSpec,
  requiredString,
  rewordError,
} from '@notiflux/core';
import { commitStatusFor } from '../git/commit-status.js';
import { commitStatusKey, emptyCommitStatusProblem } from '../git/commit-status-id.js';
import { gitEventError, prefixError } from '../git/git-errors.js';
import { goQuote } from '../git/go-quote.js';

const TYPE = 'bitbucketserver';

// `node:http` (with `net` and the streams) costs ~5 ms to load; only a refused status needs it.
const requireFromHere = createRequire(import.meta.url);

export const bitbucketserverProvider = defineProvider({
  type: TYPE,
  category: 'commit-status',
  tlsFromSecret: true,
  spec: {
    address: requiredString('the HTTP(S) clone URL, https://<host>[/<context>]/scm/<PROJECT>/<repo>.git'),
  },
  validate(spec) {
    const parsed = parseBitbucketServerAddress(spec.address);
    if ('problem' in parsed) return `address: could not parse git address: ${parsed.problem}`;
    const commitStatusProblem = emptyCommitStatusProblem(spec);
    if (commitStatusProblem) return commitStatusProblem;
    // A token wins; otherwise both halves of basic auth are needed.
    if (!spec.token && !(spec.username && spec.password)) {
      return 'token: invalid credentials, expected to be one of username/password or API Token';
    }
    return undefined;
  },
  encode: (event, spec) => {
    const status = bitbucketServerBuildStatus(event, spec);
    return status ? [status.create] : [];
  },
  async send(event, { spec, http }) {
    const status = bitbucketServerBuildStatus(event, spec);
    if (!status) return;
    const existing = await readExistingBuildStatus(status.read, http.send);
    if (existing && isSameBuildStatus(existing, status.payload)) return;
    await postBuildStatus(status.create, http.send);
  },
});

/** Where the build-status calls go, parsed from the clone URL. */
export interface BitbucketServerAddress {
  /** `<scheme>://<host[:port]><context>/rest/api/latest/projects/<PROJECT>/repos/<repo>/commits`, no query. */
  commitsUrl: string;
  /** The clone URL's query (`?…`, usually empty): upstream keeps it on the POST. */
  search: string;
}

/**
 * Parses `http(s)://<host>[:port][/<context>]/scm/<PROJECT>/<repo>[.git]`: the context path is
 * whatever precedes the last `/scm/`; project key and slug are kept as written. Never throws:
 * returns why the address is not a clone URL instead.
 */
export function parseBitbucketServerAddress(address: string): BitbucketServerAddress | { problem: string } {
  let url: URL;
  try {
    url = new URL(address);
  } catch (error) {
    return { problem: error instanceof Error ? error.message : String(error) };
  }
  const scheme = url.protocol.slice(0, -1);
  if (scheme !== 'http' && scheme !== 'https') {
    return { problem: `unsupported scheme type in address: ${scheme}. Must be http or https` };
  }
  let path: string;
  try {
    path = decodeURIComponent(url.pathname);
  } catch (error) {
    return { problem: error instanceof Error ? error.message : String(error) };
  }
  if (path.endsWith('.git')) path = path.slice(0, -'.git'.length);
  const scm = path.lastIndexOf('/scm/');
  if (scm === -1) return { problem: 'supplied provider address is not http(s) git clone url' };
  const context = path.slice(0, scm);
  const remainder = path.slice(scm + '/scm/'.length);
  const parts = remainder.split('/');
  if (parts.length !== 2) return { problem: `invalid repository id ${goQuote(remainder)}` };
  const [project = '', repo = ''] = parts;
  const escapedContext = context.split('/').map(encodeURIComponent).join('/');
  // Upstream joins the path with Go's JoinPath, which cleans `//` and dot segments.
  const apiPath = posix.normalize(
    `${escapedContext}/rest/api/latest/projects/${encodeURIComponent(project)}/repos/${encodeURIComponent(repo)}/commits`,
  );
  return { commitsUrl: `${url.protocol}//${url.host}${apiPath}`, search: url.search };
}

/** The commits URL of a clone URL (see `parseBitbucketServerAddress`), or why it is not one. */
export function bitbucketServerCommitsUrl(address: string): string | { problem: string } {
  const parsed = parseBitbucketServerAddress(address);
  return 'problem' in parsed ? parsed : parsed.commitsUrl;
}

/** Bitbucket Server's build-status body, keys in upstream's order; `description` omitted when empty. */
export interface BitbucketServerBuildStatusPayload {
  description?: string;
  key: string;
  name: string;
  state: string;
  url: string;
}

/** The build-status body for the event and its commit, or undefined when skipped (Progressing). */
export function encodeBitbucketServerBuildStatus(
  event: Event,
  spec: Pick<ResolvedSpec, 'commitStatus' | 'provider'> & { address: string },
): { sha: string; payload: BitbucketServerBuildStatusPayload } | undefined {
  let fields: ReturnType<typeof commitStatusFor>;
  try {
    fields = commitStatusFor(TYPE, event, spec);
  } catch (error) {
    // Upstream words an unusable revision `could not parse revision: …`.
    const unparsable = `${TYPE}: failed to extract`;
    if (error instanceof NotifierError && error.message.startsWith(unparsable)) {
      throw gitEventError(TYPE, `could not parse revision: ${error.message.slice(`${TYPE}: `.length)}`);
    }
    throw error;
  }
  if (!fields) return undefined;
  return {
    sha: fields.sha,
    payload: {
      ...(fields.description ? { description: fields.description } : {}),
      key: commitStatusKey(fields.id),
      // Bitbucket shows the name, so it carries the description too.
      name: `${fields.name} [${fields.description}]`,
      state: fields.state,
      url: spec.address,
    },
  };
}

interface BitbucketServerBuildStatus {
  payload: BitbucketServerBuildStatusPayload;
  read: HttpRequest;
  create: HttpRequest;
}

/** Upstream's client gives each attempt 15 s, whatever the post's timeout. */
export const BITBUCKET_SERVER_ATTEMPT_TIMEOUT_MS = 15_000;

function bitbucketServerBuildStatus(
  event: Event,
  spec: Pick<ResolvedSpec, 'commitStatus' | 'provider' | 'token' | 'username' | 'password'> & {
    address: string;
  },
): BitbucketServerBuildStatus | undefined {
  const encoded = encodeBitbucketServerBuildStatus(event, spec);
  if (!encoded) return undefined;
  // validate() has checked the address at createNotifier.
  const { commitsUrl, search } = parseBitbucketServerAddress(spec.address) as BitbucketServerAddress;
  const builds = `${commitsUrl}/${encodeURIComponent(encoded.sha)}/builds`;
  const headers = {
    Authorization: spec.token ? bearerAuth(spec.token) : basicAuth(spec.username ?? '', spec.password ?? ''),
    'x-atlassian-token': 'no-check',
    'x-requested-with': 'XMLHttpRequest',
  };
  return {
    payload: encoded.payload,
    read: {
      transport: 'http',
      method: 'GET',
      // The key query replaces whatever query the clone URL had.
      url: `${builds}?key=${encoded.payload.key}`,
      headers,
      readResponse: true,
      attemptTimeoutMs: BITBUCKET_SERVER_ATTEMPT_TIMEOUT_MS,
    },
    create: {
      transport: 'http',
      method: 'POST',
      url: `${builds}${search}`,
      headers: { ...headers, 'Content-Type': 'application/json' },
      body: JSON.stringify(encoded.payload),
      attemptTimeoutMs: BITBUCKET_SERVER_ATTEMPT_TIMEOUT_MS,
    },
  };
}

type ExistingBuildStatus = Partial<Record<'key' | 'state' | 'description' | 'name', unknown>>;

/** Upstream's duplicate rule: same key, state, description and name (absent reads as empty). */
function isSameBuildStatus(existing: ExistingBuildStatus, ours: BitbucketServerBuildStatusPayload): boolean {
  return (
    (existing.key ?? '') === ours.key &&
    (existing.state ?? '') === ours.state &&
    (existing.description ?? '') === (ours.description ?? '') &&
    (existing.name ?? '') === ours.name
  );
}

/** The build status already there under our key (200 only); 404 and other answers below 400 mean none. */
async function readExistingBuildStatus(
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
async function postBuildStatus(
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

export default bitbucketserverProvider;

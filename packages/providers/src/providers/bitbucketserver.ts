/**
 * `bitbucketserver`: sets a build status on a Bitbucket Server / Data Center commit through
 * `/rest/api/latest/projects/{key}/repos/{slug}/commits/{sha}/builds` (upstream
 * `internal/notifier/bitbucketserver.go`). Spec: bitbucketserver.md, git-common.md.
 */
import { STATUS_CODES } from 'node:http';
import {
  defineProvider,
  type Event,
  type HttpRequest,
  type HttpResponse,
  NotifierError,
  type ResolvedSpec,
  requiredString,
} from '@notiflux/core';
import { basicAuthCredentials } from '../git/basic-auth.js';
import { commitStatusFor } from '../git/commit-status.js';
import { commitStatusKey } from '../git/commit-status-id.js';
import { gitEventError, prefixError } from '../git/git-errors.js';
import { goQuote } from '../git/go-quote.js';

export const bitbucketserverProvider = defineProvider({
  type: 'bitbucketserver',
  spec: {
    address: requiredString('the HTTP(S) clone URL, https://<host>[/<context>]/scm/<PROJECT>/<repo>.git'),
  },
  validate(spec) {
    const base = bitbucketServerCommitsUrl(spec.address);
    if (typeof base !== 'string') return `address: could not parse git address: ${base.problem}`;
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
    const ours = status.payload;
    if (
      existing &&
      existing.key === ours.key &&
      existing.state === ours.state &&
      (existing.description ?? '') === (ours.description ?? '') &&
      (existing.name ?? '') === (ours.name ?? '')
    ) {
      return;
    }
    try {
      await http.send(status.create);
    } catch (error) {
      throw prefixError(
        'bitbucketserver',
        'could not post build status: could not post build commit status',
        withStatusLine(error),
      );
    }
  },
});

/**
 * `<scheme>://<host[:port]><context>/rest/api/latest/projects/<PROJECT>/repos/<repo>/commits`
 * from the clone URL, found at the last `/scm/`; or why the address is not a clone URL.
 */
export function bitbucketServerCommitsUrl(address: string): string | { problem: string } {
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
  return `${url.protocol}//${url.host}${escapedContext}/rest/api/latest/projects/${encodeURIComponent(project)}/repos/${encodeURIComponent(repo)}/commits`;
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
    fields = commitStatusFor('bitbucketserver', event, spec);
  } catch (error) {
    // Upstream words an unusable revision `could not parse revision: …`.
    if (error instanceof NotifierError && error.message.startsWith('bitbucketserver: failed to extract')) {
      throw gitEventError(
        'bitbucketserver',
        `could not parse revision: ${error.message.slice('bitbucketserver: '.length)}`,
      );
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

function bitbucketServerBuildStatus(
  event: Event,
  spec: Pick<ResolvedSpec, 'commitStatus' | 'provider' | 'token' | 'username' | 'password'> & {
    address: string;
  },
): BitbucketServerBuildStatus | undefined {
  const encoded = encodeBitbucketServerBuildStatus(event, spec);
  if (!encoded) return undefined;
  // validate() has checked the address at createNotifier.
  const builds = `${bitbucketServerCommitsUrl(spec.address) as string}/${encodeURIComponent(encoded.sha)}/builds`;
  const headers = {
    Authorization: spec.token
      ? `Bearer ${spec.token}`
      : `Basic ${basicAuthCredentials(spec.username ?? '', spec.password ?? '')}`,
    'x-atlassian-token': 'no-check',
    'x-requested-with': 'XMLHttpRequest',
  };
  return {
    payload: encoded.payload,
    read: {
      transport: 'http',
      method: 'GET',
      url: `${builds}?key=${encoded.payload.key}`,
      headers,
      readResponse: true,
    },
    create: {
      transport: 'http',
      method: 'POST',
      url: builds,
      headers: { ...headers, 'Content-Type': 'application/json' },
      body: JSON.stringify(encoded.payload),
    },
  };
}

type ExistingBuildStatus = Partial<Record<'key' | 'state' | 'description' | 'name', unknown>>;

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
      'bitbucketserver',
      `${prefix}: failed api call to check duplicate commit status`,
      withStatusLine(error),
    );
  }
  if (response.status !== 200) return undefined;
  let parsed: unknown;
  try {
    parsed = JSON.parse(response.body);
  } catch (error) {
    const detail =
      error instanceof SyntaxError && response.body.trim() === ''
        ? 'unexpected end of JSON input'
        : String((error as Error).message);
    throw new NotifierError(
      'REJECTED',
      `bitbucketserver: ${prefix}: could not unmarshal json response body for duplicate commit status: ${detail}`,
      { providerType: 'bitbucketserver', status: response.status },
    );
  }
  if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed)) {
    throw new NotifierError(
      'REJECTED',
      `bitbucketserver: ${prefix}: could not unmarshal json response body for duplicate commit status: not a JSON object`,
      { providerType: 'bitbucketserver', status: response.status },
    );
  }
  return parsed as ExistingBuildStatus;
}

/** An HTTP status failure worded as upstream (`400 - Bad Request`), the full transport error kept as cause. */
function withStatusLine(error: unknown): unknown {
  if (!(error instanceof NotifierError) || error.code !== 'HTTP_STATUS' || error.status === undefined)
    return error;
  const phrase = STATUS_CODES[error.status] ?? '';
  return new NotifierError('HTTP_STATUS', `${error.status} - ${phrase}`, {
    providerType: 'bitbucketserver',
    status: error.status,
    retryable: error.retryable,
    cause: error,
  });
}

export default bitbucketserverProvider;

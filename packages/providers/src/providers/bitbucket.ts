/**
 * `bitbucket`: sets a build status on a Bitbucket Cloud commit (upstream
 * `internal/notifier/bitbucket.go`). Shared rules: docs/design/git-providers.md.
 */
import {
  basicAuth,
  defineProvider,
  type Event,
  field,
  type HttpRequest,
  type HttpResponse,
  NotifierError,
  type ResolvedSpec,
  requiredString,
} from '@notiflux/core';
import { BITBUCKET_API_BASE } from '../git/api-base.js';
import { commitStatusFor } from '../git/commit-status.js';
import { commitStatusKey, emptyCommitStatusProblem } from '../git/commit-status-id.js';
import { prefixError } from '../git/git-errors.js';
import { goQuote } from '../git/go-quote.js';
import { parseJsonAnswer } from '../git/json-answer.js';
import { parseGitAddress, splitRepositoryId } from '../git/repository-address.js';

export const bitbucketProvider = defineProvider({
  type: 'bitbucket',
  category: 'commit-status',
  tlsFromSecret: true,
  spec: {
    address: requiredString('the repository URL, https://bitbucket.org/<workspace>/<repo>'),
    // `<username>:<app password>` or `<email>:<API token>`.
    token: field.string('bitbucket token cannot be empty').minLength(1, 'bitbucket token cannot be empty'),
  },
  validate(spec) {
    const commitStatusProblem = emptyCommitStatusProblem(spec);
    if (commitStatusProblem) return commitStatusProblem;
    if (spec.token.split(':').length !== 2) {
      return 'token: invalid token format, expected to be <user>:<password>';
    }
    const { id } = parseGitAddress(spec.address);
    if (!splitRepositoryId(id, 2)) return `address: invalid repository id ${goQuote(id)}`;
    return undefined;
  },
  encode: (event, spec) => {
    const status = bitbucketBuildStatus(event, spec);
    return status ? [status.create] : [];
  },
  async send(event, { spec, http }) {
    const status = bitbucketBuildStatus(event, spec);
    if (!status) return;
    const existing = await readExistingStatus(status.read, http.send);
    if (existing?.state === status.payload.state && existing.description === status.payload.description)
      return;
    // Upstream returns the SDK's error unwrapped here.
    const response = await http.send(status.create);
    if (response.status !== 204) parseJsonAnswer('bitbucket', status.create, response);
  },
});

/** Bitbucket's build-status body: all five keys, in this order. */
export interface BitbucketBuildStatusPayload {
  key: string;
  url: string;
  state: string;
  name: string;
  description: string;
}

/** The build-status body for the event and the commit it is for, or undefined when skipped (Progressing). */
export function encodeBitbucketBuildStatus(
  event: Event,
  spec: Pick<ResolvedSpec, 'commitStatus' | 'provider'>,
): { sha: string; payload: BitbucketBuildStatusPayload } | undefined {
  const fields = commitStatusFor('bitbucket', event, spec);
  if (!fields) return undefined;
  return {
    sha: fields.sha,
    payload: {
      key: commitStatusKey(fields.id),
      // Bitbucket requires a URL; there is nothing of Flux's to link to.
      url: 'https://bitbucket.org',
      state: fields.state,
      name: fields.name,
      description: fields.description,
    },
  };
}

interface BitbucketBuildStatus {
  payload: BitbucketBuildStatusPayload;
  read: HttpRequest;
  create: HttpRequest;
}

// The SDK accepts these answers only; another 2xx is an error too.
const ACCEPTED_STATUSES = new Set([200, 201, 202, 204]);
const unexpectedStatus = (response: HttpResponse) =>
  ACCEPTED_STATUSES.has(response.status) ? undefined : `unexpected status ${response.status}`;

function bitbucketBuildStatus(
  event: Event,
  spec: Pick<ResolvedSpec, 'commitStatus' | 'provider'> & { address: string; token: string },
): BitbucketBuildStatus | undefined {
  const encoded = encodeBitbucketBuildStatus(event, spec);
  if (!encoded) return undefined;
  // validate() has checked the id at createNotifier; only the id is used, never the address host.
  const [workspace = '', repo = ''] = splitRepositoryId(parseGitAddress(spec.address).id, 2) ?? [];
  const [username = '', password = ''] = spec.token.split(':');
  const authorization = basicAuth(username, password);
  const statuses = `${BITBUCKET_API_BASE}/repositories/${workspace}/${repo}/commit/${encodeURIComponent(encoded.sha)}/statuses/build`;
  return {
    payload: encoded.payload,
    read: {
      transport: 'http',
      method: 'GET',
      url: `${statuses}/${encoded.payload.key}`,
      headers: { Authorization: authorization },
      readResponse: true,
      rejectReason: unexpectedStatus,
    },
    create: {
      transport: 'http',
      method: 'POST',
      url: statuses,
      headers: { Authorization: authorization, 'Content-Type': 'application/json' },
      body: JSON.stringify(encoded.payload),
      readResponse: true,
      rejectReason: unexpectedStatus,
    },
  };
}

/** The build status already there under our key; a 404 means none yet. */
async function readExistingStatus(
  read: HttpRequest,
  send: (request: HttpRequest) => Promise<HttpResponse>,
): Promise<{ state?: unknown; description?: unknown } | undefined> {
  try {
    const response = await send(read);
    const existing = parseJsonAnswer('bitbucket', read, response);
    // Go decodes `null` into an empty status (no duplicate), and fails on any other shape.
    if (existing === null) return undefined;
    if (!isStatusShape(existing)) {
      throw new NotifierError(
        'REJECTED',
        `${read.method} ${read.url}: HTTP ${response.status} but the body is not a build status`,
        { providerType: 'bitbucket', status: response.status },
      );
    }
    return existing;
  } catch (error) {
    if (error instanceof NotifierError && error.code === 'HTTP_STATUS' && error.status === 404)
      return undefined;
    throw prefixError('bitbucket', 'could not get commit status', error);
  }
}

function isStatusShape(value: unknown): value is { state?: string; description?: string } {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return false;
  const { state, description } = value as Record<string, unknown>;
  return [state, description].every(
    (field) => field === undefined || field === null || typeof field === 'string',
  );
}

export default bitbucketProvider;

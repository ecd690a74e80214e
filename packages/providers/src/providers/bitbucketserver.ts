/**
 * `bitbucketserver`: sets a build status on a Bitbucket Server / Data Center commit through
 * `/rest/api/latest/projects/{key}/repos/{slug}/commits/{sha}/builds` (upstream
 * `internal/notifier/bitbucketserver.go`). Shared rules: docs/design/git-providers.md.
 */
import {
  basicAuth,
  bearerAuth,
  defineProvider,
  type Event,
  type HttpRequest,
  NotifierError,
  type ResolvedSpec,
  requiredString,
} from '@notiflux/core';
import { type BitbucketServerAddress, parseBitbucketServerAddress } from '../git/bitbucket-server-address.js';
import {
  type BitbucketServerBuildStatusPayload,
  isSameBuildStatus,
  postBuildStatus,
  readExistingBuildStatus,
} from '../git/bitbucket-server-builds.js';
import { commitStatusFor } from '../git/commit-status.js';
import { commitStatusKey, emptyCommitStatusProblem } from '../git/commit-status-id.js';
import { gitEventError } from '../git/git-errors.js';

export {
  type BitbucketServerAddress,
  bitbucketServerCommitsUrl,
  parseBitbucketServerAddress,
} from '../git/bitbucket-server-address.js';
export type { BitbucketServerBuildStatusPayload } from '../git/bitbucket-server-builds.js';

const TYPE = 'bitbucketserver';

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

export default bitbucketserverProvider;

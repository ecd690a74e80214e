/**
 * `gitea`: sets a commit status on a Gitea (or Forgejo) commit; `Progressing` is reported as
 * `pending` (upstream `internal/notifier/gitea.go`). Shared rules: docs/design/git-providers.md.
 */
import {
  defineProvider,
  type Event,
  type HttpRequest,
  type ResolvedSpec,
  requiredString,
} from '@notiflux/core';
import { commitStatusFor } from '../git/commit-status.js';
import { emptyCommitStatusProblem } from '../git/commit-status-id.js';
import { withErrorPrefix } from '../git/git-errors.js';
import {
  ensureGiteaVersion,
  type GiteaRepository,
  giteaRepository,
  giteaRequest,
  giteaToken,
  validateGiteaSpec,
} from '../git/gitea-client.js';
import { parseJsonAnswer } from '../git/json-answer.js';

export const giteaProvider = defineProvider({
  type: 'gitea',
  category: 'commit-status',
  tlsFromSecret: true,
  spec: { address: requiredString('the repository URL, https://<gitea-host>/<owner>/<repo>') },
  validate: (spec) => emptyCommitStatusProblem(spec) ?? validateGiteaSpec(spec),
  encode: (event, spec) => {
    const status = giteaCommitStatus(event, spec);
    return status ? [status.create] : [];
  },
  async send(event, { spec, http }) {
    const status = giteaCommitStatus(event, spec);
    if (!status) return;
    const { repository, token } = status;
    await ensureGiteaVersion('gitea', spec, repository, token, http.send);
    const list = status.list;
    const statuses = await withErrorPrefix('gitea', 'could not list commit statuses', async () =>
      parseJsonAnswer('gitea', list, await http.send(list)),
    );
    if (isDuplicateGiteaStatus(statuses, status.payload)) return;
    // Upstream returns the SDK's error unwrapped here; the body must still be JSON.
    parseJsonAnswer('gitea', status.create, await http.send(status.create));
  },
});

/** The body of Gitea's create-status call: all four keys, in this order, `target_url` empty. */
export interface GiteaStatusPayload {
  state: string;
  target_url: string;
  description: string;
  context: string;
}

/** The create-status body for the event, or undefined when there is nothing to report. */
export function encodeGiteaStatusPayload(
  event: Event,
  spec: Pick<ResolvedSpec, 'commitStatus' | 'provider'>,
): { sha: string; payload: GiteaStatusPayload } | undefined {
  const fields = commitStatusFor('gitea', event, spec);
  if (!fields) return undefined;
  return {
    sha: fields.sha,
    payload: { state: fields.state, target_url: '', description: fields.description, context: fields.id },
  };
}

interface GiteaCommitStatus {
  repository: GiteaRepository;
  token: string;
  payload: GiteaStatusPayload;
  list: HttpRequest;
  create: HttpRequest;
}

function giteaCommitStatus(
  event: Event,
  spec: Pick<ResolvedSpec, 'commitStatus' | 'provider' | 'token' | 'password'> & { address: string },
): GiteaCommitStatus | undefined {
  const encoded = encodeGiteaStatusPayload(event, spec);
  if (!encoded) return undefined;
  // validate() has checked both at createNotifier.
  const repository = giteaRepository(spec.address) as GiteaRepository;
  const token = giteaToken(spec) ?? '';
  const sha = encodeURIComponent(encoded.sha);
  return {
    repository,
    token,
    payload: encoded.payload,
    list: {
      ...giteaRequest('GET', `${repository.repoUrl}/commits/${sha}/statuses?limit=50&page=1`, token),
      readResponse: true,
    },
    create: {
      ...giteaRequest('POST', `${repository.repoUrl}/statuses/${sha}`, token, encoded.payload),
      readResponse: true,
    },
  };
}

/**
 * Gitea duplicate rule: ignoring entries with an empty `context`, `status` or `description`, the
 * first entry with our context decides (same state and description → duplicate).
 */
export function isDuplicateGiteaStatus(statuses: unknown, payload: GiteaStatusPayload): boolean {
  if (!Array.isArray(statuses)) return false;
  for (const entry of statuses as Record<string, unknown>[]) {
    const context = entry?.context;
    const state = entry?.status;
    const description = entry?.description;
    if (typeof context !== 'string' || typeof state !== 'string' || typeof description !== 'string') continue;
    if (context === '' || state === '' || description === '') continue;
    if (context !== payload.context) continue;
    return state === payload.state && description === payload.description;
  }
  return false;
}

export default giteaProvider;

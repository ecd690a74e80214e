/**
 * `azuredevops`: sets a Git commit status on an Azure DevOps Services (Azure Repos) commit
 * (upstream `internal/notifier/azure_devops.go`, azure-devops-go-api v6). Shared rules:
 * docs/design/git-providers.md. Plain REST over the core transport; the SDK's resource-location discovery
 * (`OPTIONS <org>/_apis`) is skipped in favour of the fixed statuses route.
 */
import {
  basicAuth,
  defineProvider,
  type Event,
  field,
  type HttpRequest,
  type HttpResponse,
  NotifierError,
  type Redactor,
  type ResolvedSpec,
  requiredString,
} from '@notiflux/core';
import { azureDevOpsOrganizationUrl } from '../git/api-base.js';
import { commitStatusFor } from '../git/commit-status.js';
import { emptyCommitStatusProblem } from '../git/commit-status-id.js';
import { withErrorPrefix } from '../git/git-errors.js';
import { goQuote } from '../git/go-quote.js';
import { invalidPortProblem, parseGitAddress, splitRepositoryId } from '../git/repository-address.js';

const TYPE = 'azuredevops';
// notiflux has no Kubernetes workload identity to fall back on (upstream's path without a PAT).
const NO_TOKEN = 'failed to acquire azure devops token: no token configured';
const API_VERSION = '6.0';
const GENRE = 'fluxcd';

export const azuredevopsProvider = defineProvider({
  type: TYPE,
  category: 'commit-status',
  tlsFromSecret: true,
  spec: {
    token: field.string(NO_TOKEN).minLength(1, NO_TOKEN),
    address: requiredString(
      'the repository URL, https://dev.azure.com/<organization>/<project>/_git/<repository>',
    ),
  },
  validate(spec) {
    const commitStatusProblem = emptyCommitStatusProblem(spec);
    if (commitStatusProblem) return commitStatusProblem;
    const repository = azureDevOpsRepository(spec.address);
    if ('problem' in repository) return `address: ${repository.problem}`;
    return undefined;
  },
  encode: (event, spec) => {
    const status = azureDevOpsCommitStatus(event, spec);
    return status ? [status.create] : [];
  },
  async send(event, { spec, http, redactor }) {
    const status = azureDevOpsCommitStatus(event, spec);
    if (!status) return;
    const existing = await withErrorPrefix(TYPE, 'could not list commit statuses', async () =>
      parseStatusList(status.list, await http.send(status.list), redactor),
    );
    if (isDuplicateAzureDevOpsStatus(existing, status.payload)) return;
    await withErrorPrefix(TYPE, 'could not create commit status', async () => {
      // The SDK decodes the created status: an answer that is not JSON is a failure.
      parseJsonAnswer(status.create, await http.send(status.create), redactor);
    });
  },
});

/** Organization URL, project and repository of `https://dev.azure.com/<org>/<project>/_git/<repo>`. */
export interface AzureDevOpsRepository {
  /** `lower(<host URL>/<organization>)`. */
  organizationUrl: string;
  project: string;
  repository: string;
}

/**
 * Splits the address (docs/design/git-providers.md#repository-address) into its four id parts: organization,
 * project, (ignored, normally `_git`), repository. Any other number of parts — the legacy
 * `<org>.visualstudio.com/<project>/_git/<repo>`, collection URLs — is refused, as upstream does.
 */
export function azureDevOpsRepository(address: string): AzureDevOpsRepository | { problem: string } {
  const parsed = parseGitAddress(address);
  const parts = splitRepositoryId(parsed.id, 4);
  if (!parts) return { problem: `invalid repository id ${goQuote(parsed.id)}` };
  // Refuse at createNotifier what upstream would only fail on when sending (`file://`).
  if ((parsed.scheme !== 'https' && parsed.scheme !== 'http') || parsed.host === '') {
    return { problem: 'must be an absolute http(s) URL' };
  }
  const portProblem = invalidPortProblem(parsed);
  if (portProblem) return { problem: portProblem };
  const [organization = '', project = '', , repository = ''] = parts;
  return { organizationUrl: azureDevOpsOrganizationUrl(parsed, organization), project, repository };
}

/** The status genre: `fluxcd:<summary>` when the event has a `summary` (even empty), else `fluxcd`. */
export function azureDevOpsStatusGenre(event: Pick<Event, 'metadata'>): string {
  const metadata = event.metadata ?? {};
  return Object.hasOwn(metadata, 'summary') ? `${GENRE}:${metadata.summary}` : GENRE;
}

/** Azure DevOps' `GitStatus` to create, keys in the SDK's order (no `targetUrl`). */
export interface AzureDevOpsCommitStatusPayload {
  context: { genre: string; name: string };
  description: string;
  state: string;
}

/** The status body for the event and the commit it is for, or undefined when skipped (Progressing). */
export function encodeAzureDevOpsCommitStatus(
  event: Event,
  spec: Pick<ResolvedSpec, 'commitStatus' | 'provider'>,
): { sha: string; payload: AzureDevOpsCommitStatusPayload } | undefined {
  const fields = commitStatusFor(TYPE, event, spec);
  if (!fields) return undefined;
  return {
    sha: fields.sha,
    payload: {
      context: { genre: azureDevOpsStatusGenre(event), name: fields.id },
      description: fields.description,
      state: fields.state,
    },
  };
}

/** A status as listed; fields are checked before use (the list comes from the server). */
export interface ListedAzureDevOpsStatus {
  context?: { genre?: unknown; name?: unknown } | null;
  description?: unknown;
  state?: unknown;
}

/**
 * Upstream's rule: the first listed status with our context name AND genre decides (entries
 * lacking name, genre, state or description are ignored); it is a duplicate when its state and
 * description equal ours.
 */
export function isDuplicateAzureDevOpsStatus(
  statuses: readonly unknown[],
  ours: AzureDevOpsCommitStatusPayload,
): boolean {
  for (const entry of statuses) {
    if (entry === null || typeof entry !== 'object') continue;
    const { context, state, description } = entry as ListedAzureDevOpsStatus;
    const name = context?.name;
    const genre = context?.genre;
    if (
      typeof name !== 'string' ||
      typeof genre !== 'string' ||
      typeof state !== 'string' ||
      typeof description !== 'string'
    )
      continue;
    if (name === ours.context.name && genre === ours.context.genre) {
      return state === ours.state && description === ours.description;
    }
  }
  return false;
}

interface AzureDevOpsStatusRequests {
  payload: AzureDevOpsCommitStatusPayload;
  list: HttpRequest;
  create: HttpRequest;
}

function azureDevOpsCommitStatus(
  event: Event,
  spec: Pick<ResolvedSpec, 'commitStatus' | 'provider'> & { address: string; token: string },
): AzureDevOpsStatusRequests | undefined {
  const encoded = encodeAzureDevOpsCommitStatus(event, spec);
  if (!encoded) return undefined;
  // validate() has checked the address at createNotifier.
  const { organizationUrl, project, repository } = azureDevOpsRepository(
    spec.address,
  ) as AzureDevOpsRepository;
  const statuses = `${organizationUrl}/${encodeURIComponent(project)}/_apis/git/repositories/${encodeURIComponent(repository)}/commits/${encodeURIComponent(encoded.sha)}/statuses`;
  // A PAT (or an Entra access token) is Basic auth with an empty user name.
  const headers = {
    Authorization: basicAuth('', spec.token),
    // Answer 401 instead of redirecting to a sign-in page.
    'X-TFS-FedAuthRedirect': 'Suppress',
    // The SDK asks for the API version in Accept, not in the query.
    Accept: `application/json;api-version=${API_VERSION}`,
  };
  return {
    payload: encoded.payload,
    list: { transport: 'http', method: 'GET', url: statuses, headers, readResponse: true },
    create: {
      transport: 'http',
      method: 'POST',
      url: statuses,
      headers: { ...headers, 'Content-Type': 'application/json;charset=utf-8' },
      body: JSON.stringify(encoded.payload),
      readResponse: true,
    },
  };
}

/** The `value` array of a `{"count":…,"value":[…]}` collection. */
function parseStatusList(request: HttpRequest, response: HttpResponse, redactor: Redactor): unknown[] {
  const collection = parseJsonAnswer(request, response, redactor);
  const value = (collection as { value?: unknown } | null)?.value;
  if (!Array.isArray(value)) {
    throw rejected(request, response, redactor, 'expected a collection {"count":…,"value":[…]}');
  }
  return value;
}

function parseJsonAnswer(request: HttpRequest, response: HttpResponse, redactor: Redactor): unknown {
  // The SDK tolerates a UTF-8 byte order mark.
  const text = response.body.replace(/^\uFEFF/, '');
  try {
    return JSON.parse(text);
  } catch (error) {
    const detail =
      text.trim() === ''
        ? 'unexpected end of JSON input'
        : error instanceof Error
          ? error.message
          : String(error);
    throw rejected(request, response, redactor, `the body is not JSON: ${detail}`);
  }
}

function rejected(request: HttpRequest, response: HttpResponse, redactor: Redactor, detail: string) {
  return new NotifierError(
    'REJECTED',
    redactor.text(
      `${TYPE}: ${request.method} ${redactor.url(request.url)}: HTTP ${response.status} but ${detail}`,
    ),
    { providerType: TYPE, status: response.status },
  );
}

export default azuredevopsProvider;

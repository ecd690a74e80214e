/**
 * What `gitea` and `giteapullrequestcomment` share (upstream `gitea.go`, `gitea_pull_request_comment.go`):
 * address → API base and owner/repo, `Authorization: token`, the server version check the Gitea
 * SDK does before any call, and the per-notifier cache of that check and of the login.
 */
import { type HttpRequest, type HttpResponse, NotifierError, type ProviderType } from '@notiflux/core';
import { giteaApiBase } from './api-base.js';
import { prefixError } from './git-errors.js';
import { goQuote } from './go-quote.js';
import { parseJsonAnswer } from './json-answer.js';
import { invalidPortProblem, parseGitAddress, splitRepositoryId } from './repository-address.js';

export interface GiteaRepository {
  /** `<host URL>/api/v1`. */
  apiBase: string;
  hostUrl: string;
  owner: string;
  repo: string;
  /** `<apiBase>/repos/<owner>/<repo>`, path-escaped. */
  repoUrl: string;
}

/** The repository the address names; a `field: problem` text when it does not name `owner/repo`. */
export function giteaRepository(address: string): GiteaRepository | string {
  const parsed = parseGitAddress(address);
  const parts = splitRepositoryId(parsed.id, 2);
  if (!parts) return `address: invalid repository id ${goQuote(parsed.id)}`;
  const portProblem = invalidPortProblem(parsed);
  if (portProblem) return `address: ${portProblem}`;
  const [owner = '', repo = ''] = parts;
  const apiBase = giteaApiBase(parsed);
  return {
    apiBase,
    hostUrl: parsed.hostUrl,
    owner,
    repo,
    repoUrl: `${apiBase}/repos/${encodeURIComponent(owner)}/${encodeURIComponent(repo)}`,
  };
}

/** The token Gitea calls use: `token`, else `password`. */
export function giteaToken(spec: {
  token?: string | undefined;
  password?: string | undefined;
}): string | undefined {
  return spec.token || spec.password || undefined;
}

/** Construction checks both Gitea types share after their own first one. */
export function validateGiteaSpec(spec: {
  address: string;
  token?: string | undefined;
  password?: string | undefined;
}): string | undefined {
  if (!giteaToken(spec)) return 'token: gitea token cannot be empty';
  const repository = giteaRepository(spec.address);
  return typeof repository === 'string' ? repository : undefined;
}

/** A Gitea API request; bodies are JSON. */
export function giteaRequest(method: string, url: string, token: string, body?: unknown): HttpRequest {
  return {
    transport: 'http',
    method,
    url,
    // The SDK sends the JSON content type on every request, GETs included.
    headers: { Authorization: `token ${token}`, 'Content-Type': 'application/json' },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  };
}

const MINIMUM_VERSION = [1, 11, 0];
// hashicorp/go-version's lenient form: optional `v`, dot-separated numbers, pre-release, build.
const LENIENT_VERSION =
  /^v?([0-9]+(?:\.[0-9]+)*?)(-([0-9]+[0-9A-Za-z\-~]*(\.[0-9A-Za-z\-~]+)*)|(-?([A-Za-z\-~]+[0-9A-Za-z\-~]*(\.[0-9A-Za-z\-~]+)*)))?(\+([0-9A-Za-z\-~]+(\.[0-9A-Za-z\-~]+)*))?$/;

/** Why the server version is not usable (the SDK's wording), or undefined when it is ≥ 1.11.0. */
export function giteaVersionProblem(version: string, hostUrl: string): string | undefined {
  if (version === '') return 'Malformed version: ';
  const match = LENIENT_VERSION.exec(version);
  if (!match?.[1]) return `unknown version: ${version}`;
  const segments = match[1].split('.').map(Number);
  const preRelease = Boolean(match[2]);
  for (let index = 0; index < MINIMUM_VERSION.length; index++) {
    const have = segments[index] ?? 0;
    const want = MINIMUM_VERSION[index] ?? 0;
    if (have > want) return undefined;
    if (have < want) return `gitea server at ${hostUrl} is older than 1.11.0`;
  }
  // Equal numbers: a pre-release of 1.11.0 comes before it.
  return preRelease ? `gitea server at ${hostUrl} is older than 1.11.0` : undefined;
}

type Send = (request: HttpRequest) => Promise<HttpResponse>;

/** Per-notifier state learnt on the first post: the version check passed, the login. */
interface GiteaSession {
  versionChecked: boolean;
  login?: string;
}

// Keyed by the notifier's resolved spec object, which lives as long as the notifier.
const sessions = new WeakMap<object, GiteaSession>();

function sessionOf(spec: object): GiteaSession {
  let session = sessions.get(spec);
  if (!session) {
    session = { versionChecked: false };
    sessions.set(spec, session);
  }
  return session;
}

/**
 * `GET /version` once per notifier before any other call; failures reject with
 * `failed creating Gitea client: <cause>` and are retried by the next post.
 */
export async function ensureGiteaVersion(
  type: ProviderType,
  spec: object,
  repository: GiteaRepository,
  token: string,
  send: Send,
): Promise<void> {
  const session = sessionOf(spec);
  if (session.versionChecked) return;
  const request = { ...giteaRequest('GET', `${repository.apiBase}/version`, token), readResponse: true };
  try {
    const response = await send(request);
    const answer = parseJsonAnswer(type, request, response) as { version?: unknown } | null;
    const version = typeof answer?.version === 'string' ? answer.version : '';
    const problem = giteaVersionProblem(version, repository.hostUrl);
    if (problem) throw new NotifierError('REJECTED', `${type}: ${problem}`, { providerType: type });
  } catch (error) {
    throw prefixError(type, 'failed creating Gitea client', error);
  }
  session.versionChecked = true;
}

/** The authenticated login (`GET /user`), cached per notifier; `failed to get authenticated user info: <cause>`. */
export async function giteaLogin(
  type: ProviderType,
  spec: object,
  repository: GiteaRepository,
  token: string,
  send: Send,
): Promise<string> {
  const session = sessionOf(spec);
  if (session.login !== undefined) return session.login;
  const request = { ...giteaRequest('GET', `${repository.apiBase}/user`, token), readResponse: true };
  try {
    const response = await send(request);
    const user = parseJsonAnswer(type, request, response) as { login?: unknown } | null;
    if (typeof user?.login !== 'string') {
      throw new NotifierError('REJECTED', `${type}: the user answer has no login`, { providerType: type });
    }
    session.login = user.login;
    return user.login;
  } catch (error) {
    throw prefixError(type, 'failed to get authenticated user info', error);
  }
}

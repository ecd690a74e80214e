/**
 * What the three `github*` types share around `@octokit/rest`: the SDK slot, an Octokit whose HTTP goes
 * through the notifier's core transport (retries, deadline, proxy, TLS, dispatcher, onAttempt,
 * redaction: docs/design/sdk-slot.md), the token (PAT or App installation token) and error wrapping.
 */
import {
  bearerAuth,
  NotifierError,
  type ProviderHttpOptions,
  type ProviderSdk,
  type ProviderType,
  rewordError,
  type SendHttp,
  transportFetch,
} from '@notiflux/core';
import type { Octokit } from '@octokit/rest';
import { GITHUB_PUBLIC_API_BASE } from './api-base.js';
import { prefixError } from './git-errors.js';
import {
  type GitHubAppConfig,
  getInstallationToken,
  hasGitHubAppId,
  readGitHubAppConfig,
} from './github-app-token.js';

export type OctokitModule = typeof import('@octokit/rest');

export const GITHUB_API_VERSION = '2022-11-28';

/** Headers every GitHub API call carries (the token is added per call). */
export const GITHUB_HEADERS: Readonly<Record<string, string>> = {
  Accept: 'application/vnd.github.v3+json',
  'X-GitHub-Api-Version': GITHUB_API_VERSION,
};

/** How a `github*` notifier authenticates: a PAT, or a GitHub App's installation token. */
export type GitHubAuth = { kind: 'token'; token: string } | { kind: 'app'; app: GitHubAppConfig };

/**
 * The auth from the resolved spec, or the upstream validation message:
 * the effective token is `token`, else `password`; without one, the Secret's App keys.
 */
export function readGitHubAuth(spec: {
  token?: string | undefined;
  password?: string | undefined;
  secret: Record<string, string>;
}): GitHubAuth | string {
  const token = spec.token || spec.password || '';
  if (token !== '') return { kind: 'token', token };
  if (!hasGitHubAppId(spec.secret)) return 'github token or github app details must be specified';
  const app = readGitHubAppConfig(spec.secret);
  return typeof app === 'string' ? app : { kind: 'app', app };
}

/** `@octokit/rest`, the SDK slot of the three `github*` types (an optional peer, or injected). */
export const octokitSdk: ProviderSdk<OctokitModule> = {
  package: '@octokit/rest',
  load: () => import('@octokit/rest'),
};

/**
 * A `fetch` for Octokit over the core transport's fetch. A 202 and a 2xx body that is not JSON
 * are failures too (as go-github); every request carries the token and API version.
 */
export function octokitFetch(send: SendHttp, extraHeaders: Record<string, string> = {}): typeof fetch {
  const fetchThroughTransport = transportFetch(send, (request) => ({
    ...request,
    headers: { ...request.headers, ...extraHeaders },
    rejectReason: ({ body: text }) =>
      text.trim() === '' || isJson(text) ? undefined : 'the body is not JSON',
  }));
  return async (input, init) => {
    const response = await fetchThroughTransport(input, init);
    if (response.status === 202) {
      const method = init?.method ?? 'GET';
      const url = typeof input === 'string' ? input : input instanceof URL ? input.href : input.url;
      throw new NotifierError('HTTP_STATUS', `${method} ${url}: HTTP 202: accepted but not done`, {
        status: 202,
      });
    }
    return response;
  };
}

function isJson(text: string): boolean {
  try {
    JSON.parse(text);
    return true;
  } catch {
    return false;
  }
}

const githubPublicApiOrigin = new URL(GITHUB_PUBLIC_API_BASE).origin;

/**
 * The GitHub types' transport options. As upstream, the spec's tls (a CA that replaces the
 * system roots, a client certificate) is for GitHub Enterprise; github.com's API is reached as
 * upstream reaches it, without.
 */
export const githubHttpOptions: ProviderHttpOptions = {
  withoutSpecTls: (url) => url.origin === githubPublicApiOrigin,
};

/** An Octokit for one post: Bearer auth as upstream, HTTP through the notifier's transport. */
export function createOctokit(
  module: OctokitModule,
  options: { apiBaseUrl: string; token: string; send: SendHttp },
): Octokit {
  const { send } = options;
  return new module.Octokit({
    baseUrl: options.apiBaseUrl.replace(/\/$/, ''),
    userAgent: 'notiflux',
    request: {
      fetch: octokitFetch(send, {
        authorization: bearerAuth(options.token),
        'x-github-api-version': GITHUB_API_VERSION,
      }),
    },
    // No retry or throttle plugin: the transport retries, so Octokit's own never would.
    // Octokit logs deprecations and 404s; the notifier reports through its errors instead.
    log: { debug: () => {}, info: () => {}, warn: () => {}, error: () => {} },
  });
}

/** The token for this post: the PAT, or a (cached) installation token for the App. */
export async function resolveGitHubToken(
  type: ProviderType,
  auth: GitHubAuth,
  send: SendHttp,
  withSlug = false,
): Promise<{ token: string; slug: string | undefined }> {
  if (auth.kind === 'token') return { token: auth.token, slug: undefined };
  try {
    return await getInstallationToken(auth.app, send, withSlug);
  } catch (error) {
    if (!(error instanceof NotifierError)) throw error;
    throw rewordError(error, `${type}: ${error.message}`, { providerType: type });
  }
}

/**
 * An error of an Octokit call as `<type>: <prefix>: <cause>`: the transport's NotifierError when
 * the failure came from it (code and status kept), else Octokit's own error, redacted.
 */
export function githubCallError(
  type: ProviderType,
  prefix: string,
  error: unknown,
  redact: (text: string) => string,
): NotifierError {
  // The transport's errors already hide the credential headers it sent, should an answer echo them.
  if (error instanceof NotifierError) return prefixError(type, prefix, error);
  const cause = (error as { cause?: unknown } | null)?.cause;
  if (cause instanceof NotifierError) return prefixError(type, prefix, cause);
  const status = (error as { status?: unknown } | null)?.status;
  const message = redact(error instanceof Error ? error.message : String(error));
  return new NotifierError(
    typeof status === 'number' ? 'HTTP_STATUS' : 'NETWORK',
    `${type}: ${prefix}: ${message}`,
    typeof status === 'number' ? { providerType: type, status } : { providerType: type, retryable: true },
  );
}

/** Runs an Octokit call, turning its failure into `githubCallError`. */
export async function githubCall<T>(
  type: ProviderType,
  prefix: string,
  redact: (text: string) => string,
  call: () => Promise<T>,
): Promise<T> {
  try {
    return await call();
  } catch (error) {
    throw githubCallError(type, prefix, error, redact);
  }
}

/**
 * GitHub App authentication for the `github*` types (docs/design/git-providers.md#github-app-authentication):
 * validation of the Secret's App keys, the RS256 JWT, the installation lookup and token exchange, and a
 * process-wide cache of installation tokens.
 */
import { createPrivateKey, createSign, type KeyObject } from 'node:crypto';
import { bearerAuth, type HttpRequest, type HttpResponse, NotifierError, prefixError } from '@notiflux/core';

export interface GitHubAppConfig {
  appId: string;
  installationId: string | undefined;
  installationOwner: string | undefined;
  privateKeyPem: string;
  privateKey: KeyObject;
  /** API base for the App calls, always ending in `/`. */
  baseUrl: string;
}

export interface InstallationToken {
  token: string;
  /** The App's slug, fetched only when asked for (`githubpullrequestcomment`). */
  slug: string | undefined;
}

export const DEFAULT_GITHUB_APP_BASE_URL = 'https://api.github.com/';

/** Go's strconv parsing as the upstream uses it: an unparsable or zero value counts as absent. */
function positiveInteger(value: string | undefined): string | undefined {
  if (value === undefined || !/^[+-]?\d+$/.test(value)) return undefined;
  const parsed = BigInt(value);
  return parsed === 0n ? undefined : parsed.toString();
}

/** The App's Secret keys that name it rather than prove it: shown in messages (only the key is secret). */
export const GITHUB_APP_PUBLIC_SECRET_KEYS = [
  'githubAppID',
  'githubAppInstallationID',
  'githubAppInstallationOwner',
  'githubAppBaseURL',
] as const;

/** True when the Secret asks for App authentication (it has the `githubAppID` key). */
export function hasGitHubAppId(secret: Record<string, string>): boolean {
  return Object.hasOwn(secret, 'githubAppID');
}

/**
 * The App settings from the Secret, or the upstream validation message, checked in upstream
 * order. Only called when the effective token is empty and `githubAppID` is present.
 */
export function readGitHubAppConfig(secret: Record<string, string>): GitHubAppConfig | string {
  const appId = positiveInteger(secret.githubAppID);
  if (appId === undefined) return 'app ID must be provided to use github app authentication';
  const installationId = positiveInteger(secret.githubAppInstallationID);
  const installationOwner = secret.githubAppInstallationOwner || undefined;
  if (installationId === undefined && installationOwner === undefined) {
    return 'app installation owner or ID must be provided to use github app authentication';
  }
  if (installationId !== undefined && installationOwner !== undefined) {
    return 'only one of app installation owner or ID must be provided to use github app authentication';
  }
  const privateKeyPem = secret.githubAppPrivateKey ?? '';
  if (privateKeyPem === '') return 'private key must be provided to use github app authentication';
  let privateKey: KeyObject;
  try {
    privateKey = createPrivateKey({ key: privateKeyPem, format: 'pem' });
  } catch (error) {
    // The cause must not quote the key: node's messages do not.
    return `could not parse private key: ${error instanceof Error ? error.message : String(error)}`;
  }
  if (privateKey.asymmetricKeyType !== 'rsa') {
    return `could not parse private key: expected an RSA key, got ${privateKey.asymmetricKeyType ?? 'unknown'}`;
  }
  const configuredBase = secret.githubAppBaseURL || DEFAULT_GITHUB_APP_BASE_URL;
  const baseUrl = configuredBase.endsWith('/') ? configuredBase : `${configuredBase}/`;
  return { appId, installationId, installationOwner, privateKeyPem, privateKey, baseUrl };
}

const base64url = (value: string | Buffer) => Buffer.from(value).toString('base64url');

/** The App JWT: RS256, issued 30 s in the past (clock drift), valid 2 minutes from its issue. */
export function createGitHubAppJwt(
  app: Pick<GitHubAppConfig, 'appId' | 'privateKey'>,
  nowMs = Date.now(),
): string {
  const issuedAt = Math.floor(nowMs / 1000) - 30;
  const header = base64url(JSON.stringify({ alg: 'RS256', typ: 'JWT' }));
  const claims = base64url(JSON.stringify({ iss: app.appId, exp: issuedAt + 120, iat: issuedAt }));
  const signer = createSign('RSA-SHA256');
  signer.update(`${header}.${claims}`);
  return `${header}.${claims}.${base64url(signer.sign(app.privateKey))}`;
}

type Send = (request: HttpRequest) => Promise<HttpResponse>;

interface CacheEntry {
  value: Promise<InstallationToken>;
  /** Milliseconds since the epoch after which the token is not reused; Infinity while pending. */
  freshUntil: number;
}

const CACHE_LIMIT = 100;
const MAX_CACHE_LIFETIME_MS = 60 * 60 * 1000;
// Shared by every notifier in the process, like upstream's token cache.
const tokenCache = new Map<string, CacheEntry>();

/** Forgets every cached installation token (tests, credential rotation). */
export function clearGitHubAppTokenCache(): void {
  tokenCache.clear();
}

function cacheKey(app: GitHubAppConfig, withSlug: boolean): string {
  return JSON.stringify([
    app.appId,
    app.installationOwner ?? '',
    app.installationId ?? '',
    app.baseUrl,
    app.privateKeyPem,
    withSlug,
  ]);
}

/**
 * An installation token for the App, from the cache while it has more than 20 % of its
 * lifetime left (at most an hour), else exchanged anew. Concurrent callers share one exchange.
 */
export function getInstallationToken(
  app: GitHubAppConfig,
  send: Send,
  withSlug: boolean,
): Promise<InstallationToken> {
  const key = cacheKey(app, withSlug);
  const cached = tokenCache.get(key);
  if (cached && Date.now() < cached.freshUntil) return cached.value;
  const entry: CacheEntry = { value: Promise.resolve({ token: '', slug: undefined }), freshUntil: Infinity };
  entry.value = exchangeInstallationToken(app, send, withSlug).then(
    ({ token, slug, expiresAtMs }) => {
      const now = Date.now();
      entry.freshUntil = now + Math.min(Math.max(0, (expiresAtMs - now) * 0.8), MAX_CACHE_LIFETIME_MS);
      return { token, slug };
    },
    (error: unknown) => {
      // A failed exchange is not cached: the next post tries again.
      if (tokenCache.get(key) === entry) tokenCache.delete(key);
      throw error;
    },
  );
  tokenCache.delete(key);
  tokenCache.set(key, entry);
  // Evict the oldest entries beyond the limit (Map keeps insertion order).
  for (const oldest of tokenCache.keys()) {
    if (tokenCache.size <= CACHE_LIMIT) break;
    tokenCache.delete(oldest);
  }
  return entry.value;
}

function appRequest(method: string, url: string, jwt: string, body?: string): HttpRequest {
  return {
    transport: 'http',
    method,
    url,
    headers: {
      Authorization: bearerAuth(jwt),
      Accept: 'application/vnd.github.v3+json',
      'X-GitHub-Api-Version': '2022-11-28',
      ...(body === undefined ? {} : { 'Content-Type': 'application/json' }),
    },
    ...(body === undefined ? {} : { body }),
    readResponse: true,
  };
}

function parseJsonObject(response: HttpResponse, what: string): Record<string, unknown> {
  try {
    const parsed: unknown = JSON.parse(response.body);
    if (parsed !== null && typeof parsed === 'object') return parsed as Record<string, unknown>;
  } catch {
    // reported below
  }
  throw new NotifierError(
    'REJECTED',
    `${what}: HTTP ${response.status} with a body that is not a JSON object`,
    {
      status: response.status,
    },
  );
}

/** Prefixes an error's message, keeping its code and status (messages are already redacted). */
function prefixAppError(prefix: string, error: unknown): NotifierError {
  if (error instanceof NotifierError) {
    return prefixError(error, prefix);
  }
  const message = error instanceof Error ? error.message : String(error);
  return new NotifierError('NETWORK', `${prefix}: ${message}`, { retryable: true });
}

async function exchangeInstallationToken(
  app: GitHubAppConfig,
  send: Send,
  withSlug: boolean,
): Promise<InstallationToken & { expiresAtMs: number }> {
  // The JWT travels in the Authorization header: the transport hides it should an answer echo it.
  const jwt = createGitHubAppJwt(app);
  let slug: string | undefined;
  if (withSlug) {
    try {
      const info = parseJsonObject(await send(appRequest('GET', `${app.baseUrl}app`, jwt)), 'GET app');
      slug = typeof info.slug === 'string' && info.slug !== '' ? info.slug : undefined;
    } catch (error) {
      throw prefixAppError('failed to get app information', error);
    }
  }
  const installationId = app.installationId ?? (await findInstallationId(app, jwt, send));
  let answer: Record<string, unknown>;
  try {
    const response = await send(
      appRequest('POST', `${app.baseUrl}app/installations/${installationId}/access_tokens`, jwt, 'null'),
    );
    answer = parseJsonObject(response, 'POST access_tokens');
  } catch (error) {
    throw prefixAppError('failed to create installation access token', error);
  }
  const token = typeof answer.token === 'string' ? answer.token : '';
  if (token === '') {
    throw new NotifierError(
      'REJECTED',
      'failed to create installation access token: the answer has no token',
    );
  }
  const expiresAtMs = typeof answer.expires_at === 'string' ? Date.parse(answer.expires_at) : Number.NaN;
  // Without a usable expiry, reuse the token for a minute at most.
  return { token, slug, expiresAtMs: Number.isNaN(expiresAtMs) ? Date.now() + 75_000 : expiresAtMs };
}

async function findInstallationId(app: GitHubAppConfig, jwt: string, send: Send): Promise<string> {
  const owner = encodeURIComponent(app.installationOwner ?? '');
  const lookup = async (url: string) => {
    const found = parseJsonObject(await send(appRequest('GET', url, jwt)), `GET ${url}`);
    if (typeof found.id !== 'number' && typeof found.id !== 'string') {
      throw new NotifierError('REJECTED', `GET ${url}: the answer has no installation id`);
    }
    return String(found.id);
  };
  try {
    return await lookup(`${app.baseUrl}orgs/${owner}/installation`);
  } catch (orgError) {
    try {
      return await lookup(`${app.baseUrl}users/${owner}/installation`);
    } catch (userError) {
      const first = prefixAppError('failed to find organization installation', orgError);
      const second = prefixAppError('failed to find user installation', userError);
      return Promise.reject(
        new NotifierError(second.code, `${first.message}\n${second.message}`, {
          status: second.status,
          retryable: second.retryable,
          cause: second,
        }),
      );
    }
  }
}

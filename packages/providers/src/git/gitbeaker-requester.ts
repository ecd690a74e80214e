/**
 * What the two `gitlab*` types share around `@gitbeaker/rest`: the SDK slot and a Gitbeaker
 * `requesterFn` whose HTTP goes through the notifier's core transport (retries, deadline, proxy, TLS,
 * dispatcher, onAttempt, redaction: docs/design/sdk-slot.md) instead of Gitbeaker's own fetch
 * loop and rate limiter.
 */
import { type ProviderHttpOptions, type ProviderSdk, type SendHttp, transportFetch } from '@notiflux/core';

export type GitbeakerModule = typeof import('@gitbeaker/rest');

/** `@gitbeaker/rest`, the SDK slot of the two `gitlab*` types (an optional peer, or injected). */
export const gitbeakerSdk: ProviderSdk<GitbeakerModule> = {
  package: '@gitbeaker/rest',
  load: () => import('@gitbeaker/rest'),
};

/** What Gitbeaker's resources hand a requester: the API URL and the headers it computed. */
interface ServiceOptions {
  url: string;
  headers?: Record<string, string>;
  authHeaders?: Record<string, () => Promise<string>>;
}

interface RequestOptions {
  body?: unknown;
  searchParams?: Record<string, unknown>;
}

interface GitbeakerResponse {
  body: unknown;
  headers: Record<string, string>;
  status: number;
}

/** `perPage` → `per_page`, as Gitbeaker's own requester does (xcase `decamelizeKeys`). */
const snakeCase = (key: string) => key.replace(/[A-Z]/g, (letter) => `_${letter.toLowerCase()}`);

/**
 * The query string as Gitbeaker's `formatQuery` writes it (qs, RFC 3986 escaping, keys in the
 * order given), for the flat scalar options these types use.
 */
export function gitbeakerQuery(searchParams: Record<string, unknown> | undefined): string {
  const parts: string[] = [];
  for (const [key, value] of Object.entries(searchParams ?? {})) {
    if (value === undefined || value === null) continue;
    parts.push(`${encodeURIComponent(snakeCase(key))}=${encodeURIComponent(String(value))}`);
  }
  return parts.length === 0 ? '' : `?${parts.join('&')}`;
}

function bodyOf(body: unknown): string | undefined {
  if (body === undefined || body === null) return undefined;
  if (typeof body !== 'object' || Array.isArray(body)) return JSON.stringify(body);
  return JSON.stringify(
    Object.fromEntries(Object.entries(body).map(([key, value]) => [snakeCase(key), value])),
  );
}

/**
 * Response headers, lower-cased, without `link`: Gitbeaker follows a `rel="next"` link unless
 * `maxPages` and `perPage` are both given, and these types only ever read one page (the specs').
 */
function flatHeaders(headers: Headers): Record<string, string> {
  const flat: Record<string, string> = {};
  headers.forEach((value, name) => {
    if (name !== 'link') flat[name] = value;
  });
  return flat;
}

/** The GitLab types' transport options: GitLab's Go client, which they follow, counts 304 as success. */
export const gitbeakerHttpOptions: ProviderHttpOptions = { successStatuses: [304] };

/**
 * A Gitbeaker `requesterFn` sending through the core transport's fetch. Non-2xx answers and
 * transport failures are the transport's NotifierErrors, thrown as they are; a JSON body is
 * parsed, else kept as text.
 */
export function requesterThroughTransport(send: SendHttp) {
  const fetchThroughTransport = transportFetch(send);
  return (service: ServiceOptions) => {
    const request =
      (method: string) =>
      async (endpoint: string, options: RequestOptions = {}): Promise<GitbeakerResponse> => {
        const headers: Record<string, string> = { accept: 'application/json', ...service.headers };
        for (const [name, value] of Object.entries(service.authHeaders ?? {})) headers[name] = await value();
        const body = bodyOf(options.body);
        if (body !== undefined) headers['content-type'] = 'application/json';
        const base = service.url.endsWith('/') ? service.url : `${service.url}/`;
        const response = await fetchThroughTransport(
          `${base}${endpoint}${gitbeakerQuery(options.searchParams)}`,
          { method, headers, ...(body === undefined ? {} : { body }) },
        );
        const text = await response.text();
        // As Gitbeaker: a 204 has no body; JSON is parsed; anything else stays text. An empty
        // 2xx body becomes null, which callers expecting a list reject.
        let parsed: unknown = text;
        try {
          parsed = response.status === 204 || text === '' ? null : JSON.parse(text);
        } catch {
          // not JSON: Gitbeaker gets the text
        }
        return { body: parsed, headers: flatHeaders(response.headers), status: response.status };
      };
    return {
      get: request('GET'),
      post: request('POST'),
      put: request('PUT'),
      patch: request('PATCH'),
      delete: request('DELETE'),
    };
  };
}

/** What Gitbeaker's resource constructors take (`BaseResourceOptions<false>`). */
export type GitbeakerResourceOptions = ConstructorParameters<GitbeakerModule['Users']>[0];
type GitbeakerRequesterFn = NonNullable<GitbeakerResourceOptions['requesterFn']>;

/** Resource options for Gitbeaker: host, token and the transport-backed requester. */
export function gitbeakerOptions(options: {
  hostUrl: string;
  token: string;
  send: SendHttp;
}): GitbeakerResourceOptions {
  return {
    host: options.hostUrl,
    token: options.token,
    // Gitbeaker types each call's body generically; ours hands back whatever JSON was answered.
    requesterFn: requesterThroughTransport(options.send) as unknown as GitbeakerRequesterFn,
    // Our transport has its own retries and deadline; Gitbeaker's limiter would only add waits
    // (and a custom requester replaces Gitbeaker's own retry loop on 429 and 502).
    rateLimits: {},
  };
}

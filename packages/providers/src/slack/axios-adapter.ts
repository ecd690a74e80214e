/**
 * A WHATWG fetch as an axios adapter: `@slack/web-api` 7 sends with axios, and is given the
 * same fetch on the core transport that version 8 takes as its `fetch` option.
 */

/** What WebClient 7 hands its axios adapter (the parts used here). */
interface AxiosLikeConfig {
  url?: string;
  baseURL?: string;
  method?: string;
  headers?: unknown;
  data?: unknown;
}

/** The fetch as an axios adapter, for WebClient 7. */
export function axiosAdapter(fetchThroughTransport: typeof fetch) {
  return async (config: AxiosLikeConfig) => {
    const path = config.url ?? '';
    const url = /^https?:\/\//.test(path) ? path : `${config.baseURL ?? ''}${path}`;
    try {
      const response = await fetchThroughTransport(url, {
        method: (config.method ?? 'get').toUpperCase(),
        headers: plainHeaders(config.headers),
        ...(typeof config.data === 'string' ? { body: config.data } : {}),
      });
      return {
        data: await response.text(),
        status: response.status,
        statusText: '',
        headers: Object.fromEntries(response.headers),
        config,
        request: {},
      };
    } catch (error) {
      // WebClient 7 wraps errors that carry `request` as WebAPIRequestError, as axios' own would be.
      throw Object.assign(error as Error, { request: {} });
    }
  };
}

/** Axios headers (an AxiosHeaders instance or a plain object) as strings; unset ones dropped. */
function plainHeaders(headers: unknown): Record<string, string> {
  const source =
    headers && typeof (headers as { toJSON?: unknown }).toJSON === 'function'
      ? (headers as { toJSON(): unknown }).toJSON()
      : headers;
  const plain: Record<string, string> = {};
  if (source && typeof source === 'object') {
    for (const [name, value] of Object.entries(source)) {
      if (typeof value === 'string' || typeof value === 'number') plain[name] = String(value);
    }
  }
  return plain;
}

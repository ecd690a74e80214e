import { mergeHeaders } from './headers.js';
import type { HttpRequest } from './http-transport.js';

export interface JsonRequestOptions extends Omit<HttpRequest, 'transport' | 'method' | 'headers' | 'body'> {
  /** `POST` unless given. */
  method?: string;
  /** The user's headers: sent first, they never replace `Content-Type` or `fixedHeaders`. */
  headers?: Record<string, string> | undefined;
  /** What the provider itself must send (auth, API key, Accept), set after `Content-Type`. */
  fixedHeaders?: Record<string, string> | undefined;
  /** The JSON, already encoded: each provider's encoder decides the exact bytes (Go's escaping). */
  body: string;
}

/**
 * A JSON request as the HTTP providers send it: the user's headers, then `Content-Type:
 * application/json`, then the provider's own, so a user header can never replace either
 * (whatever its spelling).
 */
export function jsonRequest(options: JsonRequestOptions): HttpRequest {
  const { method = 'POST', url, headers, fixedHeaders, body, ...rest } = options;
  return {
    transport: 'http',
    method,
    url,
    headers: mergeHeaders(headers, { 'Content-Type': 'application/json' }, fixedHeaders),
    body,
    ...rest,
  };
}

/**
 * Reading the JSON of a git host's 2xx answer: a body that is not JSON fails the call as
 * `REJECTED`, as the Go SDKs' decoding does, naming the request but not its credentials (request
 * URLs of the transport-backed git types carry none).
 */
import { type HttpRequest, type HttpResponse, NotifierError, type ProviderType } from '@notiflux/core';

export function parseJsonAnswer(type: ProviderType, request: HttpRequest, response: HttpResponse): unknown {
  try {
    return JSON.parse(response.body);
  } catch (error) {
    const detail = error instanceof Error ? error.message : String(error);
    throw new NotifierError(
      'REJECTED',
      `${type}: ${request.method} ${request.url}: HTTP ${response.status} but the body is not JSON: ${detail}`,
      { providerType: type, status: response.status },
    );
  }
}

/** A 2xx list answer that is not a JSON array (upstream: a decode error such as `EOF`). */
export function notAList(type: ProviderType, prefix: string): NotifierError {
  return new NotifierError('REJECTED', `${type}: ${prefix}: the response is not a JSON array`, {
    providerType: type,
  });
}

/**
 * The items of a list answer as go-github decodes them: `null` is no items, anything else but an
 * array rejects the post (`REJECTED`) before any write.
 */
export function listedItems<T>(type: ProviderType, prefix: string, data: unknown): T[] {
  if (data === null || data === undefined) return [];
  if (Array.isArray(data)) return data as T[];
  throw notAList(type, prefix);
}

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

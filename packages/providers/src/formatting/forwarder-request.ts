import {
  type Event,
  encodeFluxEventJson,
  type HttpRequest,
  hasHeader,
  headerValueFromEvent,
  mergeHeaders,
  type ProviderType,
} from '@notiflux/core';

/**
 * The forwarder request `generic` and `generic-hmac` share: `Content-Type`, `Gotk-Component`,
 * then the user's headers, which may override both (as upstream).
 */
export function encodeGenericRequest(
  event: Event,
  spec: { type: ProviderType; address: string; headers: Record<string, string> },
  body: string = encodeFluxEventJson(event),
): HttpRequest {
  const userHeaders = !isEmpty(spec.headers);
  const component =
    userHeaders && hasHeader(spec.headers, 'Gotk-Component')
      ? event.reportingController
      : headerValueFromEvent('reportingController', 'Gotk-Component', event.reportingController, spec.type);
  const own = { 'Content-Type': 'application/json', 'Gotk-Component': component };
  return {
    transport: 'http',
    method: 'POST',
    url: spec.address,
    // Most specs have no headers of their own: skip the merge on the hot path.
    headers: userHeaders ? mergeHeaders(own, spec.headers) : own,
    body,
  };
}

function isEmpty(headers: Record<string, string>): boolean {
  for (const _name in headers) return false;
  return true;
}

/**
 * `generic-hmac`: the `generic` webhook plus `X-Signature: sha256=<hex>`, an HMAC of the exact
 * body bytes keyed with `token` (upstream `forwarder.go` with a key). Receivers verify it with
 * `@notiflux/hmac`.
 */
import {
  defineProvider,
  encodeFluxEventJson,
  httpAddress,
  mergeHeaders,
  requiredString,
} from '@notiflux/core';
import { sign } from '@notiflux/hmac';
import { encodeGenericRequest } from './generic.js';

export const genericHmacProvider = defineProvider({
  type: 'generic-hmac',
  spec: {
    address: httpAddress,
    token: requiredString('the HMAC key'),
  },
  encode(event, spec) {
    // Serialised once: the signed bytes are the sent bytes.
    const body = encodeFluxEventJson(event);
    const request = encodeGenericRequest(event, spec, body);
    // Applied last, so it replaces an X-Signature from the user's headers (as upstream).
    return [
      { ...request, headers: mergeHeaders(request.headers, { 'X-Signature': sign(body, spec.token) }) },
    ];
  },
});

export default genericHmacProvider;

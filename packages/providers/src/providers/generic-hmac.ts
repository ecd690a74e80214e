/**
 * `generic-hmac`: the `generic` webhook plus `X-Signature: sha256=<hex>`, an HMAC of the exact
 * body bytes keyed with `token` (upstream `forwarder.go` with a key). Receivers verify it with
 * `@notiflux/hmac`. `signature: 'standard-webhooks'` (or `'both'`) adds the replay-safe
 * Standard Webhooks headers, signed anew for every attempt.
 */
import {
  defineProvider,
  encodeFluxEventJson,
  field,
  httpAddress,
  mergeHeaders,
  requiredString,
} from '@notiflux/core';
import { deriveStandardWebhookId, sign, signStandardWebhook } from '@notiflux/hmac';
import { encodeGenericRequest } from '../formatting/forwarder-request.js';

export const genericHmacProvider = defineProvider({
  type: 'generic-hmac',
  category: 'generic',
  spec: {
    address: httpAddress,
    token: requiredString('the HMAC key'),
    signature: field
      .oneOf(
        ['x-signature', 'standard-webhooks', 'both'],
        "must be 'x-signature', 'standard-webhooks' or 'both'",
      )
      .withDefault('x-signature'),
  },
  encode(event, spec) {
    // Serialised once: the signed bytes are the sent bytes.
    const body = encodeFluxEventJson(event);
    const request = encodeGenericRequest(event, spec, body);
    const headers =
      spec.signature === 'standard-webhooks'
        ? request.headers
        : // Applied last, so it replaces an X-Signature from the user's headers (as upstream).
          mergeHeaders(request.headers, { 'X-Signature': sign(body, spec.token) });
    if (spec.signature === 'x-signature') return [{ ...request, headers }];

    // The id stays the same across retries (receivers drop duplicates by it); the timestamp,
    // and so the signature, belong to each attempt.
    const id = deriveStandardWebhookId(body);
    // A `whsec_` secret is base64 as the specification has it; any other token is its UTF-8 bytes, as for X-Signature.
    const secret = spec.token.startsWith('whsec_') ? spec.token : Buffer.from(spec.token, 'utf8');
    const attemptHeaders = (): Record<string, string> => ({
      ...signStandardWebhook({ id, timestamp: Math.floor(Date.now() / 1000), body, secrets: [secret] }),
    });
    return [{ ...request, headers, attemptHeaders }];
  },
});

export default genericHmacProvider;

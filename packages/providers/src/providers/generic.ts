/**
 * `generic`: the Flux event, unchanged, as JSON in a POST to any webhook
 * (upstream `internal/notifier/forwarder.go`).
 */
import { defineProvider, httpAddress } from '@notiflux/core';
import { encodeGenericRequest } from '../formatting/forwarder-request.js';

export const genericProvider = defineProvider({
  type: 'generic',
  category: 'generic',
  spec: { address: httpAddress },
  encode: (event, spec) => [encodeGenericRequest(event, spec)],
});

export { encodeGenericRequest } from '../formatting/forwarder-request.js';

export default genericProvider;

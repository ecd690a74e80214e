/**
 * Standard Webhooks on a whole request: headers and timestamp are judged before the body is
 * read, then the raw bytes (size-capped like `verifyRequest`) are checked.
 */
import type { IncomingRequest } from './raw-body.js';
import { checkMaxBodyBytes, defaultMaxBodyBytes, readRawBody } from './raw-body.js';
import { type StandardWebhookSecret, standardWebhookKeys } from './standard-webhook-secret.js';
import {
  checkStandardWebhookHeaders,
  type StandardWebhookCheckOptions,
  type VerifiedStandardWebhook,
  verifyStandardWebhookBody,
} from './standard-webhooks.js';

export interface VerifyStandardWebhookRequestOptions extends Omit<StandardWebhookCheckOptions, 'secrets'> {
  /** Default 3 MiB, as `verifyRequest`. */
  maxBodyBytes?: number;
}

export interface VerifiedStandardWebhookRequest extends VerifiedStandardWebhook {
  /** The verified raw body. */
  body: Uint8Array;
}

export async function verifyStandardWebhookRequest(
  request: IncomingRequest,
  secrets: StandardWebhookSecret | readonly StandardWebhookSecret[],
  options: VerifyStandardWebhookRequestOptions = {},
): Promise<VerifiedStandardWebhookRequest> {
  const maxBodyBytes = options.maxBodyBytes ?? defaultMaxBodyBytes;
  checkMaxBodyBytes(maxBodyBytes);
  standardWebhookKeys(secrets);
  const checked = checkStandardWebhookHeaders(request.headers, options);
  const body = await readRawBody(request, maxBodyBytes);
  return { ...verifyStandardWebhookBody(checked, body, secrets), body };
}

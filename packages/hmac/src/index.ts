/**
 * @notiflux/hmac: sign and verify Flux `X-Signature` webhooks (the `generic-hmac` provider) and
 * the other HMAC schemes receivers meet (GitHub, Foundries.io jobserv, Standard Webhooks), with
 * raw-body request verification for node:http, Express, Fastify, Hono and fetch `Request`s.
 * Runtime dependencies: Node built-ins only.
 */

export { type ExpressVerifierMiddleware, expressVerifier } from './adapters/express.js';
export { type SignatureFailureResponse, signatureFailureResponse } from './adapters/failure-response.js';
export {
  type FastifyReplyLike,
  type FastifyRequestLike,
  type FastifyVerifierHook,
  fastifyVerifier,
} from './adapters/fastify.js';
export { type HonoContextLike, type HonoVerifierMiddleware, honoVerifier } from './adapters/hono.js';
export { defaultHmacAlgorithms, type HmacAlgorithm, hmacAlgorithms, hmacDigestLength } from './algorithms.js';
export type { ByteInput } from './byte-input.js';
export type { DigestEncoding } from './digest-encoding.js';
export { githubSignatureScheme, signGitHubPayload, verifyGitHubSignature } from './github.js';
export { jobServSignatureScheme, signJobServPayload, verifyJobServSignature } from './jobserv.js';
export { BodyAlreadyReadError, defaultMaxBodyBytes, type IncomingRequest } from './raw-body.js';
export type { HeaderSource } from './request-headers.js';
export { isSignatureError, SignatureError, type SignatureFailureReason } from './signature-error.js';
export {
  defineSignatureScheme,
  type SignatureHeaderValue,
  type SignatureScheme,
  type SignatureSchemeOptions,
  type SignatureSeparator,
  signWithScheme,
  verifyWithScheme,
  verifyWithSchemeOrThrow,
} from './signature-scheme.js';
export {
  generateStandardWebhookSecret,
  type StandardWebhookSecret,
} from './standard-webhook-secret.js';
export {
  defaultStandardWebhookToleranceSeconds,
  deriveStandardWebhookId,
  type SignStandardWebhookInput,
  type StandardWebhookCheckOptions,
  type StandardWebhookHeaders,
  signStandardWebhook,
  type VerifiedStandardWebhook,
  type VerifyStandardWebhookInput,
  verifyStandardWebhook,
} from './standard-webhooks.js';
export {
  type VerifiedStandardWebhookRequest,
  type VerifyStandardWebhookRequestOptions,
  verifyStandardWebhookRequest,
} from './standard-webhooks-request.js';
export { type VerifyRequestOptions, verifyRequest } from './verify-request.js';
export { fluxSignatureScheme, sign, type VerifyOptions, verify, verifyOrThrow } from './x-signature.js';

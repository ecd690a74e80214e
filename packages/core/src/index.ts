/** undici's Dispatcher, re-exported so providers and users need no direct undici dependency for types. */
export type { Dispatcher } from 'undici';
export { Deadline } from './deadline.js';
export type {
  AnyProviderDefinition,
  ConnectContext,
  EncodedMessage,
  OutgoingMessage,
  ProviderConfig,
  ProviderConnection,
  ProviderDefinition,
  ProviderHttpOptions,
  ProviderSdk,
  ProviderSpecOf,
  SendContext,
  ShowContext,
  SpecWithShape,
} from './define-provider.js';
export { defineProvider } from './define-provider.js';
export {
  hasChangeRequestKey,
  hasCommitKey,
  isCommitStatusUpdate,
  shouldDeliverToCategory,
} from './delivery-rules.js';
export { parseDurationMs } from './duration.js';
export type { NotifierErrorCode, NotifierErrorOptions, RewordOptions } from './errors.js';
export { isNotifierError, NotifierError, prefixError, rewordError } from './errors.js';
export type { Event, ObjectReference, Severity } from './event.js';
export { parseEvent, parseFluxTimestamp } from './event.js';
export type { AlertMetadata, MetadataConflict, NormalizeOptions } from './event-metadata.js';
export { EVENT_METADATA_PREFIX, getRevision, groupOf, normalizeEventMetadata } from './event-metadata.js';
export { compareUtf8, encodeFluxEventJson, stringifyLikeGo } from './flux-event-json.js';
export {
  basicAuth,
  basicAuthFromAddress,
  basicAuthFromUserinfo,
  basicCredentials,
  bearerAuth,
} from './http/auth-headers.js';
export type { ConnectionSettings } from './http/dispatcher.js';
export { createDispatcher as createHttpDispatcher } from './http/dispatcher.js';
export { hasHeader, headerValueFromEvent, mergeHeaders } from './http/headers.js';

export type { AttemptInfo, HttpRequest, HttpResponse } from './http/http-transport.js';
export type { JsonRequestOptions } from './http/json-request.js';
export { jsonRequest } from './http/json-request.js';
export {
  backoffDelayMs,
  isRetryableStatus,
  isRetryableTransportError,
  proxyRefusalStatus,
  retryAfterMs,
} from './http/retry-policy.js';
export type { SendHttp, ShapeRequest } from './http/transport-fetch.js';
export { transportFetch } from './http/transport-fetch.js';
export type { CreateNotifier, CreateOptions, Notifier, ProviderSpecWithFields } from './notifier.js';
export { configureProvider, createNotifierFactory } from './notifier.js';
export type { OptionalPeerNeed } from './optional-peer.js';
export { importOptionalPeer } from './optional-peer.js';
export type {
  ProviderIdentity,
  ProviderSpec,
  ResolvedSpec,
  RetryOptions,
  SecretSuppliedField,
  TlsOptions,
} from './provider-spec.js';
export {
  DEFAULT_RETRY,
  DEFAULT_TIMEOUT_MS,
  invalidSpec,
  isHttpUrl,
  MAX_FIELD_LENGTH,
  resolveProviderSpec,
} from './provider-spec.js';
export type { ProviderCategory, ProviderType } from './provider-types.js';
export { REDACTED, Redactor } from './redaction.js';
export { sortInPlace } from './sort-in-place.js';
export type {
  AnySpecField,
  FieldInput,
  FieldOutput,
  ShapeInput,
  ShapeOutput,
  SpecField,
  SpecIssue,
  SpecShape,
  UnknownKeys,
} from './spec-field.js';
export { field } from './spec-field.js';
export { httpAddress, requiredString } from './spec-fields.js';
export { editDistance } from './type-suggestions.js';

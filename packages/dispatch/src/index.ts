export type { CommitStatusExpr, CommitStatusVariables } from './cel/commit-status-expr.js';
export { CommitStatusExprError, compileCommitStatusExpr } from './cel/commit-status-expr.js';
export { createFluxCelEnvironment } from './cel/flux-environment.js';
export type {
  Delivery,
  DeliveryReason,
  DeliveryReport,
  DeliveryState,
  ObjectRef,
  ProviderRef,
  QueuedDelivery,
} from './delivery.js';
export { createDispatcher, DEFAULT_RATE_LIMIT_INTERVAL_MS } from './dispatcher.js';
export type {
  AlertExplanation,
  Dispatcher,
  DispatcherOptions,
  DispatchOptions,
  DispatchResult,
  Explanation,
  LabelLookup,
  Logger,
  RateLimitInfo,
  RateLimitOptions,
} from './dispatcher-types.js';
export { loadManifestFiles } from './manifests/load-manifest-files.js';
export type { LoadOptions } from './manifests/load-manifests.js';
export { loadManifests } from './manifests/load-manifests.js';
export type { ManifestIssue } from './manifests/manifest-error.js';
export { formatIssue, ManifestError } from './manifests/manifest-error.js';
export type {
  ProviderSpecOptions,
  ProviderSpecResult,
  SecretLookup,
} from './manifests/provider-spec-from-manifests.js';
export { providerSpecFromManifests, secretLookup } from './manifests/provider-spec-from-manifests.js';
export { secretData } from './manifests/secret-data.js';
export type { SourcePosition } from './manifests/source-positions.js';
export { issueAt, recordSource, sourceOf } from './manifests/source-positions.js';
export type {
  Alert,
  AlertObjectSpec,
  CrossNamespaceObjectReference,
  LocalObjectReference,
  Manifests,
  ObjectMeta,
  Provider,
  ProviderObjectSpec,
  Secret,
} from './manifests/types.js';
export { validateManifestObjects } from './manifests/validate-objects.js';
export type { DeadLimit } from './queue/dead-letters.js';
export type {
  DeliveryQueue,
  PendingDelivery,
  PostDelivery,
  QueueCounts,
  QueueOptions,
  QueueWorker,
} from './queue/delivery-queue.js';
export type {
  MemoryQueue,
  MemoryQueueOptions,
  QueueTimers,
} from './queue/memory-queue.js';
export { memoryQueue } from './queue/memory-queue.js';
export {
  checkSchedule,
  DEFAULT_SCHEDULE,
  isRetryableFailure,
  nextAttemptDelayMs,
} from './queue/retry-schedule.js';
export { duplicateKey } from './rate-limit/duplicate-key.js';
export type {
  MemoryRateLimitStore,
  MemoryRateLimitStoreOptions,
} from './rate-limit/memory-rate-limit-store.js';
export { memoryRateLimitStore } from './rate-limit/memory-rate-limit-store.js';
export type { RateLimitDecision, RateLimitStore } from './rate-limit/rate-limit-store.js';
export type { EventServer, EventServerOptions } from './server/event-server.js';
export { createEventServer, eventServerDefaults } from './server/event-server.js';
export type { EventSource } from './server/event-sources.js';
export type { BufferedLogDestination, BufferedLogDestinationOptions } from './server/log-destination.js';
export { bufferedLogDestination } from './server/log-destination.js';
export { formatResetTime } from './server/rate-limit-headers.js';
export { logDelivery } from './server/server-log.js';

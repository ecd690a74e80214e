export type {
  Delivery,
  DeliveryReason,
  DeliveryReport,
  DeliveryState,
  ObjectRef,
  ProviderRef,
  QueuedDelivery,
} from './delivery.js';
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
export type { ManifestIssue } from './manifests/manifest-error.js';
export { ManifestError } from './manifests/manifest-error.js';
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
export type {
  MemoryRateLimitStore,
  MemoryRateLimitStoreOptions,
} from './rate-limit/memory-rate-limit-store.js';
export { memoryRateLimitStore } from './rate-limit/memory-rate-limit-store.js';
export type { RateLimitDecision, RateLimitStore } from './rate-limit/rate-limit-store.js';

import type { Event, NotifierError } from '@notiflux/providers';

/** A namespaced object's identity. */
export interface ObjectRef {
  name: string;
  namespace: string;
}

export interface ProviderRef extends ObjectRef {
  type: string;
}

export type DeliveryState = 'queued' | 'skipped' | 'dropped' | 'refused';

export type DeliveryReason =
  | 'provider-suspended'
  | 'commit-status-update'
  | 'missing-commit-key'
  | 'missing-change-request-key'
  | 'cross-namespace'
  | 'commit-status-expr'
  /** A retried commit status dropped because a newer one for the same commit and id was delivered. */
  | 'superseded';

/** What one matched Alert does with an event: one per (Alert, Provider). */
export interface Delivery {
  /**
   * Derived from the whole event as received (timestamp included), the Alert and the Provider:
   * a producer re-sending the same request gets the same id.
   */
  id: string;
  alert: ObjectRef;
  provider: ProviderRef;
  state: DeliveryState;
  reason?: DeliveryReason;
  /** The event as this provider will receive it (metadata merged). */
  event?: Event;
}

/** The final outcome of a queued delivery, reported through `on('delivery')`. */
export interface DeliveryReport extends Omit<Delivery, 'state'> {
  /** `dropped` only with reason `superseded`. */
  state: 'delivered' | 'dead' | 'dropped';
  /** Queue-level attempts, each one a whole post with its own retries. */
  attempts: number;
  /** For `dead`: the last error, redacted as every NotifierError is. */
  error?: NotifierError;
  /** How long the last post took, in ms. */
  durationMs?: number;
}

/**
 * A delivery as the queue stores it: plain data (never a closure), so that another process can
 * post it after a restart.
 */
export interface QueuedDelivery {
  id: string;
  alert: ObjectRef;
  provider: ProviderRef;
  /** The merged event, exactly as the provider will receive it. */
  event: Event;
  /**
   * For git commit-status types: the commit status id computed for this delivery (the
   * Provider's `commitStatusExpr`, or the default), which the post uses.
   */
  commitStatus?: string;
  /**
   * Set for commit-status deliveries: a delivery whose `order` is older than one already
   * delivered under the same `key` is dropped as superseded instead of posted.
   */
  supersede?: { key: string; order: number };
}

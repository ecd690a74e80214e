import type { QueuedDelivery } from '../delivery.js';

/**
 * How the dispatcher gives the memory queue deliveries to keep as they are. A queue copies what
 * it is given, so that what the caller does with it later cannot reach the post; a delivery made
 * for the queue alone (its event a copy nothing else holds, its Alert and Provider frozen, the
 * rest fresh) needs no copy, and making one was a measurable share of each event's cost on a
 * busy hub. The method is keyed by a symbol this package does not export: only the dispatcher
 * calls it, for the deliveries it has just planned; anything else is enqueued, and copied, as
 * before.
 */
export const enqueueHandedOver = Symbol('enqueueHandedOver');

/** A queue that takes deliveries made for it alone, and keeps them without a copy. */
export interface HandOverQueue {
  [enqueueHandedOver](deliveries: readonly QueuedDelivery[]): void;
}

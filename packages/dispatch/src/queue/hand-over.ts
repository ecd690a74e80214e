import type { QueuedDelivery } from '../delivery.js';

/**
 * Deliveries given to a queue to keep as they are. A queue copies what it is given, so that
 * what the caller does to it later cannot reach the post; a delivery made for the queue alone
 * (its event a copy nothing else holds, the rest immutable or fresh) needs no copy, and making
 * one was a measurable share of each event's cost on a busy hub. Only the dispatcher hands
 * deliveries over, for the ones it has just planned; anything else is copied as before.
 */
const handedOver = new WeakSet<QueuedDelivery>();

/** Marks `delivery` as the queue's to keep: nothing else holds anything in it that can change. */
export function handOver(delivery: QueuedDelivery): QueuedDelivery {
  handedOver.add(delivery);
  return delivery;
}

/** Whether `delivery` was handed over (once: a second enqueue of the same object copies it). */
export function takeHandedOver(delivery: QueuedDelivery): boolean {
  return handedOver.delete(delivery);
}

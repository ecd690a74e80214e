import type { CreateOptions, Event, ObjectReference } from '@notiflux/providers';
import type { Delivery, DeliveryReport, ObjectRef } from './delivery.js';
import type { DeliveryQueue, QueueCounts } from './queue/delivery-queue.js';
import type { RateLimitStore } from './rate-limit/rate-limit-store.js';

/** A pino-compatible logger: the methods the dispatcher and the event server call. */
export interface Logger {
  debug(object: object, message?: string): void;
  info(object: object, message?: string): void;
  warn(object: object, message?: string): void;
  error(object: object, message?: string): void;
}

export interface RateLimitOptions {
  /** Window length in ms, default 300 000 (5 minutes); 0 turns duplicate suppression off. */
  intervalMs?: number;
  store?: RateLimitStore;
}

export type LabelLookup = (
  ref: ObjectReference,
) => Record<string, string> | undefined | Promise<Record<string, string> | undefined>;

export interface DispatcherOptions {
  queue?: DeliveryQueue;
  rateLimit?: RateLimitOptions;
  /** Flux's `--no-cross-namespace-refs`: refuse events from another namespace than the Alert's. */
  noCrossNamespaceRefs?: boolean;
  /** Passed to every notifier (a `dispatcher`, `onAttempt`). */
  createOptions?: CreateOptions;
  /** The labels of an event's object, for `eventSources[].matchLabels`. */
  labels?: LabelLookup;
  logger?: Logger;
  /** Milliseconds since the epoch; read by the rate limiter and its store. */
  clock?: () => number;
  /** How long `close()` waits for in-flight posts, default 10 000 ms. */
  closeTimeoutMs?: number;
}

export interface DispatchOptions {
  /**
   * Metadata of the event's source (e.g. `{ cluster: 'prod-eu' }`), merged into the event with
   * the lowest precedence. It is also part of the duplicate key and of the delivery ids, so the
   * same event from two clusters is neither suppressed nor queued as one.
   */
  sourceMetadata?: Record<string, string>;
}

/** The duplicate-suppression window the event was counted in. */
export interface RateLimitInfo {
  limit: 1;
  remaining: 0 | 1;
  /** Start of the next window, ms since the epoch. */
  resetAt: number;
}

export type DispatchResult = (
  | { status: 'suppressed'; key: string }
  | { status: 'no-match' }
  | { status: 'accepted'; deliveries: Delivery[] }
) & { rateLimit?: RateLimitInfo };

/** Why one Alert did or did not take an event, as `explain` tells it. */
export interface AlertExplanation {
  alert: ObjectRef;
  matched: boolean;
  /** The first rule that failed, when not matched. */
  failed?: 'suspended' | 'source' | 'severity' | 'labels' | 'inclusion' | 'exclusion';
  /** One human sentence: which source, severity or expression decided. */
  detail: string;
  /** For a matched Alert: what would happen to the delivery (nothing is queued or posted). */
  delivery?: Delivery;
}

export interface Explanation {
  /** Whether the rate limiter would suppress the event now (nothing is counted). */
  duplicate: boolean;
  key: string;
  alerts: AlertExplanation[];
}

export interface Dispatcher {
  dispatch(event: Event, options?: DispatchOptions): Promise<DispatchResult>;
  /** Runs the matching and delivery rules without counting, queueing or posting anything. */
  explain(event: Event, options?: DispatchOptions): Promise<Explanation>;
  /** Resolves when every accepted delivery is delivered, dead or dropped. */
  drain(): Promise<void>;
  dead(): Promise<DeliveryReport[]>;
  retryDead(id?: string): Promise<number>;
  counts(): Promise<QueueCounts>;
  ready(): Promise<boolean>;
  on(event: 'delivery', listener: (report: DeliveryReport) => void): this;
  off(event: 'delivery', listener: (report: DeliveryReport) => void): this;
  close(): Promise<void>;
}

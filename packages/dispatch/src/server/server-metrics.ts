/**
 * The event server's Prometheus metrics, in a registry of its own (never prom-client's global
 * one, so two servers in one process, or a host application's metrics, do not collide).
 */
import { Counter, collectDefaultMetrics, Gauge, type Histogram, Registry } from 'prom-client';
import type { DeliveryReport } from '../delivery.js';
import type { Dispatcher } from '../dispatcher-types.js';
import type { QueueCounts } from '../queue/delivery-queue.js';
import { DeliveryDurationHistogram } from './delivery-duration-histogram.js';

/** Upper bounds of the delivery duration buckets, in seconds. */
export const DELIVERY_DURATION_BUCKETS: readonly number[] = [
  0.01, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 15, 30, 60,
];

/** What became of one request to the event endpoint. */
export type EventResult =
  | 'accepted'
  | 'no_match'
  | 'suppressed'
  | 'invalid'
  | 'unauthorized'
  | 'too_large'
  | 'failed';

export interface ServerMetrics {
  eventReceived(result: EventResult): void;
  deliveryReported(report: DeliveryReport): void;
}

export function createServerMetrics(
  registry: Registry,
  dispatcher: Dispatcher,
  options: { processMetrics?: boolean } = {},
): ServerMetrics {
  const registers = [registry];
  if (options.processMetrics === true) collectDefaultMetrics({ register: registry, prefix: 'notiflux_' });

  // The two counters count in plain numbers and hand prom-client the sums when a scrape reads them
  // (their collect): prom-client's inc checks and hashes its labels on every call, a share of
  // each event's cost on a busy hub, where a scrape adds one sum per label set.
  const eventCounts = new Map<EventResult, number>();
  const deliveryCounts = new Map<string, Map<DeliveryReport['state'], number>>();
  new Counter({
    name: 'notiflux_events_received_total',
    help: 'Event requests received, by result',
    labelNames: ['result'],
    registers,
    collect() {
      for (const [result, count] of eventCounts) this.inc({ result }, count);
      eventCounts.clear();
    },
  });
  new Counter({
    name: 'notiflux_deliveries_total',
    help: 'Final delivery outcomes, by provider type and outcome (delivered, dead, dropped)',
    labelNames: ['provider_type', 'outcome'],
    registers,
    collect() {
      for (const [type, byOutcome] of deliveryCounts) {
        for (const [outcome, count] of byOutcome) this.inc({ provider_type: type, outcome }, count);
      }
      deliveryCounts.clear();
    },
  });
  const duration = new DeliveryDurationHistogram(DELIVERY_DURATION_BUCKETS);
  registry.registerMetric(duration as unknown as Histogram);

  // One counts() per scrape for the four gauges: prom-client calls every collect() in the same
  // tick, so they share the pending promise.
  let pending: Promise<QueueCounts | undefined> | undefined;
  const currentCounts = () => {
    if (pending === undefined) {
      pending = dispatcher.counts().then(
        (counts) => counts,
        () => undefined,
      );
      void pending.finally(() => {
        pending = undefined;
      });
    }
    return pending;
  };
  const queueGauge = (name: string, help: string, field: keyof QueueCounts) =>
    new Gauge({
      name,
      help,
      registers,
      async collect() {
        const counts = await currentCounts();
        if (counts !== undefined) this.set(counts[field]);
      },
    });
  queueGauge('notiflux_queue_depth', 'Deliveries waiting to be posted', 'waiting');
  queueGauge('notiflux_queue_active', 'Deliveries being posted now', 'active');
  queueGauge('notiflux_queue_delayed', 'Deliveries waiting for a later attempt', 'delayed');
  queueGauge('notiflux_queue_dead', 'Dead deliveries kept for listing and retry', 'dead');

  return {
    eventReceived(result) {
      eventCounts.set(result, (eventCounts.get(result) ?? 0) + 1);
    },
    deliveryReported(report) {
      const { type } = report.provider;
      let byOutcome = deliveryCounts.get(type);
      if (byOutcome === undefined) {
        byOutcome = new Map();
        deliveryCounts.set(type, byOutcome);
      }
      byOutcome.set(report.state, (byOutcome.get(report.state) ?? 0) + 1);
      if (report.durationMs !== undefined) {
        duration.observe(type, report.state, report.durationMs / 1000);
      }
    },
  };
}

export { Registry };

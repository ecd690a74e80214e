// The hub's configuration and duties, for the benches that run them: one Alert routing every
// event to a `generic` sink, and what the event server does for each event and delivery besides
// dispatching it (its three metrics and its two log lines), for those that do that work without
// `createEventServer` (the minimal hub of bench/event-server-target.mjs, and
// bench/event-pipeline-cpu.mjs).
import { createRequire } from 'node:module';
import { pino } from 'pino';
import { bufferedLogDestination, logDelivery } from '../packages/dispatch/dist/index.js';

// prom-client is the dispatch package's dependency, not the workspace root's.
const { Counter, Histogram, Registry } = createRequire(
  new URL('../packages/dispatch/package.json', import.meta.url),
)('prom-client');

const meta = (name) => ({ name, namespace: 'flux-system' });

/** A Provider `sink` (`generic`, posting to `address`) and an Alert `all` taking every Kustomization in `apps`. */
export function oneAlertToSink(address) {
  return {
    providers: [
      {
        apiVersion: 'notification.toolkit.fluxcd.io/v1beta3',
        kind: 'Provider',
        metadata: meta('sink'),
        spec: { type: 'generic', address },
      },
    ],
    alerts: [
      {
        apiVersion: 'notification.toolkit.fluxcd.io/v1beta3',
        kind: 'Alert',
        metadata: meta('all'),
        spec: {
          providerRef: { name: 'sink' },
          eventSources: [{ kind: 'Kustomization', name: '*', namespace: 'apps' }],
        },
      },
    ],
    secrets: [],
  };
}

/** pino at `info` through the event server's default destination, written to nowhere. */
export function quietLogger() {
  return pino({ level: 'info' }, bufferedLogDestination({ dest: '/dev/null' }));
}

/**
 * The event server's per-event and per-delivery duties: its metrics (same names and buckets, in a
 * registry of their own) and its log lines (the delivery line through `logDelivery` itself).
 */
export function hubDuties() {
  const registry = new Registry();
  const registers = [registry];
  const events = new Counter({
    name: 'notiflux_events_received_total',
    help: 'Event requests received, by result',
    labelNames: ['result'],
    registers,
  });
  const deliveries = new Counter({
    name: 'notiflux_deliveries_total',
    help: 'Final delivery outcomes',
    labelNames: ['provider_type', 'outcome'],
    registers,
  });
  const duration = new Histogram({
    name: 'notiflux_delivery_duration_seconds',
    help: "Duration of a delivery's post",
    labelNames: ['provider_type', 'outcome'],
    buckets: [0.01, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 15, 30, 60],
    registers,
  });
  const logger = quietLogger();
  return {
    registry,
    /** An event accepted at `path`, with `queued` deliveries. */
    eventAccepted(path, event, queued) {
      events.inc({ result: 'accepted' });
      const { kind, namespace, name } = event.involvedObject;
      logger.info(
        { result: 'accepted', path, object: { kind, namespace, name }, deliveries: queued, queued },
        'event accepted',
      );
    },
    /** A delivery's final outcome, as a dispatcher reports it. */
    deliveryReported(report) {
      const labels = { provider_type: report.provider.type, outcome: report.state };
      deliveries.inc(labels);
      duration.observe(labels, report.durationMs / 1000);
      logDelivery(logger, report);
    },
  };
}

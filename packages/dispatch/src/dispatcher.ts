import { type Event, NotifierError, type ObjectReference, parseEvent } from '@notiflux/providers';
import { type Configuration, configure, usesMatchLabels } from './configuration.js';
import { ConnectionPools } from './connection-pools.js';
import type { DeliveryReport, QueuedDelivery } from './delivery.js';
import { type DeliveryPlan, IncomingEvent, type PlanOptions, planDelivery } from './delivery-plan.js';
import type {
  AlertExplanation,
  Dispatcher,
  DispatcherOptions,
  DispatchOptions,
  DispatchResult,
  Explanation,
  Logger,
  RateLimitInfo,
} from './dispatcher-types.js';
import type { Manifests } from './manifests/types.js';
import type { CompiledAlert } from './matching/compiled-alert.js';
import { alertTakes, type LabelsOutcome, matchAlert, type ObjectLabels } from './matching/match-alert.js';
import { Notifiers } from './notifiers.js';
import type { DeliveryQueue } from './queue/delivery-queue.js';
import { enqueueHandedOver, type HandOverQueue } from './queue/hand-over.js';
import { DEFAULT_CLOSE_TIMEOUT_MS, memoryQueue } from './queue/memory-queue.js';
import { duplicateKey } from './rate-limit/duplicate-key.js';
import { memoryRateLimitStore } from './rate-limit/memory-rate-limit-store.js';
import type { RateLimitStore } from './rate-limit/rate-limit-store.js';

export const DEFAULT_RATE_LIMIT_INTERVAL_MS = 300_000;

type DeliveryListener = (report: DeliveryReport) => void;

/**
 * Flux's Alert pipeline over a set of manifests. Checks everything first (throws ManifestError
 * listing every problem) and makes one notifier per Provider (per Alert and Provider for otel);
 * notifiers with equal proxy and TLS settings share one connection pool.
 */
export function createDispatcher(manifests: Manifests, options: DispatcherOptions = {}): Dispatcher {
  return new FluxDispatcher(manifests, options);
}

class FluxDispatcher implements Dispatcher {
  private readonly configuration: Configuration;
  private readonly notifiers: Notifiers;
  private readonly pools = new ConnectionPools();
  private readonly queue: DeliveryQueue;
  private readonly store: RateLimitStore;
  private readonly intervalMs: number;
  private readonly clock: () => number;
  private readonly logger: Logger | undefined;
  private readonly listeners = new Set<DeliveryListener>();
  private readonly started: Promise<void>;
  private closing: Promise<void> | undefined;
  private queueStarted = false;
  /** What planning needs when nothing is logged (explanations); with the logger, one per Alert. */
  private readonly quietPlanOptions: PlanOptions;
  /** Made once per Alert: its conflict logger is the same for every event. */
  private readonly planOptions = new Map<CompiledAlert, PlanOptions>();

  constructor(
    manifests: Manifests,
    private readonly options: DispatcherOptions,
  ) {
    this.logger = options.logger;
    this.quietPlanOptions = { noCrossNamespaceRefs: options.noCrossNamespaceRefs === true };
    this.intervalMs = checkInterval(options.rateLimit?.intervalMs);
    const createOptions = options.createOptions ?? {};
    this.notifiers = new Notifiers(
      createOptions.dispatcher || createOptions.sharedDispatcher
        ? createOptions
        : { ...createOptions, sharedDispatcher: this.pools.get },
    );
    this.configuration = configure(manifests, this.notifiers);
    if (manifests.alerts?.some((alert) => alert.spec.summary)) {
      this.logger?.warn({}, "an Alert's spec.summary is deprecated: use spec.eventMetadata.summary instead");
    }
    if (!options.labels && usesMatchLabels(manifests)) {
      this.logger?.warn(
        {},
        'some Alert selects event sources by matchLabels, but no labels lookup was given: those sources match no event',
      );
    }
    this.clock = options.clock ?? Date.now;
    this.store = options.rateLimit?.store ?? memoryRateLimitStore({ clock: this.clock });
    this.queue =
      options.queue ?? memoryQueue({ clock: this.clock, ...(this.logger ? { logger: this.logger } : {}) });
    this.started = this.queue.start({
      post: (delivery, signal) => this.post(delivery, signal),
      report: (report) => this.report(report),
    });
    // dispatch() reports a failed start; this only keeps it from being an unhandled rejection.
    this.started.then(
      () => {
        this.queueStarted = true;
      },
      () => undefined,
    );
  }

  async dispatch(input: Event, options: DispatchOptions = {}): Promise<DispatchResult> {
    const incoming = receive(input, options);
    const key = duplicateKey(incoming.event, incoming.sourceMetadata);
    let rateLimit: RateLimitInfo | undefined;
    if (this.intervalMs > 0) {
      // A store in this process answers at once: no turn of the microtask queue per event.
      const decision = this.store.takeNow
        ? this.store.takeNow(key, this.intervalMs, this.clock())
        : await this.store.take(key, this.intervalMs, this.clock());
      rateLimit = { limit: 1, remaining: 0, resetAt: decision.resetAt };
      if (!decision.allowed) return { status: 'suppressed', key, rateLimit };
    }

    const labels = this.labelsOf(incoming.event.involvedObject);
    const matched: CompiledAlert[] = [];
    for (const alert of this.configuration.index.candidates(incoming.event.involvedObject)) {
      const takes = alertTakes(alert, incoming.event, labels);
      if (takes === true || (takes !== false && (await takes))) matched.push(alert);
    }
    if (matched.length === 0) {
      this.logger?.debug(
        { object: shownObject(incoming.event.involvedObject) },
        'discarding event, no alerts found for the involved object',
      );
      return rateLimit ? { status: 'no-match', rateLimit } : { status: 'no-match' };
    }

    const plans = matched.map((alert) => this.plan(incoming, alert, true));
    const queued: QueuedDelivery[] = [];
    for (const plan of plans) if (plan.queued) queued.push(plan.queued);
    this.logOutcomes(incoming, plans);
    if (queued.length > 0) {
      // Once the queue has started, no wait (an await is a turn of the microtask queue per event).
      if (!this.queueStarted) await this.started;
      // The memory queue keeps the planned deliveries as they are: they share nothing with the result.
      const queue = this.queue as DeliveryQueue & Partial<HandOverQueue>;
      if (queue[enqueueHandedOver]) queue[enqueueHandedOver](queued);
      else if (queue.enqueueNow) queue.enqueueNow(queued);
      else await queue.enqueue(queued);
    }
    const deliveries = plans.map((plan) => plan.delivery);
    return rateLimit ? { status: 'accepted', deliveries, rateLimit } : { status: 'accepted', deliveries };
  }

  async explain(input: Event, options: DispatchOptions = {}): Promise<Explanation> {
    const incoming = receive(input, options);
    const key = duplicateKey(incoming.event, incoming.sourceMetadata);
    const duplicate =
      this.intervalMs > 0 && this.store.peek
        ? !(await this.store.peek(key, this.intervalMs, this.clock())).allowed
        : false;
    const labels = this.labelsOf(incoming.event.involvedObject);
    const alerts: AlertExplanation[] = [];
    for (const alert of this.configuration.index.all) {
      const match = await matchAlert(alert, incoming.event, labels);
      if (!match.matched) {
        alerts.push({ alert: alert.ref, matched: false, failed: match.failed, detail: match.detail });
        continue;
      }
      const plan = this.plan(incoming, alert, false);
      const outcome = deliveryDetail(plan);
      alerts.push({
        alert: alert.ref,
        matched: true,
        detail: `${match.detail}; ${outcome}`,
        delivery: plan.delivery,
      });
    }
    return { duplicate, key, alerts };
  }

  drain(): Promise<void> {
    return this.started.then(() => this.queue.drain());
  }

  dead(): Promise<DeliveryReport[]> {
    return this.queue.dead();
  }

  retryDead(id?: string): Promise<number> {
    return this.queue.retryDead(id);
  }

  counts() {
    return this.queue.counts();
  }

  ready(): Promise<boolean> {
    return this.queue.ready();
  }

  on(event: 'delivery', listener: DeliveryListener): this {
    if (event === 'delivery') this.listeners.add(listener);
    return this;
  }

  off(event: 'delivery', listener: DeliveryListener): this {
    if (event === 'delivery') this.listeners.delete(listener);
    return this;
  }

  close(): Promise<void> {
    this.closing ??= this.shutDown();
    return this.closing;
  }

  private async shutDown(): Promise<void> {
    await this.queue.close(this.options.closeTimeoutMs ?? DEFAULT_CLOSE_TIMEOUT_MS);
    await this.notifiers.close();
    await this.pools.close();
    await this.store.close?.();
  }

  private plan(incoming: IncomingEvent, alert: CompiledAlert, log: boolean): DeliveryPlan {
    return planDelivery(
      incoming,
      alert,
      this.configuration.providerOf(alert),
      log ? this.planOptionsOf(alert) : this.quietPlanOptions,
    );
  }

  private planOptionsOf(alert: CompiledAlert): PlanOptions {
    let options = this.planOptions.get(alert);
    if (options === undefined) {
      const logger = this.logger;
      options = logger
        ? {
            ...this.quietPlanOptions,
            onConflict: (conflicts) =>
              logger.warn(
                { alert: alert.ref, conflictingKeys: conflicts },
                'metadata key conflicts detected (please refer to the Alert API docs and Flux RFC 0008 for more information)',
              ),
          }
        : this.quietPlanOptions;
      this.planOptions.set(alert, options);
    }
    return options;
  }

  private logOutcomes(incoming: IncomingEvent, plans: DeliveryPlan[]): void {
    const logger = this.logger;
    // Most events have nothing to tell: every delivery queued.
    if (!logger || plans.every((plan) => plan.delivery.state === 'queued')) return;
    const object = shownObject(incoming.event.involvedObject);
    for (const plan of plans) {
      if (plan.delivery.state === 'refused') {
        logger.warn(
          { object, alert: plan.delivery.alert, reason: plan.delivery.reason },
          `failed to dispatch notification for ${object}: ${plan.problem ?? plan.delivery.reason}`,
        );
      }
    }
    for (const [reason, message] of [
      ['missing-commit-key', 'event dropped for commit status providers due to missing commit metadata key'],
      [
        'missing-change-request-key',
        'event dropped for change request providers due to missing change request metadata key',
      ],
    ] as const) {
      const alerts = plans
        .filter((plan) => plan.delivery.reason === reason)
        .map((plan) => `${plan.delivery.alert.namespace}/${plan.delivery.alert.name}`);
      if (alerts.length > 0) logger.info({ object, alerts }, message);
    }
  }

  private labelsOf(object: ObjectReference): ObjectLabels {
    const lookup = this.options.labels;
    let found: Promise<LabelsOutcome> | undefined;
    return () => {
      found ??= (async (): Promise<LabelsOutcome> => {
        if (!lookup) return { unknown: 'no labels lookup was given to the dispatcher' };
        try {
          const labels = await lookup(object);
          if (labels) return { labels };
          this.logger?.warn({ object: shownObject(object) }, 'error getting the involved object: not found');
          return { unknown: `the labels lookup found no object ${shownObject(object)}` };
        } catch (error) {
          const detail = error instanceof Error ? error.message : String(error);
          this.logger?.warn(
            { object: shownObject(object), error: detail },
            'error getting the involved object',
          );
          return { unknown: `the labels lookup failed: ${detail}` };
        }
      })();
      return found;
    };
  }

  private post(delivery: QueuedDelivery, signal: AbortSignal): Promise<void> {
    return this.notifiers.post(
      delivery.provider.type,
      delivery.provider,
      delivery.alert,
      delivery.event,
      delivery.commitStatus,
      signal,
    );
  }

  private report(report: DeliveryReport): void {
    for (const listener of this.listeners) {
      try {
        listener(report);
      } catch (error) {
        this.logger?.error(
          { error: error instanceof Error ? error.message : String(error) },
          'a delivery listener threw',
        );
      }
    }
  }
}

/** Validates the event: nothing else happens to an invalid one. */
function receive(input: Event, options: DispatchOptions): IncomingEvent {
  const event = parseEvent(input);
  const { sourceMetadata } = options;
  if (sourceMetadata !== undefined) checkSourceMetadata(sourceMetadata);
  const hasSourceMetadata = sourceMetadata !== undefined && Object.keys(sourceMetadata).length > 0;
  return new IncomingEvent(event, hasSourceMetadata ? sourceMetadata : undefined);
}

function checkSourceMetadata(metadata: unknown): void {
  const valid =
    metadata !== null &&
    typeof metadata === 'object' &&
    Object.values(metadata as object).every((value) => typeof value === 'string');
  if (!valid) {
    throw new NotifierError('INVALID_EVENT', 'invalid sourceMetadata: expected an object of string values');
  }
}

function checkInterval(intervalMs: number | undefined): number {
  if (intervalMs === undefined) return DEFAULT_RATE_LIMIT_INTERVAL_MS;
  if (!Number.isFinite(intervalMs) || intervalMs < 0) {
    throw new TypeError('rateLimit.intervalMs must be a number of milliseconds >= 0 (0 turns it off)');
  }
  return intervalMs;
}

function shownObject(object: ObjectReference): string {
  return `${object.kind}/${object.namespace ?? ''}/${object.name}`;
}

/** What happens to a matched Alert's delivery, in words. */
function deliveryDetail(plan: DeliveryPlan): string {
  const { delivery } = plan;
  const provider = `${delivery.provider.type} Provider ${delivery.provider.namespace}/${delivery.provider.name}`;
  switch (delivery.state) {
    case 'queued':
      return `would be queued for ${provider}`;
    case 'skipped':
      return delivery.reason === 'provider-suspended'
        ? `${provider} is suspended: skipped`
        : `${provider} does not take commit status updates: skipped`;
    case 'dropped':
      return delivery.reason === 'missing-commit-key'
        ? `${provider} needs a commit status update, a commit key or an error: dropped`
        : `${provider} needs a change_request key: dropped`;
    case 'refused':
      return `refused for ${provider}: ${plan.problem ?? delivery.reason}`;
  }
}

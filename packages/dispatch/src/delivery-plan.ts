import { type Event, getRevision, type MetadataConflict, normalizeEventMetadata } from '@notiflux/providers';
import type { ConfiguredProvider } from './configuration.js';
import type { Delivery, QueuedDelivery } from './delivery.js';
import { deliveryId, eventIdentity } from './delivery-id.js';
import { commitStatusIdFor } from './delivery-rules/commit-status-id.js';
import { providerRule } from './delivery-rules/provider-rules.js';
import type { CompiledAlert } from './matching/compiled-alert.js';
import { cleanEventMetadata, mergeReadsCleanedForm } from './metadata/clean-metadata.js';

/** One event as it arrived: validated, where it came from, and its cleaned form when it is asked for. */
export class IncomingEvent {
  private cleanedForm: Event | undefined;
  private identityText: string | undefined;

  constructor(
    /** As received (validated): the delivery ids, the matching and most of the rest read it. */
    readonly event: Event,
    readonly sourceMetadata: Record<string, string> | undefined,
  ) {}

  /**
   * Metadata cleaned as notification-controller cleans it on receipt (prefixes kept), made on
   * first use: only the category rules of non-generic Providers, and the merge in one odd case
   * (`mergeReadsCleanedForm`), read it.
   */
  get cleaned(): Event {
    this.cleanedForm ??= cleanEventMetadata(this.event);
    return this.cleanedForm;
  }

  /** The event's share of its delivery ids (`eventIdentity`), made once for all the Alerts it matches. */
  get identity(): string {
    this.identityText ??= eventIdentity(this.event, this.sourceMetadata);
    return this.identityText;
  }
}

export interface PlanOptions {
  noCrossNamespaceRefs: boolean;
  onConflict?: (conflicts: MetadataConflict[]) => void;
}

/** What one matched Alert does with the event: the Delivery, and what to queue when it is queued. */
export interface DeliveryPlan {
  delivery: Delivery;
  /**
   * Shares nothing that can change with `delivery` (which the caller of `dispatch` gets): its
   * event is a copy of its own, its Alert and Provider are the frozen ones of the configuration.
   * A queue can keep it as it is.
   */
  queued?: QueuedDelivery;
  /** Why it was refused, in words, for logs and explanations. */
  problem?: string;
}

/**
 * The delivery of one matched Alert, in upstream's order: the cross-namespace rule, the
 * Provider's category rules on the cleaned event, the Alert's metadata merge (of the cleaned
 * event, as upstream merges it), then the commit status id for commit-status types.
 */
export function planDelivery(
  incoming: IncomingEvent,
  alert: CompiledAlert,
  configured: ConfiguredProvider,
  options: PlanOptions,
): DeliveryPlan {
  const { event, sourceMetadata } = incoming;
  const provider = configured.ref;
  const base = {
    id: deliveryId(incoming.identity, alert.ref, provider),
    alert: alert.ref,
    provider,
  };
  const objectNamespace = event.involvedObject.namespace ?? '';
  if (options.noCrossNamespaceRefs && objectNamespace !== alert.ref.namespace) {
    const object = event.involvedObject;
    return {
      delivery: { ...base, state: 'refused', reason: 'cross-namespace' },
      problem: `Alert ${alert.ref.namespace}/${alert.ref.name} can't process event from ${object.kind}/${objectNamespace}/${object.name}: cross-namespace references are blocked`,
    };
  }
  const rule = providerRule(provider.type, configured.suspended, incoming);
  if (rule.state !== 'queued') return { delivery: { ...base, ...rule } };

  // Built field by field: this runs for every delivery, and spreads of optional parts allocate.
  const { eventMetadata, summary } = alert.alert.spec;
  const alertMetadata: Parameters<typeof normalizeEventMetadata>[1] = {};
  if (eventMetadata) alertMetadata.eventMetadata = eventMetadata;
  if (summary) alertMetadata.summary = summary;
  const normalizeOptions: Parameters<typeof normalizeEventMetadata>[2] = {};
  if (sourceMetadata) normalizeOptions.sourceMetadata = sourceMetadata;
  if (options.onConflict) normalizeOptions.onConflict = options.onConflict;
  // The merge reads only keys cleaning keeps, in the same order: the event as received gives the
  // same result without the cleaned copy, but for the one case where it would not.
  const mergedFrom = mergeReadsCleanedForm(event) ? incoming.cleaned : event;
  const merged = normalizeEventMetadata(mergedFrom, alertMetadata, normalizeOptions);
  if (!configured.setsCommitStatus) {
    return {
      delivery: { id: base.id, alert: base.alert, provider, state: 'queued', event: merged },
      queued: { id: base.id, alert: base.alert, provider, event: queueCopy(merged) },
    };
  }
  const status = commitStatusIdFor(configured.commitStatusExpr, merged, alert.alert, configured.provider);
  if ('problem' in status) {
    return {
      delivery: { ...base, state: 'refused', reason: 'commit-status-expr', event: merged },
      problem: status.problem,
    };
  }
  return {
    delivery: { ...base, state: 'queued', event: merged },
    queued: {
      ...base,
      event: queueCopy(merged),
      commitStatus: status.id,
      supersede: {
        key: `${provider.namespace}/${provider.name}\u0000${getRevision(merged) ?? ''}\u0000${status.id}`,
        order: Date.parse(merged.timestamp),
      },
    },
  };
}

/**
 * The queue's own copy of a merged event, sharing no object with it. The event is plain data of
 * a known shape (strings in three objects), so spreads copy all of it, several times faster
 * than the queue's general copy.
 */
function queueCopy(event: Event): Event {
  const copy: Event = { ...event, involvedObject: { ...event.involvedObject } };
  if (event.metadata !== undefined) copy.metadata = { ...event.metadata };
  return copy;
}

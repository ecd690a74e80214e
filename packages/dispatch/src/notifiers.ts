import { AsyncLocalStorage } from 'node:async_hooks';
import {
  type CreateOptions,
  createNotifierFromAnySpec,
  defaultCommitStatusId,
  type Event,
  type Notifier,
  NotifierError,
  type ProviderSpec,
  providerCategoryOf,
} from '@notiflux/providers';
import type { ObjectRef } from './delivery.js';

/**
 * The commit status id of the post running now: notifiers are made once per Provider, while
 * the id is computed per delivery, so the post carries it down to the notifier's
 * `commitStatus` function.
 */
const commitStatusOfPost = new AsyncLocalStorage<string>();

/** One notifier per Provider, and per Alert and Provider for `otel` (its spans belong to the Alert). */
export class Notifiers {
  private readonly byKey = new Map<string, Notifier>();

  constructor(private readonly createOptions: CreateOptions) {}

  /**
   * Makes the notifier of `provider` (for `alert`, with `otel`); throws createNotifier's
   * INVALID_SPEC when the spec is refused. Made once: a second call returns the first.
   */
  add(spec: ProviderSpec, provider: ObjectRef, alert?: AlertIdentity): Notifier {
    const key = notifierKey(spec.type, provider, alert);
    const existing = this.byKey.get(key);
    if (existing) return existing;
    const notifier = createNotifierFromAnySpec(
      withDeliveryCommitStatus(identityFor(spec, alert)),
      this.createOptions,
    );
    this.byKey.set(key, notifier);
    return notifier;
  }

  /** Posts `event` through the notifier of this Provider (and Alert), with this delivery's commit status id. */
  post(
    type: string,
    provider: ObjectRef,
    alert: ObjectRef,
    event: Event,
    commitStatus: string | undefined,
    signal: AbortSignal,
  ): Promise<void> {
    const notifier = this.byKey.get(notifierKey(type, provider, alert));
    if (!notifier) {
      return Promise.reject(
        new NotifierError(
          'INVALID_SPEC',
          `no ${type} Provider ${provider.namespace}/${provider.name} for Alert ${alert.namespace}/${alert.name} in this dispatcher`,
          { providerType: type },
        ),
      );
    }
    if (commitStatus === undefined) return notifier.post(event, { signal });
    return commitStatusOfPost.run(commitStatus, () => notifier.post(event, { signal }));
  }

  async close(): Promise<void> {
    const notifiers = [...this.byKey.values()];
    await Promise.all(notifiers.map((notifier) => notifier.close().catch(() => undefined)));
  }
}

export interface AlertIdentity extends ObjectRef {
  uid: string;
}

function notifierKey(type: string, provider: ObjectRef, alert: ObjectRef | undefined): string {
  const owner = type === 'otel' && alert ? `${alert.namespace}/${alert.name}` : '';
  return `${provider.namespace}/${provider.name}\u0000${owner}`;
}

/** For otel the span identity is the Alert's, as upstream takes it from the Alert object. */
function identityFor(spec: ProviderSpec, alert: AlertIdentity | undefined): ProviderSpec {
  if (spec.type !== 'otel' || !alert) return spec;
  return { ...spec, provider: { uid: alert.uid, name: alert.name, namespace: alert.namespace } };
}

/**
 * Commit-status types read the id of the delivery being posted; a post without one (a delivery
 * queued before the dispatcher computed ids) gets the default id.
 */
function withDeliveryCommitStatus(spec: ProviderSpec): ProviderSpec {
  if (providerCategoryOf(spec.type) !== 'commit-status') return spec;
  const uid = spec.provider?.uid;
  return {
    ...spec,
    commitStatus: (event: Event) => commitStatusOfPost.getStore() ?? defaultCommitStatusId(event, uid),
  };
}

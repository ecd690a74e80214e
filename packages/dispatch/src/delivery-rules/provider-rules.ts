import {
  type Event,
  hasChangeRequestKey,
  hasCommitKey,
  isCommitStatusUpdate,
  providerCategoryOf,
} from '@notiflux/providers';
import type { DeliveryReason } from '../delivery.js';

export type ProviderRuleOutcome =
  | { state: 'queued' }
  | { state: 'skipped' | 'dropped'; reason: DeliveryReason };

/**
 * Whether a Provider of this type takes the event, decided on the cleaned event (prefixed keys,
 * before the Alert's metadata is merged): a suspended Provider takes nothing; alerting types
 * skip commit-status updates; commit-status types need an update, a commit key or an error;
 * change-request types need a change-request key; generic types take everything.
 */
export function providerRule(
  type: string,
  suspended: boolean,
  incoming: { readonly cleaned: Event },
): ProviderRuleOutcome {
  if (suspended) return { state: 'skipped', reason: 'provider-suspended' };
  const category = providerCategoryOf(type);
  // Generic types take everything: the cleaned event is not even made for them.
  if (category === 'generic') return { state: 'queued' };
  const event = incoming.cleaned;
  switch (category) {
    case 'alerting':
      return isCommitStatusUpdate(event)
        ? { state: 'skipped', reason: 'commit-status-update' }
        : { state: 'queued' };
    case 'commit-status':
      return isCommitStatusUpdate(event) || hasCommitKey(event) || event.severity === 'error'
        ? { state: 'queued' }
        : { state: 'dropped', reason: 'missing-commit-key' };
    case 'change-request':
      return hasChangeRequestKey(event)
        ? { state: 'queued' }
        : { state: 'dropped', reason: 'missing-change-request-key' };
  }
}

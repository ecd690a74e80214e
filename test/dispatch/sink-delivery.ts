import type { QueuedDelivery } from '@notiflux/dispatch';
import { NotifierError } from '@notiflux/providers';
import { sampleEvent } from '../support/sample-events.js';

/** A queued delivery for the queue tests; `id` also names the sink path it is posted to. */
export function sinkDelivery(id: string, extra: Partial<QueuedDelivery> = {}): QueuedDelivery {
  return {
    id,
    alert: { name: 'on-call', namespace: 'flux-system' },
    provider: { name: 'sink', namespace: 'flux-system', type: 'generic' },
    event: { ...sampleEvent, message: `event ${id}` },
    ...extra,
  };
}

/**
 * A post that sends the delivery's event to `sinkUrl/<id>`, as a provider would, and fails the way
 * a provider's post does: a NotifierError with the status and the Retry-After of the answer.
 */
export function postToSink(sinkUrl: string, headers: Record<string, string> = {}) {
  return async (delivery: QueuedDelivery, signal: AbortSignal): Promise<void> => {
    let response: Response;
    try {
      response = await fetch(`${sinkUrl}/${encodeURIComponent(delivery.id)}`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', ...headers },
        body: JSON.stringify(delivery.event),
        signal,
      });
    } catch (error) {
      const aborted = signal.aborted;
      throw new NotifierError(
        aborted ? 'ABORTED' : 'NETWORK',
        aborted ? 'post aborted' : 'sink unreachable',
        {
          retryable: !aborted,
          cause: error,
        },
      );
    }
    await response.arrayBuffer();
    if (response.ok) return;
    const retryAfter = response.headers.get('retry-after');
    const retryable = response.status === 429 || (response.status >= 500 && response.status !== 501);
    throw new NotifierError('HTTP_STATUS', `sink answered ${response.status}`, {
      status: response.status,
      retryable,
      ...(retryAfter ? { retryAfterMs: Number(retryAfter) * 1000 } : {}),
    });
  };
}

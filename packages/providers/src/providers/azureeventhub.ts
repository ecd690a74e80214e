/**
 * `azureeventhub`: the whole Flux event, as Go-canonical JSON, sent as one event (one AMQP data
 * section, no content type, no properties) to an Azure Event Hub through `@azure/event-hubs`'
 * `EventHubProducerClient`. Upstream `internal/notifier/azure_eventhub.go`.
 *
 * Two modes, chosen as upstream does (by the substring `SharedAccessKey` in `address`):
 * - SAS: `address` is the hub's connection string (`EntityPath` names the hub; unlike upstream,
 *   `channel` names it when `EntityPath` is missing);
 * - token: `address` is the hub name and `channel` the namespace; `token` is a static Entra JWT,
 *   or, without one, `@azure/identity`'s `DefaultAzureCredential` (an optional peer).
 */
import type { EventData, EventHubClientOptions, EventHubProducerClient } from '@azure/event-hubs';
import {
  type ConnectContext,
  type Deadline,
  defineProvider,
  type Event,
  encodeFluxEventJson,
  field,
  NotifierError,
  type OutgoingMessage,
  type ProviderConnection,
  type Redactor,
} from '@notiflux/core';
import { defaultAzureCredential, staticTokenCredential } from '../azureeventhub/credentials.js';
import { eventHubErrorDetail, sendError } from '../azureeventhub/send-errors.js';
import { type EventHubSpec, resolveEventHubTarget } from '../azureeventhub/target.js';

export { azureIdentityLoader, staticTokenCredential } from '../azureeventhub/credentials.js';
export {
  type EventHubSpec,
  type EventHubTarget,
  namespaceHost,
  resolveEventHubTarget,
} from '../azureeventhub/target.js';

const TYPE = 'azureeventhub';

type EventHubsModule = typeof import('@azure/event-hubs');

export const azureeventhubProvider = defineProvider({
  type: TYPE,
  spec: {
    address: field
      .string('invalid authentication options: endpoint URL cannot be empty')
      .minLength(1, 'invalid authentication options: endpoint URL cannot be empty'),
    // notiflux extension: where to open the AMQP connection instead of the namespace host (an
    // Application Gateway, a local test peer). The namespace stays the AMQP host name and audience.
    endpoint: field
      .string()
      .check((endpoint) =>
        isAmqpsEndpoint(endpoint)
          ? undefined
          : 'must be an amqps:// or sb:// URL with a host name or IPv4 address (and a port)',
      )
      .optional(),
  },
  // The mode and target need several fields at once: resolving them at createNotifier throws
  // INVALID_SPEC there, naming the field, instead of at the first post.
  validate(spec) {
    resolveEventHubTarget(spec);
    return undefined;
  },
  encode: (event, spec) => [encodeAzureEventHubMessage(event, resolveEventHubTarget(spec))],
  // Loaded by the first post, or given in CreateOptions.sdk['@azure/event-hubs'].
  sdk: { package: '@azure/event-hubs', load: (): Promise<EventHubsModule> => import('@azure/event-hubs') },
  connect: (spec, context) => openEventHubConnection(spec, context),
});

function isAmqpsEndpoint(value: string): boolean {
  try {
    const url = new URL(value);
    // The SDK splits host and port at ':', so an IPv6 literal cannot be used.
    return (
      (url.protocol === 'amqps:' || url.protocol === 'sb:') &&
      url.hostname !== '' &&
      !url.hostname.startsWith('[')
    );
  } catch {
    return false;
  }
}

// ---- Encode (pure) ----

/** The event hub message for an event: the event's Go-canonical JSON as the body, nothing else. */
export function encodeAzureEventHubMessage(
  event: Event,
  target: { namespace: string; hub: string },
): Extract<OutgoingMessage, { transport: 'eventhub' }> {
  return {
    transport: 'eventhub',
    namespace: target.namespace,
    hub: target.hub,
    body: encodeFluxEventJson(event),
  };
}

// ---- Send ----

const CLOSE_TIMEOUT_MS = 3_000;

async function openEventHubConnection(
  spec: EventHubSpec & { endpoint?: string; timeoutMs: number },
  context: ConnectContext<EventHubsModule>,
): Promise<ProviderConnection> {
  const target = resolveEventHubTarget(spec);
  const redactor = target.mode === 'sas' ? context.redactor.with([target.sharedAccessKey]) : context.redactor;
  const { EventHubProducerClient } = await context.sdk();
  const options: EventHubClientOptions = {
    // Few, short retries: the post's deadline bounds them, and the caller retries the post.
    retryOptions: {
      maxRetries: 2,
      retryDelayInMs: 200,
      maxRetryDelayInMs: 1_000,
      timeoutInMs: spec.timeoutMs,
    },
    ...(spec.endpoint ? { customEndpointAddress: spec.endpoint } : {}),
  };

  let producer: EventHubProducerClient;
  try {
    if (target.mode === 'sas') {
      producer = target.hubFromChannel
        ? new EventHubProducerClient(target.connectionString, target.hub, options)
        : new EventHubProducerClient(target.connectionString, options);
    } else {
      const credential = target.token
        ? staticTokenCredential(target.token)
        : await defaultAzureCredential(context.peer);
      producer = new EventHubProducerClient(target.namespace, target.hub, credential, options);
    }
  } catch (error) {
    if (error instanceof NotifierError) throw error;
    const how = target.mode === 'sas' ? 'SAS' : target.token ? 'authentication token' : 'managed identity';
    throw new NotifierError(
      'INVALID_SPEC',
      `${TYPE}: failed to create a eventhub using ${how}: ${eventHubErrorDetail(error, redactor)}`,
      {
        providerType: TYPE,
        cause: redactor.error(error),
      },
    );
  }

  return {
    async deliver(message, deadline) {
      if (message.transport !== 'eventhub') throw new Error(`${TYPE} delivers eventhub messages only`);
      await sendOneEvent(producer, message.body, deadline, redactor);
    },
    async close() {
      // The SDK's close can wait indefinitely when the connection drops while closing: bound it.
      let timer: NodeJS.Timeout | undefined;
      const givenUp = new Promise<void>((resolve) => {
        timer = setTimeout(resolve, CLOSE_TIMEOUT_MS);
        timer.unref();
      });
      try {
        await Promise.race([producer.close(), givenUp]);
      } finally {
        clearTimeout(timer);
      }
    },
  };
}

async function sendOneEvent(
  producer: EventHubProducerClient,
  json: string,
  deadline: Deadline,
  redactor: Redactor,
): Promise<void> {
  const abortSignal = deadline.signal;
  let batch: Awaited<ReturnType<EventHubProducerClient['createBatch']>>;
  try {
    batch = await producer.createBatch({ abortSignal });
  } catch (error) {
    throw sendError('failed to create event data batch', error, deadline, redactor);
  }
  // A Buffer body goes out as one data section, as is; a string would be JSON-encoded again.
  const event: EventData = { body: Buffer.from(json, 'utf8') };
  if (!batch.tryAdd(event)) {
    throw new NotifierError(
      'REJECTED',
      `${TYPE}: failed to add event data to batch: event too large (${Buffer.byteLength(json)} bytes of JSON; the hub accepts at most ${batch.maxSizeInBytes} bytes per batch)`,
      { providerType: TYPE },
    );
  }
  try {
    await producer.sendBatch(batch, { abortSignal });
  } catch (error) {
    throw sendError('failed to send msg', error, deadline, redactor);
  }
}

export default azureeventhubProvider;

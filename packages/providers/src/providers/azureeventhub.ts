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
  importOptionalPeer,
  invalidSpec,
  NotifierError,
  type NotifierErrorCode,
  type OutgoingMessage,
  type ProviderConnection,
  type Redactor,
} from '@notiflux/core';

const TYPE = 'azureeventhub';

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
  connect: (spec, context) => openEventHubConnection(spec, context),
});

// ---- Spec: the two modes ----

export type EventHubTarget =
  | {
      mode: 'sas';
      /** The connection string as given (it holds the key: never show it). */
      connectionString: string;
      /** The key in the connection string, to redact. */
      sharedAccessKey: string;
      namespace: string;
      hub: string;
      /** Whether the hub comes from `channel`, not from the connection string's `EntityPath`. */
      hubFromChannel: boolean;
    }
  | { mode: 'token'; namespace: string; hub: string; token: string | undefined };

export interface EventHubSpec {
  address?: string;
  channel?: string;
  token?: string;
}

/**
 * The namespace, hub and credential a spec names, checked as upstream checks at construction
 * (INVALID_SPEC with upstream's messages). Pure: reads `AZURE_AUTHORITY_HOST` only for the
 * namespace suffix of short names in token mode.
 */
export function resolveEventHubTarget(spec: EventHubSpec): EventHubTarget {
  const address = spec.address ?? '';
  if (address === '') {
    throw invalidSpec(TYPE, 'address: invalid authentication options: endpoint URL cannot be empty');
  }
  if (address.includes('SharedAccessKey')) {
    if (spec.token) {
      throw invalidSpec(
        TYPE,
        'token: invalid authentication options: jwt token and SAS authentication cannot be set at the same time',
      );
    }
    return sasTarget(address, spec.channel);
  }
  const channel = spec.channel ?? '';
  if (channel === '') {
    throw invalidSpec(TYPE, 'channel: Azure Event Hub namespace (channel) cannot be empty');
  }
  return { mode: 'token', namespace: namespaceHost(channel), hub: address, token: spec.token || undefined };
}

function sasTarget(connectionString: string, channel: string | undefined): EventHubTarget {
  const fields = parseConnectionString(connectionString);
  const problem = (detail: string) =>
    invalidSpec(TYPE, `address: failed to create a eventhub using SAS: ${detail}`);
  const endpoint = fields.get('Endpoint');
  const host = endpoint ? hostOf(endpoint) : undefined;
  if (!host) throw problem('connection string does not contain a valid Endpoint=sb://<namespace host>/');
  if (!fields.get('SharedAccessKeyName'))
    throw problem('connection string does not contain a SharedAccessKeyName');
  const sharedAccessKey = fields.get('SharedAccessKey');
  if (!sharedAccessKey) throw problem('connection string does not contain a SharedAccessKey');
  const entityPath = fields.get('EntityPath');
  if (!entityPath && !channel) {
    throw problem(
      'connection string does not contain an EntityPath. eventHub cannot be an empty string ' +
        '(add ;EntityPath=<event hub name> to the connection string, or name the hub in channel)',
    );
  }
  return {
    mode: 'sas',
    connectionString,
    sharedAccessKey,
    namespace: host,
    hub: entityPath || (channel as string),
    hubFromChannel: !entityPath,
  };
}

/** `Key=Value;...` pairs; a value may itself contain `=` (base64 keys do). */
function parseConnectionString(value: string): Map<string, string> {
  const fields = new Map<string, string>();
  for (const part of value.split(';')) {
    const separator = part.indexOf('=');
    if (separator <= 0) continue;
    fields.set(part.slice(0, separator).trim(), part.slice(separator + 1).trim());
  }
  return fields;
}

function hostOf(endpoint: string): string | undefined {
  try {
    return new URL(endpoint).host || undefined;
  } catch {
    return undefined;
  }
}

/** A namespace's host: given fully qualified, or a short name with the cloud's suffix (as upstream). */
export function namespaceHost(
  namespace: string,
  authorityHost = process.env.AZURE_AUTHORITY_HOST ?? '',
): string {
  if (namespace.includes('.servicebus.')) return namespace;
  if (authorityHost.includes('chinacloudapi.cn')) return `${namespace}.servicebus.chinacloudapi.cn`;
  if (authorityHost.includes('microsoftonline.us')) return `${namespace}.servicebus.usgovcloudapi.net`;
  return `${namespace}.servicebus.windows.net`;
}

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

type EventHubsModule = typeof import('@azure/event-hubs');

interface AccessToken {
  token: string;
  expiresOnTimestamp: number;
}
interface TokenCredential {
  getToken(scopes: string | string[]): Promise<AccessToken | null>;
}

const CLOSE_TIMEOUT_MS = 3_000;

// Not a literal: `@azure/identity` is optional and not needed to build or type-check notiflux.
const IDENTITY_PACKAGE = '@azure/identity';

async function openEventHubConnection(
  spec: EventHubSpec & { endpoint?: string; timeoutMs: number },
  context: ConnectContext,
): Promise<ProviderConnection> {
  const target = resolveEventHubTarget(spec);
  const redactor = target.mode === 'sas' ? context.redactor.with([target.sharedAccessKey]) : context.redactor;
  const { EventHubProducerClient } = await importOptionalPeer<EventHubsModule>(
    '@azure/event-hubs',
    () => import('@azure/event-hubs'),
    TYPE,
  );
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
      const credential = target.token ? staticTokenCredential(target.token) : await defaultAzureCredential();
      producer = new EventHubProducerClient(target.namespace, target.hub, credential, options);
    }
  } catch (error) {
    if (error instanceof NotifierError) throw error;
    const how = target.mode === 'sas' ? 'SAS' : target.token ? 'authentication token' : 'managed identity';
    throw new NotifierError(
      'INVALID_SPEC',
      `${TYPE}: failed to create a eventhub using ${how}: ${detail(error, redactor)}`,
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

/**
 * A static JWT, used verbatim and never refreshed. Its expiry is its `exp` claim, capped at an
 * hour from now: the SDK re-puts the token shortly before that, and a far `exp` would overflow
 * its refresh timer (setTimeout's 24.8-day limit) into a refresh at once, again and again.
 */
export function staticTokenCredential(token: string): TokenCredential {
  const expiresAt = jwtExpiry(token);
  return {
    getToken: async () => {
      const inAnHour = Date.now() + 60 * 60 * 1000;
      return {
        token,
        expiresOnTimestamp: expiresAt === undefined ? inAnHour : Math.min(expiresAt, inAnHour),
      };
    },
  };
}

function jwtExpiry(token: string): number | undefined {
  const payload = token.split('.')[1];
  if (!payload) return undefined;
  try {
    const claims: unknown = JSON.parse(Buffer.from(payload, 'base64url').toString('utf8'));
    const exp = (claims as { exp?: unknown } | null)?.exp;
    return typeof exp === 'number' && Number.isFinite(exp) ? exp * 1000 : undefined;
  } catch {
    return undefined;
  }
}

/**
 * How `@azure/identity` is loaded: replaceable (tests simulate its absence with it, since a
 * mocked module cannot fail the way a missing one does).
 */
export const azureIdentityLoader: { load: () => Promise<unknown> } = {
  load: () => import(/* @vite-ignore */ IDENTITY_PACKAGE),
};

/** Without a SAS connection string or a token, `@azure/identity`'s default credential (an optional peer). */
async function defaultAzureCredential(): Promise<TokenCredential> {
  const identity = (await importOptionalPeer(IDENTITY_PACKAGE, azureIdentityLoader.load, TYPE)) as {
    DefaultAzureCredential: new () => TokenCredential;
  };
  return new identity.DefaultAzureCredential();
}

// ---- Errors ----

/** SDK error codes meaning the service refused: credentials, an unknown or disabled hub, the event itself. */
const REFUSED_CODES = new Set([
  'UnauthorizedError',
  'MessagingEntityNotFoundError',
  'MessagingEntityDisabledError',
  'MessageTooLargeError',
  'ArgumentError',
  'ArgumentOutOfRangeError',
  'QuotaExceededError',
]);

function sendError(stage: string, error: unknown, deadline: Deadline, redactor: Redactor): NotifierError {
  const cause = redactor.error(error);
  const message = `${TYPE}: ${stage}: ${detail(error, redactor)}`;
  if (deadline.abortedBy === 'timeout') {
    return new NotifierError('TIMEOUT', `${TYPE}: timed out after ${deadline.timeoutMs}ms: ${stage}`, {
      providerType: TYPE,
      retryable: true,
      cause,
    });
  }
  if (deadline.abortedBy === 'caller') {
    return new NotifierError('ABORTED', `${TYPE}: aborted by the caller: ${stage}`, {
      providerType: TYPE,
      cause,
    });
  }
  const code = (lastFailure(error) as { code?: unknown } | null)?.code;
  const refused = typeof code === 'string' && REFUSED_CODES.has(code);
  const kind: NotifierErrorCode = refused ? 'REJECTED' : 'NETWORK';
  return new NotifierError(kind, message, { providerType: TYPE, retryable: !refused, cause });
}

/** The SDK reports retried operations as an AggregateError of every attempt's error. */
function failuresOf(error: unknown): unknown[] {
  return error instanceof AggregateError && error.errors.length > 0 ? error.errors : [error];
}

function lastFailure(error: unknown): unknown {
  return failuresOf(error).at(-1);
}

function detail(error: unknown, redactor: Redactor): string {
  const messages = failuresOf(error).map((failure) =>
    failure instanceof Error ? failure.message || failure.name : String(failure),
  );
  return redactor.text([...new Set(messages)].join('; '));
}

export default azureeventhubProvider;

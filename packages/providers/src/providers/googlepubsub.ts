/**
 * `googlepubsub`: the Flux event, unchanged, as Go-canonical JSON in one Google Cloud Pub/Sub
 * message, with `headers` as message attributes (upstream `internal/notifier/google_pubsub.go`).
 * `address` is the GCP project ID, `channel` the topic, `token` optional JSON credentials
 * (Application Default Credentials without it). One `@google-cloud/pubsub` client per notifier,
 * created on the first post, reused, closed by `close()`. `PUBSUB_EMULATOR_HOST` points the
 * client at an emulator, as the SDK documents.
 */

import type { PubSub } from '@google-cloud/pubsub';
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
import { withinDeadline } from '../connection/within-deadline.js';

type PubSubModule = typeof import('@google-cloud/pubsub');

/** `projects/<project>/topics/<topic>`, the full name the client also accepts as a topic. */
const FULL_TOPIC_NAME = /^projects\/([^/]+)\/topics\/([^/]+)$/;

const projectId = field
  .string('GCP project ID cannot be empty')
  .minLength(1, 'GCP project ID cannot be empty')
  .check((project) =>
    /[/\s]/.test(project) ? 'must be a GCP project ID (no "/" or whitespace)' : undefined,
  );

const topicId = field
  .string('GCP Pub/Sub topic ID cannot be empty')
  .minLength(1, 'GCP Pub/Sub topic ID cannot be empty')
  .check((topic) =>
    FULL_TOPIC_NAME.test(topic) || !/[/\s]/.test(topic)
      ? undefined
      : 'must be a Pub/Sub topic ID (flux-events) or a full topic name (projects/<project>/topics/<topic>)',
  );

/**
 * Checked at createNotifier so a pasted wrong value fails early (upstream fails at the first post).
 * The messages never quote the value: it holds a private key.
 */
const googleCredentials = field.string().check(credentialsProblem).optional();

function credentialsProblem(token: string): string | undefined {
  let parsed: unknown;
  try {
    parsed = JSON.parse(token);
  } catch {
    // JSON.parse's message quotes the input.
    return 'must be Google JSON credentials (a service-account key file), but is not valid JSON';
  }
  if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed)) {
    return 'must be Google JSON credentials (a JSON object such as a service-account key file)';
  }
  const { type, client_email: clientEmail, private_key: privateKey } = parsed as Record<string, unknown>;
  if (typeof type !== 'string' || type === '') {
    return 'must be Google JSON credentials with a "type" (e.g. "service_account")';
  }
  if (type === 'service_account' && (typeof clientEmail !== 'string' || typeof privateKey !== 'string')) {
    return 'service-account credentials need "client_email" and "private_key"';
  }
  return undefined;
}

export const googlepubsubProvider = defineProvider({
  type: 'googlepubsub',
  spec: { address: projectId, channel: topicId, token: googleCredentials },
  encode: (event, spec) => [encodeGooglePubSubMessage(event, spec)],
  sdk: { package: '@google-cloud/pubsub', load: (): Promise<PubSubModule> => import('@google-cloud/pubsub') },
  // The PubSub client and its topic publisher live between posts.
  connect: (spec, context) => openPubSubPublisher(spec, context),
});

/** The full topic name: `channel` when it is one, else `projects/<address>/topics/<channel>`. */
export function googlePubSubTopicName(spec: { address: string; channel: string }): string {
  return FULL_TOPIC_NAME.test(spec.channel)
    ? spec.channel
    : `projects/${spec.address}/topics/${spec.channel}`;
}

/**
 * The message `post` publishes: the event as Go's `encoding/json` writes it, with `headers` as
 * attributes (none when there are none), on the full topic name. `project` is the topic's project.
 */
export function encodeGooglePubSubMessage(
  event: Event,
  spec: { address: string; channel: string; headers?: Record<string, string> },
): { transport: 'pubsub'; project: string; topic: string; body: string; attributes: Record<string, string> } {
  const topic = googlePubSubTopicName(spec);
  const project = FULL_TOPIC_NAME.exec(topic)?.[1] ?? spec.address;
  return {
    transport: 'pubsub',
    project,
    topic,
    body: encodeFluxEventJson(event),
    attributes: { ...spec.headers },
  };
}

interface PubSubPublisherSpec {
  address: string;
  channel: string;
  token?: string | undefined;
}

async function openPubSubPublisher(
  spec: PubSubPublisherSpec,
  context: ConnectContext<PubSubModule>,
): Promise<ProviderConnection> {
  const pubsubModule = await context.sdk();
  const credentials =
    spec.token === undefined ? undefined : (JSON.parse(spec.token) as Record<string, unknown>);
  // Errors may quote the key decoded (real line breaks) or as in the JSON (`\n` escapes).
  const privateKey = typeof credentials?.private_key === 'string' ? credentials.private_key : undefined;
  const redactor = context.redactor.with(
    privateKey ? [privateKey, JSON.stringify(privateKey).slice(1, -1)] : [],
  );
  let pubsub: PubSub;
  try {
    // Without credentials the client uses Application Default Credentials.
    pubsub = new pubsubModule.PubSub({ projectId: spec.address, ...(credentials ? { credentials } : {}) });
    // Builds the auth client from the JSON (no I/O), so unusable credentials fail here, clearly,
    // not inside a gRPC call.
    if (credentials) await pubsub.auth.getClient();
  } catch (error) {
    throw new NotifierError(
      'REJECTED',
      `googlepubsub: cannot use the credentials in token: ${redactor.text(messageOf(error))}`,
      { providerType: 'googlepubsub', cause: redactor.error(error) },
    );
  }
  return new PubSubPublisher(pubsub, redactor);
}

/** gRPC status codes the client reports (`error.code`). */
const GRPC = {
  INVALID_ARGUMENT: 3,
  DEADLINE_EXCEEDED: 4,
  NOT_FOUND: 5,
  PERMISSION_DENIED: 7,
  FAILED_PRECONDITION: 9,
  UNIMPLEMENTED: 12,
  UNAUTHENTICATED: 16,
} as const;

const REJECTED_CODES = new Set<number>([
  GRPC.INVALID_ARGUMENT,
  GRPC.NOT_FOUND,
  GRPC.PERMISSION_DENIED,
  GRPC.FAILED_PRECONDITION,
  GRPC.UNIMPLEMENTED,
  GRPC.UNAUTHENTICATED,
]);

class PubSubPublisher implements ProviderConnection {
  private closed = false;

  constructor(
    private readonly pubsub: PubSub,
    private readonly redactor: Redactor,
  ) {}

  async deliver(message: OutgoingMessage, deadline: Deadline): Promise<void> {
    if (message.transport !== 'pubsub') {
      throw new Error(`googlepubsub cannot deliver a ${message.transport} message`);
    }
    const { topic: topicName, body, attributes } = message;
    if (this.closed) throw new Error('the Pub/Sub client was closed');
    // A Topic per post carries this post's deadline as the call's total timeout (retries
    // included), and publishes at once instead of waiting to fill a batch.
    const topic = this.pubsub.topic(topicName, {
      batching: { maxMessages: 1, maxMilliseconds: 0 },
      gaxOpts: { timeout: Math.max(1, Math.floor(deadline.remainingMs())) },
    });
    const publishing = topic.publishMessage({
      data: Buffer.from(body, 'utf8'),
      // Upstream sends no attributes rather than an empty map.
      ...(Object.keys(attributes).length > 0 ? { attributes } : {}),
    });
    try {
      await withinDeadline(publishing, deadline, {
        timeout: 'no answer from Pub/Sub in time',
        caller: 'aborted',
      });
    } catch (error) {
      // It may still settle after the deadline won the race.
      publishing.catch(() => undefined);
      throw this.publishFailure(topicName, error, deadline);
    }
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    // Upstream ignores errors from closing the client.
    await this.pubsub.close().catch(() => undefined);
  }

  private publishFailure(topicName: string, error: unknown, deadline: Deadline): NotifierError {
    const code = (error as { code?: unknown } | undefined)?.code;
    const detail = this.redactor.text(messageOf(error));
    const message = `googlepubsub: error publishing to GCP Pub/Sub topic ${topicName}: ${detail}`;
    const options = { providerType: 'googlepubsub' as const, cause: this.redactor.error(error) };
    if (deadline.abortedBy === 'caller') return new NotifierError('ABORTED', message, options);
    if (deadline.abortedBy === 'timeout' || code === GRPC.DEADLINE_EXCEEDED) {
      return new NotifierError('TIMEOUT', message, { ...options, retryable: true });
    }
    if (typeof code === 'number' && REJECTED_CODES.has(code)) {
      return new NotifierError('REJECTED', message, options);
    }
    return new NotifierError('NETWORK', message, { ...options, retryable: true });
  }
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

export default googlepubsubProvider;

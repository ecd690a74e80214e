/**
 * A minimal Azure Event Hubs stand-in for tests: an AMQP 1.0 peer (rhea) on 127.0.0.1 that
 * answers what `@azure/event-hubs` asks of a namespace and records what it is sent. There is no
 * Event Hubs emulator without Docker, so this plays the service's part:
 * - CBS: `put-token` requests on `$cbs` are answered 202 (or `cbsStatus`), and the tokens kept;
 * - `$management`: READs of `com.microsoft:eventhub` and `com.microsoft:partition`;
 * - events sent to `<hub>` (or `<hub>/Partitions/<id>`) are recorded, one per data section of a batch.
 * Plain AMQP by default (the SDK's `UseDevelopmentEmulator=true` mode), or AMQPS with `tls`.
 */
import type { AddressInfo, Server, Socket } from 'node:net';
import rhea, {
  type Connection,
  type EventContext,
  type Message,
  type Receiver,
  type Sender,
  type Session,
} from 'rhea';

/** One event the peer received, decoded from a batch's data section or a single message. */
export interface ReceivedEvent {
  /** The AMQP address the batch was sent to (`<hub>` or `<hub>/Partitions/<id>`). */
  address: string;
  body: Buffer;
  contentType: string | undefined;
  messageId: string | number | undefined;
  correlationId: string | number | undefined;
  applicationProperties: Record<string, unknown> | undefined;
  /** The AMQP message format of the transfer it arrived in (0x80013700 for a batch). */
  format: number;
}

/** A token the SDK put on `$cbs`. */
export interface PutToken {
  /** `servicebus.windows.net:sastoken` or `jwt`. */
  type: string;
  /** The audience (`name` application property). */
  audience: string;
  token: string;
}

export interface EventHubPeerOptions {
  /** The hub(s) to serve; attaches to any other address are refused with `amqp:not-found`. */
  hubs?: readonly string[];
  partitionIds?: readonly string[];
  /** Status code answered to `put-token` (202 accepts; 401 refuses). */
  cbsStatus?: number;
  /** Serve AMQPS with this certificate instead of plain AMQP. */
  tls?: { cert: string; key: string };
  /** The largest message the hub links accept (announced on attach; the SDK sizes batches by it). */
  maxMessageSize?: number;
  /** Reject every incoming event with this AMQP error condition instead of accepting it. */
  rejectEventsWith?: { condition: string; description: string };
}

export interface EventHubPeer {
  readonly port: number;
  /** `Endpoint=sb://127.0.0.1:<port>;...;UseDevelopmentEmulator=true` for a hub, without EntityPath unless given. */
  connectionString(options?: { keyName?: string; key?: string; hub?: string }): string;
  readonly events: ReceivedEvent[];
  readonly tokens: PutToken[];
  /** `$management` READ requests, by `type`. */
  readonly managementReads: string[];
  /** Resolves when `count` events have arrived (or rejects after `timeoutMs`). */
  waitForEvents(count: number, timeoutMs?: number): Promise<ReceivedEvent[]>;
  /** Open client connections right now. */
  openConnections(): number;
  close(): Promise<void>;
}

const BATCH_MESSAGE_FORMAT = 0x80013700;

/** The message fields the peer reads, from a decoded section or a received message alike. */
interface AmqpMessage {
  body?: unknown;
  content_type?: string;
  message_id?: unknown;
  correlation_id?: unknown;
  application_properties?: Record<string, unknown>;
}

export async function startEventHubPeer(options: EventHubPeerOptions = {}): Promise<EventHubPeer> {
  const hubs = new Set(options.hubs ?? ['hub']);
  const partitionIds = [...(options.partitionIds ?? ['0'])];
  const container = rhea.create_container({ id: 'event-hub-peer' });
  container.sasl_server_mechanisms.enable_anonymous();
  const events: ReceivedEvent[] = [];
  const tokens: PutToken[] = [];
  const managementReads: string[] = [];
  const connections = new Set<Connection>();
  const waiters = new Set<() => void>();
  // Replies go out on the peer's sender whose link name is the request's reply_to.
  const repliesBySession = new Map<Session, Map<string, Sender>>();

  const replyLink = (context: EventContext, replyTo: unknown): Sender | undefined =>
    typeof replyTo === 'string' ? repliesBySession.get(context.session as Session)?.get(replyTo) : undefined;

  const isServedAddress = (address: string): boolean => {
    const [hub, partitions, partition] = address.split('/');
    if (!hub || !hubs.has(hub)) return false;
    return (
      partitions === undefined || (partitions === 'Partitions' && partitionIds.includes(partition ?? ''))
    );
  };

  container.on('connection_open', (context: EventContext) => {
    connections.add(context.connection);
  });
  container.on('connection_close', (context: EventContext) => {
    connections.delete(context.connection);
  });
  container.on('disconnected', (context: EventContext) => {
    connections.delete(context.connection);
  });

  container.on('sender_open', (context: EventContext) => {
    const sender = context.sender as Sender;
    const session = context.session as Session;
    let byName = repliesBySession.get(session);
    if (!byName) {
      byName = new Map();
      repliesBySession.set(session, byName);
    }
    byName.set(sender.name, sender);
  });

  container.on('receiver_open', (context: EventContext) => {
    const receiver = context.receiver as Receiver;
    const address = receiver.target?.address ?? '';
    if (address === '$cbs' || address === '$management' || isServedAddress(address)) {
      receiver.set_target({ address });
      if (options.maxMessageSize !== undefined && address !== '$cbs' && address !== '$management') {
        // The attach reply goes out after this handler, so it still carries the limit.
        const local = (receiver as unknown as { local: { attach: { max_message_size?: number } } }).local;
        local.attach.max_message_size = options.maxMessageSize;
      }
      return;
    }
    receiver.close({
      condition: 'amqp:not-found',
      description: `The messaging entity '${address}' could not be found.`,
    });
  });

  container.on('message', (context: EventContext) => {
    const receiver = context.receiver as Receiver;
    const address = receiver.target?.address ?? '';
    const format = (context as EventContext & { format?: number }).format ?? 0;
    if (address === '$cbs') return answerCbs(context);
    if (address === '$management') return answerManagement(context);
    if (options.rejectEventsWith) {
      context.delivery?.reject(options.rejectEventsWith);
      return;
    }
    if (format === BATCH_MESSAGE_FORMAT) {
      // A batch: the transfer holds an envelope message whose data sections are encoded events.
      const envelope = rhea.message.decode(context.message as unknown as Buffer);
      const sections = Array.isArray(envelope.body) ? envelope.body : [envelope.body];
      for (const section of sections) {
        const encoded = (section as { content?: Buffer }).content ?? (section as Buffer);
        record(address, rhea.message.decode(encoded) as AmqpMessage, format);
      }
    } else {
      record(address, context.message as AmqpMessage, format);
    }
  });

  function record(address: string, message: AmqpMessage, format: number): void {
    const body = message.body as { typecode?: number; content?: unknown } | Buffer | string | undefined;
    let bytes: Buffer;
    if (Buffer.isBuffer(body)) bytes = body;
    else if (body && typeof body === 'object' && Buffer.isBuffer(body.content)) bytes = body.content;
    else bytes = Buffer.from(typeof body === 'string' ? body : JSON.stringify(body ?? null));
    events.push({
      address,
      body: bytes,
      contentType: message.content_type,
      messageId: message.message_id as string | number | undefined,
      correlationId: message.correlation_id as string | number | undefined,
      applicationProperties: message.application_properties,
      format,
    });
    for (const wake of waiters) wake();
  }

  function answerCbs(context: EventContext): void {
    const request = context.message as Message;
    const properties = request.application_properties ?? {};
    tokens.push({
      type: String(properties.type ?? ''),
      audience: String(properties.name ?? ''),
      token: String(request.body ?? ''),
    });
    const status = options.cbsStatus ?? 202;
    replyLink(context, request.reply_to)?.send({
      correlation_id: request.message_id,
      application_properties: {
        'status-code': status,
        'status-description': status === 202 ? 'Accepted' : 'Unauthorized',
      },
      body: null,
    });
  }

  function answerManagement(context: EventContext): void {
    const request = context.message as Message;
    const properties = request.application_properties ?? {};
    const type = String(properties.type ?? '');
    managementReads.push(type);
    const name = String(properties.name ?? '');
    let body: Record<string, unknown>;
    if (type === 'com.microsoft:eventhub') {
      body = {
        name,
        created_at: new Date(0),
        partition_count: partitionIds.length,
        partition_ids: partitionIds,
      };
    } else {
      body = {
        name,
        partition: String(properties.partition ?? ''),
        begin_sequence_number: 0,
        last_enqueued_sequence_number: -1,
        last_enqueued_offset: '-1',
        last_enqueued_time_utc: new Date(0),
        is_partition_empty: true,
      };
    }
    replyLink(context, request.reply_to)?.send({
      correlation_id: request.message_id,
      application_properties: { 'status-code': 200, 'status-description': 'OK' },
      body,
    });
  }

  const listenOptions: Record<string, unknown> = { port: 0, host: '127.0.0.1' };
  if (options.tls) Object.assign(listenOptions, { transport: 'tls', ...options.tls });
  const server = container.listen(listenOptions) as unknown as Server;
  await new Promise<void>((resolve, reject) => {
    if (server.listening) return resolve();
    server.once('listening', resolve);
    server.once('error', reject);
  });
  const port = (server.address() as AddressInfo).port;
  // Every socket, AMQP-open or not, so that close() can end them all.
  const sockets = new Set<Socket>();
  server.on('connection', (socket: Socket) => {
    sockets.add(socket);
    socket.once('close', () => sockets.delete(socket));
  });

  return {
    port,
    events,
    tokens,
    managementReads,
    connectionString({ keyName = 'RootManageSharedAccessKey', key = 'test-shared-key', hub } = {}) {
      const entityPath = hub ? `;EntityPath=${hub}` : '';
      return `Endpoint=sb://127.0.0.1:${port};SharedAccessKeyName=${keyName};SharedAccessKey=${key};UseDevelopmentEmulator=true${entityPath}`;
    },
    waitForEvents(count, timeoutMs = 5_000) {
      if (events.length >= count) return Promise.resolve(events.slice(0, count));
      return new Promise((resolve, reject) => {
        const timer = setTimeout(() => {
          waiters.delete(check);
          reject(new Error(`expected ${count} event(s), received ${events.length}`));
        }, timeoutMs);
        const check = () => {
          if (events.length < count) return;
          clearTimeout(timer);
          waiters.delete(check);
          resolve(events.slice(0, count));
        };
        waiters.add(check);
      });
    },
    openConnections: () => connections.size,
    async close() {
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      for (const connection of connections) connection.close();
      connections.clear();
      // The server only closes once every socket has ended; do not wait for the client's reply.
      for (const socket of sockets) socket.destroy();
      await closed;
    },
  };
}

/**
 * `nats`: the Flux event, unchanged, as Go-canonical JSON in one core-NATS message on the
 * subject `channel` (upstream `internal/notifier/nats.go`). One connection per notifier, opened
 * on the first post, reused, reopened when the client gave up reconnecting, drained by `close()`.
 */
import {
  type ConnectContext,
  type Deadline,
  defineProvider,
  type Event,
  encodeFluxEventJson,
  field,
  importOptionalPeer,
  NotifierError,
  type OutgoingMessage,
  type ProviderConnection,
  type Redactor,
  type TlsOptions,
} from '@notiflux/core';
import type { ConnectionOptions, NatsConnection, NatsError, Status } from 'nats';

type NatsModule = typeof import('nats');

const CLIENT_NAME = 'NATS Provider Publisher';
const DEFAULT_PORT = 4222;
const NKEY_USER_SEED = /^SU[A-Z2-7]{56}$/;
const CREDS_JWT_BLOCK = /-----BEGIN NATS USER JWT-----/;
const CREDS_SEED_BLOCK = /-----BEGIN USER NKEY SEED-----/;

/** One server of `address`, normalised: scheme (`nats` or `tls`), host and port. */
export interface NatsServer {
  tls: boolean;
  /** `host:port`, as the client takes it (IPv6 in brackets). */
  hostPort: string;
  /** `nats://host:port` or `tls://host:port`, for display. */
  url: string;
}

/**
 * Parses the comma-separated server list: scheme optional (`nats://`), port optional (4222).
 * Returns an error text instead when an entry is not a server address, or carries credentials
 * (NATS credentials come from the spec's auth fields, never from the URL, which the JS clients ignore).
 */
export function parseNatsServers(address: string): NatsServer[] | string {
  const servers: NatsServer[] = [];
  for (const raw of address.split(',')) {
    const entry = raw.trim();
    if (entry === '') continue;
    const withScheme = /^[a-z][a-z0-9+.-]*:\/\//i.test(entry) ? entry : `nats://${entry}`;
    let url: URL;
    try {
      url = new URL(withScheme);
    } catch {
      return 'must be a NATS server URL (nats://host:port), or a comma-separated list of them';
    }
    const scheme = url.protocol.slice(0, -1).toLowerCase();
    if (scheme !== 'nats' && scheme !== 'tls') {
      return `unsupported scheme "${scheme}://": use nats:// or tls://`;
    }
    if (url.username !== '' || url.password !== '') {
      return 'must not carry credentials (user:pass@ or token@): set username and password, secret.nkey or secret.creds';
    }
    if (url.hostname === '' || (url.pathname !== '' && url.pathname !== '/') || url.search || url.hash) {
      return 'must be a NATS server URL (nats://host:port), or a comma-separated list of them';
    }
    const hostPort = `${url.hostname}:${url.port || DEFAULT_PORT}`;
    servers.push({ tls: scheme === 'tls', hostPort, url: `${scheme}://${hostPort}` });
  }
  if (servers.length === 0) return 'NATS server (address) cannot be empty';
  return servers;
}

const natsAddress = field
  .string('NATS server (address) cannot be empty')
  .minLength(1, 'NATS server (address) cannot be empty')
  .check((address) => {
    const servers = parseNatsServers(address);
    return typeof servers === 'string' ? servers : undefined;
  });

const natsSubject = field
  .string('NATS subject (channel) cannot be empty')
  .minLength(1, 'NATS subject (channel) cannot be empty')
  .check((subject) =>
    /\s/.test(subject) ? 'NATS subject (channel) must not contain whitespace' : undefined,
  );

// Cheap structural checks of the auth material, so a pasted wrong value fails at createNotifier
// rather than at the first post (the spec allows it; the SDK is not loaded for them).
const natsSecret = field.record().checkEach((secret, report) => {
  const creds = secret.creds?.trim();
  if (creds && !(CREDS_JWT_BLOCK.test(creds) && CREDS_SEED_BLOCK.test(creds))) {
    report(
      'must be the content of a NATS credentials file (-----BEGIN NATS USER JWT----- and -----BEGIN USER NKEY SEED----- blocks)',
      ['creds'],
    );
  }
  const nkey = secret.nkey?.trim();
  if (nkey && !creds && !NKEY_USER_SEED.test(nkey)) {
    report('must be an NKey user seed (SU…, 58 characters)', ['nkey']);
  }
});

export const natsProvider = defineProvider({
  type: 'nats',
  spec: { address: natsAddress, channel: natsSubject, secret: natsSecret },
  encode: (event, spec) => [encodeNatsMessage(event, spec)],
  connect: (spec, context) => openNatsPublisher(spec, context),
});

/**
 * The message `post` publishes: the event as Go's `encoding/json` writes it, on `channel`.
 * `server` is the first server of `address` (the one tried first).
 */
export function encodeNatsMessage(
  event: Event,
  spec: { address: string; channel: string },
): { transport: 'nats'; server: string; subject: string; body: string } {
  const servers = parseNatsServers(spec.address);
  const first = typeof servers === 'string' ? undefined : servers[0];
  return {
    transport: 'nats',
    server: first?.url ?? spec.address,
    subject: spec.channel,
    body: encodeFluxEventJson(event),
  };
}

interface NatsPublisherSpec {
  address: string;
  channel: string;
  username?: string | undefined;
  password?: string | undefined;
  secret: Record<string, string>;
  tls?: TlsOptions | undefined;
  timeoutMs: number;
}

/** Which credentials the connection sends, in upstream's priority order. */
export type NatsAuth =
  | { kind: 'creds'; creds: string }
  | { kind: 'nkey'; seed: string }
  | { kind: 'userpass'; user: string; pass: string }
  | { kind: 'none' };

/** creds > nkey > username+password (only when both are set) > nothing. */
export function natsAuthOf(spec: Pick<NatsPublisherSpec, 'username' | 'password' | 'secret'>): NatsAuth {
  const creds = spec.secret.creds?.trim();
  // The client's creds parser wants the line break after the closing seed line.
  if (creds) return { kind: 'creds', creds: `${creds}\n` };
  const seed = spec.secret.nkey?.trim();
  if (seed) return { kind: 'nkey', seed };
  if (spec.username && spec.password) return { kind: 'userpass', user: spec.username, pass: spec.password };
  return { kind: 'none' };
}

async function openNatsPublisher(
  spec: NatsPublisherSpec,
  context: ConnectContext,
): Promise<ProviderConnection> {
  const nats = await importOptionalPeer('nats', () => import('nats'), 'nats');
  return new NatsPublisher(nats, spec, context.redactor);
}

/** The client's view of the connection, kept up to date from its status events. */
interface LiveConnection {
  nc: NatsConnection;
  connected: boolean;
  /** Called on every status event (reconnects, permission errors, close). */
  watchers: Set<(status: Status | 'closed') => void>;
}

class NatsPublisher implements ProviderConnection {
  private readonly servers: NatsServer[];
  private live: Promise<LiveConnection> | undefined;

  constructor(
    private readonly nats: NatsModule,
    private readonly spec: NatsPublisherSpec,
    private readonly redactor: Redactor,
  ) {
    // The schema checked the address already.
    this.servers = parseNatsServers(spec.address) as NatsServer[];
  }

  async deliver(message: OutgoingMessage, deadline: Deadline): Promise<void> {
    if (message.transport !== 'nats') throw new Error(`nats cannot deliver a ${message.transport} message`);
    const { subject, body } = message;
    const live = await this.connection(deadline);
    if (!live.connected) await this.waitForReconnect(live, deadline);
    await this.publish(live, subject, body, deadline);
  }

  async close(): Promise<void> {
    const opening = this.live;
    this.live = undefined;
    const live = await opening?.catch(() => undefined);
    if (!live || live.nc.isClosed()) return;
    // Drain sends what is buffered, but it waits for a server that is away: then just close,
    // and never wait longer than the timeout.
    let bound: NodeJS.Timeout | undefined;
    const drained = live.connected ? live.nc.drain().catch(() => undefined) : Promise.resolve();
    await Promise.race([
      drained,
      new Promise((resolve) => (bound = setTimeout(resolve, this.spec.timeoutMs))),
    ]);
    clearTimeout(bound);
    if (!live.nc.isClosed()) await live.nc.close().catch(() => undefined);
  }

  /** The open connection, opened (again) when there is none or the client gave up reconnecting. */
  private async connection(deadline: Deadline): Promise<LiveConnection> {
    let opening = this.live;
    if (opening) {
      const current = await withinDeadline(opening, deadline).catch((error: unknown) => {
        if (deadline.abortedBy) throw error;
        return undefined;
      });
      if (current && !current.nc.isClosed()) return current;
      if (this.live === opening) this.live = undefined;
    }
    opening = this.open(deadline.remainingMs());
    this.live = opening;
    // A failed attempt is not kept: the next post tries again.
    opening.catch(() => {
      if (this.live === opening) this.live = undefined;
    });
    return withinDeadline(opening, deadline);
  }

  private async open(timeoutMs: number): Promise<LiveConnection> {
    let nc: NatsConnection;
    try {
      nc = await this.nats.connect(this.connectionOptions(Math.max(1, Math.floor(timeoutMs))));
    } catch (error) {
      throw this.failure('error connecting to server', error);
    }
    const live: LiveConnection = { nc, connected: true, watchers: new Set() };
    void this.watchStatus(live);
    return live;
  }

  private connectionOptions(timeout: number): ConnectionOptions {
    const { nats, spec } = this;
    const options: ConnectionOptions = {
      servers: this.servers.map((server) => server.hostPort),
      name: CLIENT_NAME,
      timeout,
      // Upstream tries the servers in the order given.
      noRandomize: true,
    };
    const auth = natsAuthOf(spec);
    const encoder = new TextEncoder();
    if (auth.kind === 'creds') options.authenticator = nats.credsAuthenticator(encoder.encode(auth.creds));
    else if (auth.kind === 'nkey') options.authenticator = nats.nkeyAuthenticator(encoder.encode(auth.seed));
    else if (auth.kind === 'userpass') Object.assign(options, { user: auth.user, pass: auth.pass });
    // tls:// asks for TLS; `tls` material too (honoured wherever the transport allows:
    // docs/design/providers.md).
    if (spec.tls || this.servers.some((server) => server.tls)) {
      const { ca, cert, key } = spec.tls ?? {};
      options.tls = { ...(ca ? { ca } : {}), ...(cert ? { cert } : {}), ...(key ? { key } : {}) };
    }
    return options;
  }

  private async watchStatus(live: LiveConnection): Promise<void> {
    const notify = (status: Status | 'closed') => {
      for (const watcher of live.watchers) watcher(status);
    };
    // The iterator ends when the connection closes.
    void live.nc.closed().then(() => {
      live.connected = false;
      notify('closed');
    });
    try {
      for await (const status of live.nc.status()) {
        if (status.type === 'disconnect') live.connected = false;
        else if (status.type === 'reconnect') live.connected = true;
        notify(status);
      }
    } catch {
      // The iterator only fails when the connection is torn down; `closed()` reports that.
    }
  }

  /** Waits until the client reconnected, or fails when it gives up or the deadline ends. */
  private waitForReconnect(live: LiveConnection, deadline: Deadline): Promise<void> {
    return withinDeadline(
      new Promise<void>((resolve, reject) => {
        const watcher = (status: Status | 'closed') => {
          if (status === 'closed') {
            live.watchers.delete(watcher);
            reject(
              this.failure('error connecting to server', new Error('connection closed while reconnecting')),
            );
          } else if (status.type === 'reconnect') {
            live.watchers.delete(watcher);
            resolve();
          }
        };
        live.watchers.add(watcher);
        deadline.onAbort(() => live.watchers.delete(watcher));
      }),
      deadline,
      'the client was still reconnecting to the NATS server',
    );
  }

  /** PUB then a flush (PING/PONG), failing on a permission violation for the subject reported meanwhile. */
  private publish(live: LiveConnection, subject: string, body: string, deadline: Deadline): Promise<void> {
    let watcher: ((status: Status | 'closed') => void) | undefined;
    const violation = new Promise<never>((_, reject) => {
      watcher = (status) => {
        if (status === 'closed') {
          reject(this.failure('error publishing message to server', new Error('connection closed')));
          return;
        }
        const permission = status.permissionContext;
        if (
          status.type === 'error' &&
          permission?.operation === 'publish' &&
          permission.subject === subject
        ) {
          reject(this.rejected('error publishing message to server', String(status.data)));
        }
      };
      live.watchers.add(watcher);
    });
    // It may settle after the race is decided.
    violation.catch(() => undefined);
    const sent = (async () => {
      try {
        live.nc.publish(subject, Buffer.from(body, 'utf8'));
        await live.nc.flush();
        // The server reports a violation before its PONG, but the client hands status events
        // over asynchronously: let them reach the watcher before calling the publish good.
        await new Promise((resolve) => setImmediate(resolve));
      } catch (error) {
        throw this.failure('error publishing message to server', error);
      }
    })();
    return withinDeadline(Promise.race([sent, violation]), deadline).finally(() => {
      if (watcher) live.watchers.delete(watcher);
    });
  }

  /** A client error as NotifierError: authorization problems are REJECTED, the rest NETWORK. */
  private failure(step: string, error: unknown): NotifierError {
    const code = (error as Partial<NatsError> | undefined)?.code;
    const detail = this.redactor.text(error instanceof Error ? error.message : String(error));
    if (code === 'TIMEOUT') {
      return new NotifierError('TIMEOUT', `${this.prefix()}${step}: ${detail}`, {
        providerType: 'nats',
        retryable: true,
        cause: this.redactor.error(error),
      });
    }
    if (
      code === 'BAD_CREDS' ||
      code === 'AUTHORIZATION_VIOLATION' ||
      code === 'PERMISSIONS_VIOLATION' ||
      code === 'BAD_AUTHENTICATION'
    ) {
      return this.rejected(step, detail, error);
    }
    if (code === 'NATS_PROTOCOL_ERR' && /nkey|seed|jwt|creds|authenticat/i.test(detail)) {
      return this.rejected(step, detail, error);
    }
    return new NotifierError('NETWORK', `${this.prefix()}${step}: ${detail}`, {
      providerType: 'nats',
      retryable: true,
      cause: this.redactor.error(error),
    });
  }

  private rejected(step: string, detail: string, error?: unknown): NotifierError {
    return new NotifierError('REJECTED', `${this.prefix()}${step}: ${this.redactor.text(detail)}`, {
      providerType: 'nats',
      retryable: false,
      cause: error === undefined ? undefined : this.redactor.error(error),
    });
  }

  private prefix(): string {
    return `nats: error publishing event to subject ${this.spec.channel}: `;
  }
}

/** `work`, or a rejection as soon as the deadline ends (the core turns that into TIMEOUT/ABORTED). */
function withinDeadline<T>(
  work: Promise<T>,
  deadline: Deadline,
  waitingFor = 'no answer from the NATS server in time',
): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    const stop = deadline.onAbort(() => reject(new Error(waitingFor)));
    work.then(
      (value) => {
        stop();
        resolve(value);
      },
      (error: unknown) => {
        stop();
        reject(error);
      },
    );
  });
}

export default natsProvider;

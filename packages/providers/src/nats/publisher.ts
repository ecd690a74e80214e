import type {
  ConnectContext,
  Deadline,
  OutgoingMessage,
  ProviderConnection,
  Redactor,
  TlsOptions,
} from '@notiflux/core';
import type { ConnectionOptions, NatsConnection, Status } from 'nats';
import { withinDeadline } from '../connection/within-deadline.js';
import { natsAuthOptions } from './auth.js';
import { NatsPublishErrors } from './publish-errors.js';
import { type NatsServer, parseNatsServers } from './servers.js';

export type NatsModule = typeof import('nats');

const CLIENT_NAME = 'NATS Provider Publisher';
const NO_ANSWER = { timeout: 'no answer from the NATS server in time' };

export interface NatsPublisherSpec {
  address: string;
  channel: string;
  username?: string | undefined;
  password?: string | undefined;
  secret: Record<string, string>;
  tls?: TlsOptions | undefined;
  timeoutMs: number;
}

/**
 * The notifier's NATS connection: opened on the first post, reused, reopened when the client gave
 * up reconnecting, drained by `close()`.
 */
export async function openNatsPublisher(
  spec: NatsPublisherSpec,
  context: ConnectContext<NatsModule>,
): Promise<ProviderConnection> {
  return new NatsPublisher(await context.sdk(), spec, context.redactor);
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
  private readonly errors: NatsPublishErrors;
  private live: Promise<LiveConnection> | undefined;

  constructor(
    private readonly nats: NatsModule,
    private readonly spec: NatsPublisherSpec,
    redactor: Redactor,
  ) {
    // The schema checked the address already.
    this.servers = parseNatsServers(spec.address) as NatsServer[];
    this.errors = new NatsPublishErrors(spec.channel, redactor);
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
      const current = await withinDeadline(opening, deadline, NO_ANSWER).catch((error: unknown) => {
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
    return withinDeadline(opening, deadline, NO_ANSWER);
  }

  private async open(timeoutMs: number): Promise<LiveConnection> {
    let nc: NatsConnection;
    try {
      nc = await this.nats.connect(this.connectionOptions(Math.max(1, Math.floor(timeoutMs))));
    } catch (error) {
      throw this.errors.failure('error connecting to server', error);
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
      ...natsAuthOptions(nats, spec),
    };
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
              this.errors.failure(
                'error connecting to server',
                new Error('connection closed while reconnecting'),
              ),
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
      { timeout: 'the client was still reconnecting to the NATS server' },
    );
  }

  /** PUB then a flush (PING/PONG), failing on a permission violation for the subject reported meanwhile. */
  private publish(live: LiveConnection, subject: string, body: string, deadline: Deadline): Promise<void> {
    let watcher: ((status: Status | 'closed') => void) | undefined;
    const violation = new Promise<never>((_, reject) => {
      watcher = (status) => {
        if (status === 'closed') {
          reject(this.errors.failure('error publishing message to server', new Error('connection closed')));
          return;
        }
        const permission = status.permissionContext;
        if (
          status.type === 'error' &&
          permission?.operation === 'publish' &&
          permission.subject === subject
        ) {
          reject(this.errors.rejected('error publishing message to server', String(status.data)));
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
        throw this.errors.failure('error publishing message to server', error);
      }
    })();
    return withinDeadline(Promise.race([sent, violation]), deadline, NO_ANSWER).finally(() => {
      if (watcher) live.watchers.delete(watcher);
    });
  }
}

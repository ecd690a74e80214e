import { type ConnectionSettings, createHttpDispatcher } from '@notiflux/providers';
import type { Dispatcher } from 'undici';

/** Sockets per origin in one shared pool: 5 000 Providers on one host hold at most this many. */
export const CONNECTIONS_PER_ORIGIN = 128;

/**
 * One undici pool per distinct (proxy, TLS) setting, shared by every notifier with those
 * settings. Each pool opens its connections per origin, capped, so many Providers posting to one
 * host share a bounded set of keep-alive sockets. Pools are made as a notifier would make its
 * own (the spec's proxy, else HTTP(S)_PROXY and NO_PROXY; the spec's TLS).
 */
export class ConnectionPools {
  private readonly pools = new Map<string, Promise<Dispatcher>>();

  constructor(private readonly connectionsPerOrigin = CONNECTIONS_PER_ORIGIN) {}

  /** The pool for these settings, made on first use. */
  readonly get = (settings: ConnectionSettings): Promise<Dispatcher> => {
    const key = JSON.stringify([
      settings.proxy ?? '',
      settings.tls?.ca ?? '',
      settings.tls?.cert ?? '',
      settings.tls?.key ?? '',
    ]);
    let pool = this.pools.get(key);
    if (!pool) {
      pool = createHttpDispatcher({ ...settings, connections: this.connectionsPerOrigin });
      this.pools.set(key, pool);
    }
    return pool;
  };

  get size(): number {
    return this.pools.size;
  }

  async close(): Promise<void> {
    const pools = [...this.pools.values()];
    this.pools.clear();
    await Promise.all(
      pools.map(async (pool) => {
        try {
          await (await pool).close();
        } catch {
          // A pool that failed to open has nothing to close.
        }
      }),
    );
  }
}

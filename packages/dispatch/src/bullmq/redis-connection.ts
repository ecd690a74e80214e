import type { Redis, RedisOptions } from 'ioredis';
import { loadIoredis } from './optional-peers.js';

/** Where Redis is: a `redis://` / `rediss://` URL, or ioredis options (host, port, password, tls, db…). */
export type RedisConnection = string | RedisOptions;

/**
 * Opens a client that waits out a Redis restart instead of failing commands: BullMQ's workers
 * need `maxRetriesPerRequest: null`, and a queue that survives a Redis restart wants the same.
 */
export async function openRedis(
  connection: RedisConnection,
  onError: (error: Error) => void,
): Promise<Redis> {
  if (
    connection === undefined ||
    connection === null ||
    (typeof connection !== 'string' && typeof connection !== 'object')
  ) {
    throw new TypeError('connection must be a redis:// URL or ioredis options ({ host, port, … })');
  }
  const { Redis } = await loadIoredis();
  const options: RedisOptions = { maxRetriesPerRequest: null, lazyConnect: false };
  const client =
    typeof connection === 'string'
      ? new Redis(connection, options)
      : new Redis({ ...connection, ...options });
  // Without a listener ioredis prints every reconnection failure; the owner decides what to log.
  client.on('error', onError);
  return client;
}

/** Quits politely, and gives up on a Redis that does not answer. */
export async function closeRedis(client: Redis): Promise<void> {
  if (client.status === 'end') return;
  await Promise.race([
    client.quit().catch(() => undefined),
    new Promise((resolve) => setTimeout(resolve, 1_000).unref()),
  ]);
  client.disconnect();
}

/** Pings with a deadline: an unreachable Redis makes ioredis queue the command forever. */
export async function pingRedis(client: Redis, timeoutMs = 1_000): Promise<boolean> {
  if (client.status !== 'ready') return false;
  let timer: NodeJS.Timeout | undefined;
  try {
    return await Promise.race([
      client.ping().then((answer) => answer === 'PONG'),
      new Promise<boolean>((resolve) => {
        timer = setTimeout(() => resolve(false), timeoutMs);
      }),
    ]);
  } catch {
    return false;
  } finally {
    clearTimeout(timer);
  }
}

import {
  createDispatcher,
  createEventServer,
  type Dispatcher,
  type DispatcherOptions,
  type EventSource,
  logDelivery,
} from '@notiflux/dispatch';
import { type Command, exitCode } from '../command.js';
import { commonHelp } from '../command-line.js';
import { parseSource } from '../event-sources.js';
import { environmentValue, integerFlag, listFlag, stringFlag } from '../flag-values.js';
import { loadManifestFlags, manifestHelp, manifestOptions } from '../manifest-input.js';
import { serverLogger } from '../server-logger.js';
import { UsageError } from '../usage-error.js';

export const serveCommand: Command = {
  name: 'serve',
  summary: "run the event server: a drop-in for notification-controller's event endpoint",
  help: `Usage: notiflux serve -f FILE|DIR… [--port 9090] [--host 127.0.0.1] [--redis URL] [--source PATH[:HMAC_KEY_ENV]]…

Takes Flux events over HTTP (POST, as controllers send them with --events-addr) and runs them
through the Alerts of the manifests. Deliveries wait in memory, or in Redis with --redis, shared
by every 'notiflux serve' on the same Redis (duplicate suppression too). GET /healthz, /readyz
and /metrics (Prometheus). Logs one JSON line per event and delivery outcome on stdout (pretty
on a terminal). SIGTERM or SIGINT: stop accepting (503), finish the deliveries (in memory: wait
for them up to --drain-timeout; with Redis they stay queued for the next worker), exit 0.

${manifestHelp}
      --port PORT          default 9090; 0 picks a free port (the 'ready' log line has the url)
      --host HOST          default 127.0.0.1; 0.0.0.0 to take events from other machines
      --redis URL          BullMQ queue and shared rate limit on Redis (redis://…);
                           --redis-env VAR reads the URL from VAR (it may hold a password)
      --source PATH[:ENV]  take events only on these paths (repeatable); with :ENV, requests
                           must carry an X-Signature made with the key in the variable ENV;
                           events get the metadata cluster=<last path segment>
      --drain-timeout MS   how long shutdown waits for in-memory deliveries, default 30000
      --log-level LEVEL    debug, info (default), warn or error
${commonHelp}

Example:
  PROD_KEY=… notiflux serve -f ./flux/alerts/ --port 9090 \\
    --source /clusters/prod-eu:PROD_KEY --source /clusters/staging`,
  options: {
    ...manifestOptions,
    port: { type: 'string' },
    host: { type: 'string' },
    redis: { type: 'string' },
    'redis-env': { type: 'string' },
    source: { type: 'string', multiple: true },
    'drain-timeout': { type: 'string' },
    'log-level': { type: 'string' },
  },
  async run({ flags, io }) {
    const port = integerFlag(flags, 'port', 9090);
    const host = stringFlag(flags, 'host') ?? '127.0.0.1';
    const drainTimeoutMs = integerFlag(flags, 'drain-timeout', 30_000);
    const level = stringFlag(flags, 'log-level') ?? 'info';
    if (!['debug', 'info', 'warn', 'error'].includes(level)) {
      throw new UsageError('--log-level takes debug, info, warn or error');
    }
    const sources: EventSource[] = listFlag(flags, 'source').map((text) => parseSource(text, io.env));
    const redis = redisUrl(flags, io.env);
    const manifests = await loadManifestFlags(flags);
    const { logger } = await serverLogger(io, level);

    const options: DispatcherOptions = { logger };
    if (redis !== undefined) {
      const { bullmqQueue, redisRateLimitStore } = await import('@notiflux/dispatch/bullmq');
      options.queue = bullmqQueue({ connection: redis });
      options.rateLimit = { store: redisRateLimitStore({ connection: redis }) };
    }
    const dispatcher = createDispatcher(manifests, options);
    const server = createEventServer(dispatcher, {
      port,
      host,
      logger,
      ...(sources.length > 0 ? { sources } : {}),
    });
    try {
      const { url } = await server.listen();
      logger.info(
        { url, queue: redis === undefined ? 'memory' : 'redis', sources: sources.map((s) => s.path) },
        'ready',
      );
    } catch (error) {
      await dispatcher.close();
      throw error;
    }

    const signal = await shutdownSignal(io.signal);
    logger.info({ signal }, 'shutting down: no new events, finishing deliveries');
    await server.close();
    // The closed server no longer logs outcomes; the deliveries finishing now still get their line.
    dispatcher.on('delivery', (report) => logDelivery(logger, report));
    if (redis === undefined && !(await drainWithin(dispatcher, drainTimeoutMs))) {
      logger.warn({ drainTimeoutMs }, 'deliveries still unfinished at the drain timeout: they are lost');
    }
    await dispatcher.close();
    logger.info({}, 'stopped');
    return exitCode.done;
  },
};

/**
 * Waits for the in-memory deliveries, up to `timeoutMs`. The timer is not unref'd: the queue's
 * own timers are, and the process must stay up while deliveries wait for their next attempt.
 */
async function drainWithin(dispatcher: Dispatcher, timeoutMs: number): Promise<boolean> {
  let timer: NodeJS.Timeout | undefined;
  const timedOut = new Promise<false>((resolve) => {
    timer = setTimeout(() => resolve(false), timeoutMs);
  });
  try {
    return await Promise.race([dispatcher.drain().then(() => true), timedOut]);
  } finally {
    clearTimeout(timer);
  }
}

function redisUrl(
  flags: Parameters<Command['run']>[0]['flags'],
  env: Readonly<Record<string, string | undefined>>,
): string | undefined {
  const direct = stringFlag(flags, 'redis');
  const variable = stringFlag(flags, 'redis-env');
  if (direct !== undefined && variable !== undefined)
    throw new UsageError('give --redis or --redis-env, not both');
  return variable === undefined ? direct : environmentValue(env, variable, 'redis-env');
}

/** Resolves with the name of the first SIGTERM or SIGINT (or 'abort' when the run's signal aborts). */
function shutdownSignal(abort: AbortSignal | undefined): Promise<string> {
  return new Promise((resolve) => {
    const finish = (name: string) => {
      process.off('SIGTERM', onTerm);
      process.off('SIGINT', onInt);
      abort?.removeEventListener('abort', onAbort);
      resolve(name);
    };
    const onTerm = () => finish('SIGTERM');
    const onInt = () => finish('SIGINT');
    const onAbort = () => finish('abort');
    process.once('SIGTERM', onTerm);
    process.once('SIGINT', onInt);
    if (abort?.aborted) finish('abort');
    else abort?.addEventListener('abort', onAbort, { once: true });
  });
}

import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { findProgram, freeLoopbackPort } from './listen-on-loopback.js';

/** A real redis-server on 127.0.0.1 for the tests; `stop()` then `start()` restarts it on the same port. */
export interface RedisTestServer {
  readonly port: number;
  /** `redis://127.0.0.1:<port>` */
  readonly url: string;
  start(): Promise<void>;
  /** SIGKILL by default (a crash); `graceful` sends SIGTERM (Redis flushes and exits). */
  stop(options?: { graceful?: boolean }): Promise<void>;
  /** Stops it for good and removes its data directory. */
  dispose(): Promise<void>;
}

const INSTALL_HINT =
  'redis-server is not installed: run `apt-get install -y redis-server` (Debian 12 ships 7.0)';

export function findRedisServer(): string {
  return findProgram({
    envVariable: 'REDIS_SERVER_BIN',
    names: ['redis-server'],
    fallbacks: ['/usr/bin/redis-server', '/usr/sbin/redis-server'],
    installHint: INSTALL_HINT,
  });
}

/**
 * Starts redis-server bound to 127.0.0.1 at a free port. Without persistence by default; with
 * `persistence: true` it keeps an append-only file written on every command (`appendfsync
 * always`), so a restart, even after SIGKILL, loses nothing acknowledged.
 */
export async function startRedisServer(options: { persistence?: boolean } = {}): Promise<RedisTestServer> {
  const binary = findRedisServer();
  const port = await freeLoopbackPort();
  const dir = await mkdtemp(join(tmpdir(), 'notiflux-redis-'));
  const persistence = options.persistence
    ? ['--appendonly', 'yes', '--appendfsync', 'always', '--dir', dir]
    : ['--appendonly', 'no', '--dir', dir];
  const args = [
    '--port',
    String(port),
    '--bind',
    '127.0.0.1',
    '--save',
    '',
    '--daemonize',
    'no',
    '--maxmemory-policy',
    'noeviction',
    ...persistence,
  ];
  let child: ChildProcess | undefined;

  const start = async () => {
    const server = spawn(binary, args, { stdio: ['ignore', 'pipe', 'pipe'] });
    child = server;
    let output = '';
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(
        () => fail(new Error(`redis-server did not start in 10s:\n${output}`)),
        10_000,
      );
      const fail = (error: Error) => {
        clearTimeout(timer);
        server.kill('SIGKILL');
        reject(error);
      };
      const onData = (chunk: Buffer) => {
        output += chunk.toString();
        if (output.includes('Ready to accept connections')) {
          clearTimeout(timer);
          resolve();
        }
      };
      server.stdout?.on('data', onData);
      server.stderr?.on('data', onData);
      server.once('error', fail);
      server.once('exit', (code) => fail(new Error(`redis-server exited with ${code}:\n${output}`)));
    });
  };

  const stop = async ({ graceful = false } = {}) => {
    const running = child;
    child = undefined;
    if (!running || running.exitCode !== null || running.signalCode !== null) return;
    await new Promise<void>((resolve) => {
      running.once('exit', () => resolve());
      running.kill(graceful ? 'SIGTERM' : 'SIGKILL');
    });
  };

  await start();
  return {
    port,
    url: `redis://127.0.0.1:${port}`,
    start,
    stop,
    async dispose() {
      await stop();
      await rm(dir, { recursive: true, force: true });
    },
  };
}

import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { findProgram, freeLoopbackPort } from './listen-on-loopback.js';

/** A real nats-server on 127.0.0.1 for the tests; `stop()` then `start()` restarts it on the same port. */
export interface NatsTestServer {
  readonly port: number;
  /** `nats://127.0.0.1:<port>` */
  readonly url: string;
  /** `http://127.0.0.1:<port>` of the monitoring endpoint (`/connz`), when asked for. */
  readonly monitorUrl: string | undefined;
  start(): Promise<void>;
  stop(): Promise<void>;
  /** Stops it for good and removes its config directory. */
  dispose(): Promise<void>;
}

const INSTALL_HINT =
  'nats-server is not installed: run `apt-get install -y nats-server` (Debian 12 ships 2.9)';

export function findNatsServer(): string {
  return findProgram({
    envVariable: 'NATS_SERVER_BIN',
    names: ['nats-server'],
    fallbacks: ['/usr/sbin/nats-server', '/usr/bin/nats-server'],
    installHint: INSTALL_HINT,
  });
}

/**
 * Starts nats-server bound to 127.0.0.1 at a free port. `config` is the body of a server config
 * file (authorization blocks, operator/resolver for JWT auth); `listen` is added to it.
 */
export async function startNatsServer(
  options: { config?: string; monitoring?: boolean } = {},
): Promise<NatsTestServer> {
  const binary = findNatsServer();
  const port = await freeLoopbackPort();
  const monitorPort = options.monitoring ? await freeLoopbackPort() : undefined;
  const dir = await mkdtemp(join(tmpdir(), 'notiflux-nats-'));
  const configFile = join(dir, 'nats.conf');
  const monitor = monitorPort ? `http: "127.0.0.1:${monitorPort}"\n` : '';
  await writeFile(configFile, `listen: "127.0.0.1:${port}"\n${monitor}${options.config ?? ''}\n`);
  let child: ChildProcess | undefined;

  const start = async () => {
    const process = spawn(binary, ['-c', configFile], { stdio: ['ignore', 'pipe', 'pipe'] });
    child = process;
    let output = '';
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => fail(new Error(`nats-server did not start in 10s:\n${output}`)), 10_000);
      const fail = (error: Error) => {
        clearTimeout(timer);
        process.kill('SIGKILL');
        reject(error);
      };
      const onData = (chunk: Buffer) => {
        output += chunk.toString();
        if (output.includes('Server is ready')) {
          clearTimeout(timer);
          resolve();
        }
      };
      process.stdout?.on('data', onData);
      process.stderr?.on('data', onData);
      process.once('error', fail);
      process.once('exit', (code) => fail(new Error(`nats-server exited with ${code}:\n${output}`)));
    });
  };

  const stop = async () => {
    const running = child;
    child = undefined;
    if (!running || running.exitCode !== null) return;
    await new Promise<void>((resolve) => {
      running.once('exit', () => resolve());
      running.kill('SIGKILL');
    });
  };

  await start();
  return {
    port,
    url: `nats://127.0.0.1:${port}`,
    monitorUrl: monitorPort ? `http://127.0.0.1:${monitorPort}` : undefined,
    start,
    stop,
    async dispose() {
      await stop();
      await rm(dir, { recursive: true, force: true });
    },
  };
}

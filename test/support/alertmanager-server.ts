import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { findProgram, freeLoopbackPort } from './listen-on-loopback.js';

/** A real Prometheus Alertmanager on 127.0.0.1 for the tests. */
export interface AlertmanagerTestServer {
  /** `http://127.0.0.1:<port>` */
  readonly url: string;
  /** `http://127.0.0.1:<port>/api/v2/alerts`: where notiflux posts, and where alerts are read back. */
  readonly alertsUrl: string;
  /** The alerts Alertmanager holds (`GET /api/v2/alerts`), read with the server's credentials. */
  alerts(): Promise<ReceivedAlert[]>;
  /** Stops it and removes its config and storage directory. */
  dispose(): Promise<void>;
}

/** The fields of a `gettableAlert` the tests look at. */
export interface ReceivedAlert {
  labels: Record<string, string>;
  annotations: Record<string, string>;
  startsAt: string;
  endsAt: string;
  status: { state: string };
}

/**
 * A fixed test login for `--web.config.file` basic auth. No bcrypt implementation is installed
 * in node_modules, so the hash is precomputed (`crypt(3)` with a `$2b$04$` salt; cost 4 keeps
 * every request fast). It guards nothing but this throw-away test server.
 */
export const ALERTMANAGER_TEST_LOGIN = {
  username: 'flux',
  password: 'notiflux-test-password',
  bcryptHash: '$2b$04$abcdefghijklmnopqrstuuv.snuGB4AFpTQScZZVIsAbd2pfKNEVe',
} as const;

const INSTALL_HINT =
  'prometheus-alertmanager is not installed: run `apt-get install -y prometheus-alertmanager` (Debian 12 ships 0.25)';

// Routes every alert to a receiver that notifies nobody: the tests only read alerts back.
const CONFIG = `route:
  receiver: discard
receivers:
  - name: discard
`;

export function findAlertmanager(): string {
  return findProgram({
    envVariable: 'ALERTMANAGER_BIN',
    names: ['prometheus-alertmanager', 'alertmanager'],
    fallbacks: ['/usr/bin/prometheus-alertmanager'],
    installHint: INSTALL_HINT,
  });
}

/**
 * Starts Alertmanager bound to 127.0.0.1 at a free port, with clustering off (an empty
 * `--cluster.listen-address`; otherwise it binds 0.0.0.0:9094). With `basicAuth`, every
 * endpoint requires `ALERTMANAGER_TEST_LOGIN`.
 */
export async function startAlertmanager(
  options: { basicAuth?: boolean } = {},
): Promise<AlertmanagerTestServer> {
  const binary = findAlertmanager();
  const port = await freeLoopbackPort();
  const dir = await mkdtemp(join(tmpdir(), 'notiflux-alertmanager-'));
  const configFile = join(dir, 'alertmanager.yml');
  await writeFile(configFile, CONFIG);
  const args = [
    `--config.file=${configFile}`,
    `--storage.path=${join(dir, 'data')}`,
    `--web.listen-address=127.0.0.1:${port}`,
    '--cluster.listen-address=',
    '--log.level=warn',
  ];
  if (options.basicAuth) {
    const webConfigFile = join(dir, 'web.yml');
    const { username, bcryptHash } = ALERTMANAGER_TEST_LOGIN;
    await writeFile(webConfigFile, `basic_auth_users:\n  ${username}: '${bcryptHash}'\n`);
    args.push(`--web.config.file=${webConfigFile}`);
  }
  const url = `http://127.0.0.1:${port}`;
  const authorization = options.basicAuth
    ? `Basic ${Buffer.from(`${ALERTMANAGER_TEST_LOGIN.username}:${ALERTMANAGER_TEST_LOGIN.password}`).toString('base64')}`
    : undefined;
  const get = (path: string) => fetch(`${url}${path}`, { headers: authorization ? { authorization } : {} });

  const child: ChildProcess = spawn(binary, args, { stdio: ['ignore', 'ignore', 'pipe'] });
  let output = '';
  child.stderr?.on('data', (chunk: Buffer) => {
    output += chunk.toString();
  });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const stop = async () => {
    if (child.exitCode === null && child.signalCode === null) {
      child.kill('SIGKILL');
      await exited;
    }
    await rm(dir, { recursive: true, force: true });
  };

  try {
    await waitUntilReady(
      () => get('/-/ready'),
      child,
      () => output,
    );
  } catch (error) {
    await stop();
    throw error;
  }

  return {
    url,
    alertsUrl: `${url}/api/v2/alerts`,
    async alerts() {
      const response = await get('/api/v2/alerts');
      if (!response.ok)
        throw new Error(`GET /api/v2/alerts: HTTP ${response.status}: ${await response.text()}`);
      return (await response.json()) as ReceivedAlert[];
    },
    dispose: stop,
  };
}

async function waitUntilReady(
  probe: () => Promise<Response>,
  child: ChildProcess,
  output: () => string,
): Promise<void> {
  const deadline = Date.now() + 10_000;
  let spawnError: Error | undefined;
  child.once('error', (error) => {
    spawnError = error;
  });
  for (;;) {
    if (spawnError) throw new Error(`prometheus-alertmanager did not start: ${spawnError.message}`);
    if (child.exitCode !== null) {
      throw new Error(`prometheus-alertmanager exited with ${child.exitCode}:\n${output()}`);
    }
    try {
      const response = await probe();
      await response.body?.cancel();
      if (response.ok) return;
    } catch {
      // Not listening yet.
    }
    if (Date.now() > deadline) throw new Error(`prometheus-alertmanager was not ready in 10s:\n${output()}`);
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}

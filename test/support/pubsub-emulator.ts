import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync, readdirSync, realpathSync } from 'node:fs';
import { delimiter, dirname, join } from 'node:path';
import { freeLoopbackPort } from './listen-on-loopback.js';

/**
 * The real Google Pub/Sub emulator on 127.0.0.1 for the tests, run from its jar with java (about
 * 1 s to start, against 2 s through `gcloud beta emulators pubsub start`, whose java child would
 * also outlive gcloud when killed). Its REST API on the same port manages topics and pulls.
 */
export interface PubSubEmulator {
  readonly port: number;
  /** `127.0.0.1:<port>`, the form `PUBSUB_EMULATOR_HOST` takes. */
  readonly host: string;
  createTopic(project: string, topic: string): Promise<void>;
  /** Creates a subscription of `topic` (an ID in `project`). */
  createSubscription(project: string, subscription: string, topic: string): Promise<void>;
  /** Pulls and acknowledges until `count` messages arrived (or 10 s passed); data decoded to text. */
  pull(
    project: string,
    subscription: string,
    count: number,
  ): Promise<{ data: string; attributes: Record<string, string> | undefined }[]>;
  stop(): Promise<void>;
}

const INSTALL_HINT =
  'the Google Pub/Sub emulator is not installed: install the apt packages `google-cloud-cli-pubsub-emulator` ' +
  '(Google Cloud SDK apt repository) and `openjdk-17-jre-headless`, or set PUBSUB_EMULATOR_JAR to its jar';

function findOnPath(name: string): string | undefined {
  return (process.env.PATH ?? '')
    .split(delimiter)
    .map((dir) => join(dir, name))
    .find((path) => existsSync(path));
}

export function findEmulatorJar(): string {
  if (process.env.PUBSUB_EMULATOR_JAR && existsSync(process.env.PUBSUB_EMULATOR_JAR)) {
    return process.env.PUBSUB_EMULATOR_JAR;
  }
  const roots = [
    process.env.CLOUDSDK_ROOT_DIR,
    '/usr/lib/google-cloud-sdk',
    '/usr/share/google-cloud-sdk',
    '/opt/google-cloud-sdk',
  ];
  const gcloud = findOnPath('gcloud');
  // gcloud lives in <sdk root>/bin, often behind a symlink.
  if (gcloud) roots.push(dirname(dirname(realpathSync(gcloud))));
  for (const root of roots) {
    if (!root) continue;
    const lib = join(root, 'platform', 'pubsub-emulator', 'lib');
    if (!existsSync(lib)) continue;
    const jar = readdirSync(lib).find((name) => /^cloud-pubsub-emulator-.*\.jar$/.test(name));
    if (jar) return join(lib, jar);
  }
  throw new Error(INSTALL_HINT);
}

export function findJava(): string {
  const fromHome = process.env.JAVA_HOME ? join(process.env.JAVA_HOME, 'bin', 'java') : undefined;
  const java = fromHome && existsSync(fromHome) ? fromHome : findOnPath('java');
  if (!java) throw new Error(`java is not installed: ${INSTALL_HINT}`);
  return java;
}

/** Starts the emulator bound to 127.0.0.1 at a free port; resolves once it listens. */
export async function startPubSubEmulator(): Promise<PubSubEmulator> {
  const jar = findEmulatorJar();
  const java = findJava();
  const port = await freeLoopbackPort();
  // Client JIT and serial GC halve the start-up time; the emulator's load here is tiny.
  const child: ChildProcess = spawn(
    java,
    ['-XX:TieredStopAtLevel=1', '-XX:+UseSerialGC', '-jar', jar, '--host=127.0.0.1', `--port=${port}`],
    { stdio: ['ignore', 'pipe', 'pipe'] },
  );
  // A worker that dies without afterAll must not leave the JVM running.
  const killOnExit = () => child.kill('SIGKILL');
  process.once('exit', killOnExit);
  child.once('exit', () => process.off('exit', killOnExit));
  let output = '';
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(
      () => fail(new Error(`the Pub/Sub emulator did not start in 20s:\n${output}`)),
      20_000,
    );
    const fail = (error: Error) => {
      clearTimeout(timer);
      child.kill('SIGKILL');
      reject(error);
    };
    const onData = (chunk: Buffer) => {
      output += chunk.toString();
      if (output.includes('Server started')) {
        clearTimeout(timer);
        resolve();
      }
    };
    child.stdout?.on('data', onData);
    child.stderr?.on('data', onData);
    child.once('error', fail);
    child.once('exit', (code) => fail(new Error(`the Pub/Sub emulator exited with ${code}:\n${output}`)));
  });

  const base = `http://127.0.0.1:${port}/v1`;
  const call = async (method: string, path: string, body?: unknown): Promise<unknown> => {
    const response = await fetch(`${base}/${path}`, {
      method,
      headers: { 'content-type': 'application/json' },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
    const text = await response.text();
    if (!response.ok) throw new Error(`emulator ${method} ${path}: ${response.status} ${text}`);
    return text === '' ? {} : JSON.parse(text);
  };

  return {
    port,
    host: `127.0.0.1:${port}`,
    async createTopic(project, topic) {
      await call('PUT', `projects/${project}/topics/${topic}`, {});
    },
    async createSubscription(project, subscription, topic) {
      await call('PUT', `projects/${project}/subscriptions/${subscription}`, {
        topic: `projects/${project}/topics/${topic}`,
        ackDeadlineSeconds: 60,
      });
    },
    async pull(project, subscription, count) {
      const received: { data: string; attributes: Record<string, string> | undefined }[] = [];
      const until = Date.now() + 10_000;
      while (received.length < count && Date.now() < until) {
        const answer = (await call('POST', `projects/${project}/subscriptions/${subscription}:pull`, {
          maxMessages: count - received.length,
          returnImmediately: true,
        })) as {
          receivedMessages?: {
            ackId: string;
            message: { data?: string; attributes?: Record<string, string> };
          }[];
        };
        const messages = answer.receivedMessages ?? [];
        if (messages.length === 0) {
          await new Promise((resolve) => setTimeout(resolve, 20));
          continue;
        }
        for (const { message } of messages) {
          received.push({
            data: Buffer.from(message.data ?? '', 'base64').toString('utf8'),
            attributes: message.attributes,
          });
        }
        await call('POST', `projects/${project}/subscriptions/${subscription}:acknowledge`, {
          ackIds: messages.map((message) => message.ackId),
        });
      }
      return received;
    },
    async stop() {
      if (child.exitCode !== null || child.signalCode !== null) return;
      await new Promise<void>((resolve) => {
        child.once('exit', () => resolve());
        child.kill('SIGKILL');
      });
    },
  };
}

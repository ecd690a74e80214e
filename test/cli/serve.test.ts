import { sign } from '@notiflux/hmac';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { completion, runCli, spawnCli } from '../support/cli-process.js';
import { eventually } from '../support/eventually.js';
import { type RecordingServer, startRecordingServer } from '../support/recording-server.js';
import { startRedisServer } from '../support/redis-server.js';
import { sampleEventJson } from '../support/sample-events.js';
import { isMissing } from '../support/test-services.js';
import { alertManifests, hookKey, manifestDirectory } from './manifest-fixtures.js';

const sourceKey = 'source-key-91ab-secret';

interface LogLine {
  msg: string;
  port?: number;
  [key: string]: unknown;
}

function logLines(stdout: string): LogLine[] {
  return stdout
    .split('\n')
    .filter((line) => line.startsWith('{'))
    .map((line) => JSON.parse(line) as LogLine);
}

/** `notiflux serve` as a child process, with its JSON log lines as they come. */
function startServe(args: readonly string[], options: Parameters<typeof spawnCli>[1] = {}) {
  const child = spawnCli(['serve', '-f', ...args], options);
  let stdout = '';
  child.stdout?.on('data', (chunk: Buffer) => {
    stdout += chunk.toString();
  });
  return {
    child,
    done: completion(child),
    /** The first log line that `matches`, waited for. */
    logLine: (matches: (line: LogLine) => boolean, what: string) =>
      eventually(() => logLines(stdout).find(matches), 20_000, what),
  };
}

describe('notiflux serve', () => {
  let receiver: RecordingServer;
  let directory: string;
  beforeEach(async () => {
    receiver = await startRecordingServer();
    directory = manifestDirectory({ 'alerts.yaml': alertManifests(`${receiver.url}/hook`) });
  });
  afterEach(async () => {
    await receiver.close();
  });

  it('takes signed events on a source, delivers them with the cluster metadata, and stops on SIGTERM with exit 0', async () => {
    const { child, done, logLine } = startServe(
      [directory, '--port', '0', '--source', '/clusters/prod-eu:PROD_KEY'],
      { env: { PROD_KEY: sourceKey } },
    );
    const listening = await logLine(
      (line) => line.msg === 'event server listening',
      'the listening log line',
    );
    const base = `http://127.0.0.1:${listening.port}`;

    const unsigned = await fetch(`${base}/clusters/prod-eu`, { method: 'POST', body: sampleEventJson });
    expect(unsigned.status).toBe(401);
    const unknownPath = await fetch(`${base}/clusters/other`, { method: 'POST', body: sampleEventJson });
    expect(unknownPath.status).toBe(404);
    const signed = await fetch(`${base}/clusters/prod-eu`, {
      method: 'POST',
      body: sampleEventJson,
      headers: { 'x-signature': sign(sampleEventJson, sourceKey) },
    });
    expect(signed.status).toBe(202);
    await eventually(() => receiver.requests.length === 1, 20_000, 'the delivery');
    expect(JSON.parse(receiver.requests[0]?.body ?? '').metadata).toMatchObject({ cluster: 'prod-eu' });

    child.kill('SIGTERM');
    const result = await done;
    expect(result.code).toBe(0);
    const messages = logLines(result.stdout).map((line) => line.msg);
    expect(messages).toContain('event accepted');
    expect(messages.at(-1)).toBe('stopped');
    expect(result.stdout + result.stderr).not.toContain(sourceKey);
    expect(result.stdout + result.stderr).not.toContain(hookKey);
  });

  it('on SIGTERM waits for a delivery still in flight before exiting 0', async () => {
    receiver.respondWith({ status: 200, delayMs: 1500 });
    const { child, done, logLine } = startServe([directory, '--port', '0']);
    const listening = await logLine(
      (line) => line.msg === 'event server listening',
      'the listening log line',
    );
    const answer = await fetch(`http://127.0.0.1:${listening.port}/`, {
      method: 'POST',
      body: sampleEventJson,
    });
    expect(answer.status).toBe(202);
    await eventually(() => receiver.requests.length === 1, 20_000, 'the delivery to start');
    child.kill('SIGTERM');
    const result = await done;
    expect(result.code).toBe(0);
    const lines = logLines(result.stdout);
    expect(lines.find((line) => line.state === 'delivered')).toMatchObject({ attempts: 1 });
    expect(lines.at(-1)?.msg).toBe('stopped');
  });

  it('exits 2 when a source names an unset key variable', async () => {
    const result = await completion(
      spawnCli(['serve', '-f', directory, '--port', '0', '--source', '/a:NOPE']),
    );
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('--source NOPE: the environment variable is not set');
  });

  it.skipIf(isMissing('redis-server'))(
    `with --redis-env, queues in Redis (BullMQ), delivers, and exits 0 on SIGINT leaving nothing behind${isMissing('redis-server') ? ' [skipped: redis-server is not installed; apt-get install -y redis-server]' : ''}`,
    async () => {
      const redis = await startRedisServer();
      try {
        const { child, done, logLine } = startServe([directory, '--port', '0', '--redis-env', 'REDIS_URL'], {
          env: { REDIS_URL: redis.url },
        });
        const ready = await logLine((line) => line.msg === 'ready', 'ready');
        expect(ready.queue).toBe('redis');
        const answer = await fetch(String(ready.url), { method: 'POST', body: sampleEventJson });
        expect(answer.status).toBe(202);
        await logLine((line) => line.state === 'delivered', 'the delivery');
        expect(receiver.requests).toHaveLength(1);
        child.kill('SIGINT');
        const result = await done;
        expect(result.code).toBe(0);
        expect(result.stdout).not.toContain(redis.url);
        const listed = await runCli(['deliveries', '--redis', redis.url, '--json']);
        expect(JSON.parse(listed.stdout)).toEqual({ queued: [], dead: [] });
      } finally {
        await redis.dispose();
      }
    },
  );
});

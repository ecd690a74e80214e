// The event server's default log destination: lines gathered, written together, none held for long, none lost.
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { closeSync, openSync, readFileSync } from 'node:fs';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { bufferedLogDestination } from '@notiflux/dispatch';
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bundleFixture } from '../support/bundle-fixture.js';
import { eventually } from '../support/eventually.js';

let directory: string;
let fileNumber = 0;
beforeAll(async () => {
  directory = await mkdtemp(join(tmpdir(), 'notiflux-log-'));
});
afterAll(async () => {
  await rm(directory, { recursive: true, force: true });
});

const nextFile = () => join(directory, `log-${++fileNumber}.ndjson`);
const linesOf = async (file: string) =>
  (await readFile(file, 'utf8').catch(() => ''))
    .split('\n')
    .filter(Boolean)
    .map((line) => JSON.parse(line) as { line?: number; msg: string });
const turn = () => new Promise((resolve) => setImmediate(resolve));
/** The file's lines once there are `count` of them. */
const linesWhen = (file: string, count: number, timeoutMs = 5000) =>
  eventually(
    async () => {
      const lines = await linesOf(file);
      return lines.length === count ? lines : undefined;
    },
    timeoutMs,
    `${count} lines`,
  );

describe('bufferedLogDestination', () => {
  it('holds a lone line until flush() (or its delay), then writes it', async () => {
    const file = nextFile();
    const destination = bufferedLogDestination({ dest: file, maxDelayMs: 60_000 });
    const logger = pino({ level: 'info' }, destination);
    await eventually(
      async () => (await readFile(file).catch(() => undefined)) !== undefined,
      5000,
      'the file',
    );
    logger.info('first');
    for (let index = 0; index < 5; index++) await turn();
    expect(await linesOf(file)).toEqual([]);
    destination.flush();
    const lines = await linesWhen(file, 1);
    expect(lines.map((line) => line.msg)).toEqual(['first']);
  });

  it("answers pino's logger.flush(callback) once what it held is written", async () => {
    const file = nextFile();
    const logger = pino({ level: 'info' }, bufferedLogDestination({ dest: file, maxDelayMs: 60_000 }));
    await eventually(
      async () => (await readFile(file).catch(() => undefined)) !== undefined,
      5000,
      'the file',
    );
    logger.info('held');
    await new Promise<void>((resolve, reject) =>
      logger.flush((error) => (error ? reject(error) : resolve())),
    );
    expect((await linesOf(file)).map((line) => line.msg)).toEqual(['held']);
  });

  it('writes a lone line by itself once maxDelayMs has passed', async () => {
    const file = nextFile();
    const logger = pino({ level: 'info' }, bufferedLogDestination({ dest: file, maxDelayMs: 50 }));
    logger.info('alone');
    const lines = await linesWhen(file, 1);
    expect(lines[0]?.msg).toBe('alone');
  });

  it('leaves nothing behind after a burst: lines that came during a write go out after it', async () => {
    const file = nextFile();
    const logger = pino({ level: 'info' }, bufferedLogDestination({ dest: file, maxDelayMs: 50 }));
    const total = 5000;
    for (let line = 0; line < total; line++) {
      logger.info({ line }, 'burst');
      if (line % 37 === 0) await turn();
    }
    const lines = await linesWhen(file, total, 10_000);
    expect(lines.map((line) => line.line)).toEqual(Array.from({ length: total }, (_, line) => line));
  });

  it('writes a batch at once, in the same turn, once minLength bytes have gathered', () => {
    const file = nextFile();
    const logger = pino({ level: 'info' }, bufferedLogDestination({ dest: file, minLength: 2048 }));
    const text = () => readFileSync(file, 'utf8');
    const line = 'x'.repeat(100);
    let logged = 0;
    while (text() === '') {
      logger.info({ line: logged++, padding: line }, 'gathered');
      // Far more than 2 KiB of lines and still nothing: they would never be gathered.
      expect(logged).toBeLessThan(100);
    }
    const written = text().split('\n').filter(Boolean);
    // One write of the whole batch: every line logged so far, the last one included.
    expect(written.map((entry) => (JSON.parse(entry) as { line: number }).line)).toEqual(
      Array.from({ length: logged }, (_, index) => index),
    );
    expect(Buffer.byteLength(text())).toBeGreaterThanOrEqual(2048);
  });

  it('passes a failed write to its error listeners after the logging call, which does not throw', async () => {
    const file = nextFile();
    const fd = openSync(file, 'w');
    const destination = bufferedLogDestination({ dest: fd, minLength: 0 });
    const logger = pino({ level: 'info' }, destination);
    closeSync(fd);
    const errors: NodeJS.ErrnoException[] = [];
    destination.on('error', (error) => errors.push(error));
    expect(() => logger.info('to a closed file')).not.toThrow();
    expect(errors).toEqual([]);
    await eventually(async () => errors.length > 0 || undefined, 5000, 'the error');
    expect(errors.map((error) => error.code)).toEqual(['EBADF']);
  });

  it('refuses a delay or a gathering size it cannot honour, naming the option', () => {
    expect(() => bufferedLogDestination({ maxDelayMs: -1 })).toThrow(
      /maxDelayMs must be a number of ms >= 0/,
    );
    expect(() => bufferedLogDestination({ maxDelayMs: Number.NaN })).toThrow(/maxDelayMs/);
    expect(() => bufferedLogDestination({ minLength: 1024 * 1024 + 1 })).toThrow(
      /minLength must be an integer from 0 to 1048576/,
    );
    expect(() => bufferedLogDestination({ minLength: 1.5 })).toThrow(/minLength/);
    expect(() => bufferedLogDestination({ minLength: -1 })).toThrow(/minLength/);
  });

  it('writes what it holds when the process exits', async () => {
    const script = await bundleFixture(
      fileURLToPath(new URL('./fixtures/log-destination-process.ts', import.meta.url)),
    );
    const file = nextFile();
    const child = spawn(process.execPath, [script], {
      env: { ...process.env, LOG_FILE: file, LOG_LINES: '1234' },
      stdio: ['ignore', 'ignore', 'pipe'],
    });
    let errors = '';
    child.stderr.on('data', (chunk: Buffer) => {
      errors += chunk.toString();
    });
    const [code] = await once(child, 'exit');
    expect(errors).toBe('');
    expect(code).toBe(0);
    const lines = await linesOf(file);
    // Every line, in order: writes are synchronous, so none can still be under way at exit.
    expect(lines.map((line) => line.line)).toEqual(Array.from({ length: 1234 }, (_, line) => line));
  });
});

/**
 * The destination of the event server's default logger (and of `notiflux serve`): pino's
 * asynchronous destination, holding lines until 4 KiB have gathered. Each write of an
 * asynchronous destination is a hand-off to libuv's thread pool and back, and at two lines per
 * event, written as soon as the previous write is done, those hand-offs cost more CPU than
 * making the lines; gathered, they come once per dozen events or so. A line never waits more
 * than `maxDelayMs` for company. What is held when the process exits is written synchronously
 * (pino's destination does that on its own); after a crash (kill -9) the held lines are lost.
 */
import { Buffer } from 'node:buffer';
import { pino } from 'pino';

export interface BufferedLogDestinationOptions {
  /** A file descriptor or a file path; default 1 (stdout). */
  dest?: number | string;
  /** Longest a line is held before it is written, in ms; default 100. */
  maxDelayMs?: number;
  /** Bytes gathered before a write, default 4096. */
  minLength?: number;
}

/** A pino destination stream with the means to write out what it holds. */
export interface BufferedLogDestination {
  write(line: string): boolean;
  /**
   * Starts writing what is held, if no write is under way (the timer would soon anyway). With a
   * callback (pino's `logger.flush(cb)` passes one), it is the stream's own flush: `callback`
   * runs once what is held is written.
   */
  flush(callback?: (error?: Error | null) => void): void;
  /** Writes what is held now, synchronously. */
  flushSync(): void;
  on(event: 'error', listener: (error: Error) => void): BufferedLogDestination;
}

/** pino's destination writes at most this many bytes at once; what it gathers must stay below. */
const MAX_WRITE_BYTES = 16 * 1024;

export function bufferedLogDestination(options: BufferedLogDestinationOptions = {}): BufferedLogDestination {
  const maxDelayMs = options.maxDelayMs ?? 100;
  const minLength = options.minLength ?? 4096;
  if (!Number.isFinite(maxDelayMs) || maxDelayMs < 0) {
    throw new RangeError(`maxDelayMs must be a number of ms >= 0, got ${String(options.maxDelayMs)}`);
  }
  if (!Number.isSafeInteger(minLength) || minLength < 0 || minLength >= MAX_WRITE_BYTES) {
    throw new RangeError(
      `minLength must be an integer from 0 to ${MAX_WRITE_BYTES - 1} bytes, got ${String(options.minLength)}`,
    );
  }
  const stream = pino.destination({ dest: options.dest ?? 1, sync: false, minLength });
  // Bytes given and bytes written, as the stream counts them: held = given - written.
  let given = 0;
  let written = 0;
  let timer: NodeJS.Timeout | undefined;

  const writeHeld = () => {
    timer = undefined;
    // While a write is under way this does nothing; its end ('drain') arms the timer again.
    if (given > written) stream.flush();
  };
  const arm = () => {
    if (timer === undefined) {
      timer = setTimeout(writeHeld, maxDelayMs);
      timer.unref();
    }
  };
  stream.on('write', (bytes: number) => {
    written += bytes;
  });
  stream.on('drain', () => {
    if (given > written) arm();
  });

  const destination: BufferedLogDestination = {
    write(line) {
      given += Buffer.byteLength(line);
      arm();
      return stream.write(line);
    },
    flush(callback) {
      if (callback) stream.flush(callback);
      else if (given > written) stream.flush();
    },
    flushSync() {
      if (given <= written) return;
      stream.flushSync();
      // A synchronous write is not reported as 'write'.
      written = given;
    },
    on(event, listener) {
      stream.on(event, listener);
      return destination;
    },
  };
  return destination;
}

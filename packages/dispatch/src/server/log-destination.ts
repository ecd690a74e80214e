/**
 * The destination of the event server's default logger (and of `notiflux serve`): lines gathered
 * in memory, then written together with one synchronous write once 16 KiB have gathered or the
 * oldest has waited `maxDelayMs`. At two lines per event, each line's own write was a large share
 * of an event's cost; pino's asynchronous destination gathers too, but every write it makes is a
 * hand-off to libuv's thread pool and back (two thread wake-ups), and it measures the length of
 * everything it holds again for each line. One synchronous write per batch (a few dozen events
 * under load) costs less than either, and is how Node writes its own stdout to files and pipes
 * on Linux. The writes go through pino's destination in its synchronous mode (sonic-boom), which
 * finishes partial writes and waits out `EAGAIN` on a non-blocking pipe. What is held when the
 * process exits is written then; after a crash (kill -9) the held lines are lost.
 */
import { Buffer } from 'node:buffer';
import { pino } from 'pino';

export interface BufferedLogDestinationOptions {
  /** A file descriptor or a file path; default 1 (stdout). */
  dest?: number | string;
  /** Longest a line is held before it is written, in ms; default 100. */
  maxDelayMs?: number;
  /** Bytes gathered before a write, default 16384. */
  minLength?: number;
}

/** A pino destination stream with the means to write out what it holds. */
export interface BufferedLogDestination {
  write(line: string): boolean;
  /**
   * Writes what is held. With a callback (pino's `logger.flush(cb)` passes one), `callback` runs
   * once it is written (an error of the write goes to the `error` listeners).
   */
  flush(callback?: (error?: Error | null) => void): void;
  /** Writes what is held now, synchronously. */
  flushSync(): void;
  on(event: 'error', listener: (error: Error) => void): BufferedLogDestination;
}

/** More than this is a memory cost with nothing left to gain: a write per batch is already rare. */
const MAX_MIN_LENGTH = 1024 * 1024;

export function bufferedLogDestination(options: BufferedLogDestinationOptions = {}): BufferedLogDestination {
  const maxDelayMs = options.maxDelayMs ?? 100;
  const minLength = options.minLength ?? 16 * 1024;
  if (!Number.isFinite(maxDelayMs) || maxDelayMs < 0) {
    throw new RangeError(`maxDelayMs must be a number of ms >= 0, got ${String(options.maxDelayMs)}`);
  }
  if (!Number.isSafeInteger(minLength) || minLength < 0 || minLength > MAX_MIN_LENGTH) {
    throw new RangeError(
      `minLength must be an integer from 0 to ${MAX_MIN_LENGTH} bytes, got ${String(options.minLength)}`,
    );
  }
  const stream = pino.destination({ dest: options.dest ?? 1, sync: true });
  // A synchronous write reports its error during `write`, that is, inside whatever logged the
  // line: it is passed on after the current operation instead, as an asynchronous destination
  // would, and thrown there (an uncaught error) when nobody listens.
  const errorListeners: ((error: Error) => void)[] = [];
  let lastError: Error | undefined;
  stream.on('error', (error: Error) => {
    // pino's own listener emits an error it does not handle (any but EPIPE) once more.
    if (error === lastError) return;
    lastError = error;
    process.nextTick(() => {
      if (errorListeners.length === 0) throw error;
      for (const listener of errorListeners) listener(error);
    });
  });
  let held: string[] = [];
  let heldBytes = 0;
  let timer: NodeJS.Timeout | undefined;

  const writeHeld = (): void => {
    if (timer !== undefined) {
      clearTimeout(timer);
      timer = undefined;
    }
    if (held.length === 0) return;
    const text = held.length === 1 ? (held[0] as string) : held.join('');
    held = [];
    heldBytes = 0;
    holdingAtExit.delete(writeHeld);
    stream.write(text);
  };

  const destination: BufferedLogDestination = {
    write(line) {
      held.push(line);
      heldBytes += Buffer.byteLength(line);
      if (heldBytes >= minLength) {
        writeHeld();
      } else if (timer === undefined) {
        timer = setTimeout(writeHeld, maxDelayMs);
        timer.unref();
        holdAtExit(writeHeld);
      }
      return true;
    },
    flush(callback) {
      writeHeld();
      if (callback) process.nextTick(callback, null);
    },
    flushSync() {
      writeHeld();
    },
    on(_event, listener) {
      errorListeners.push(listener);
      return destination;
    },
  };
  return destination;
}

/**
 * The destinations holding lines now, each by its write-out: one `exit` listener for all of them
 * (not one per destination, which servers made and closed in a loop would pile up), and a
 * destination is only here while it holds something.
 */
const holdingAtExit = new Set<() => void>();
let exitListening = false;

function holdAtExit(writeHeld: () => void): void {
  holdingAtExit.add(writeHeld);
  if (exitListening) return;
  exitListening = true;
  process.on('exit', () => {
    for (const write of holdingAtExit) {
      try {
        write();
      } catch {
        // The process is ending: a destination that cannot be written loses its lines, the others still write theirs.
      }
    }
  });
}

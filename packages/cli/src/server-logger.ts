import { bufferedLogDestination, type Logger } from '@notiflux/dispatch';
import { pino } from 'pino';
import type { CliIo } from './cli-io.js';
import { colourWanted } from './terminal-style.js';

/**
 * JSON log lines on stdout; readable lines through pino-pretty when stdout is a terminal. Wrapped
 * in an object because pino's logger type looks thenable to an async function.
 *
 * On the process's own stdout the lines go through the event server's own buffered destination
 * (gathered up to 16 KiB or 100 ms): written one by one, two lines per event would be a large
 * share of an event's cost under load. What is still held is flushed when the process exits;
 * after a crash (kill -9) the last lines may be lost. A stream given to `run` (tests, embedding)
 * is written line by line.
 */
export async function serverLogger(io: CliIo, level: string): Promise<{ logger: Logger }> {
  if (!io.isTTY.stdout) {
    if (io.stdout !== process.stdout) {
      return { logger: pino({ level }, io.stdout as { write(text: string): boolean }) };
    }
    const destination = bufferedLogDestination();
    // A write error (a reader that went away: EPIPE) is handled as one on stdout itself is.
    destination.on('error', (error: Error) => process.stdout.emit('error', error));
    return { logger: pino({ level }, destination) };
  }
  const { default: pretty } = await import('pino-pretty');
  return { logger: pino({ level }, pretty({ colorize: colourWanted(true, io.env), sync: true })) };
}

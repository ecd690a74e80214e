import type { Logger } from '@notiflux/dispatch';
import { pino } from 'pino';
import type { CliIo } from './cli-io.js';
import { colourWanted } from './terminal-style.js';

/**
 * JSON log lines on stdout; readable lines through pino-pretty when stdout is a terminal. Wrapped
 * in an object because pino's logger type looks thenable to an async function.
 */
export async function serverLogger(io: CliIo, level: string): Promise<{ logger: Logger }> {
  if (!io.isTTY.stdout) return { logger: pino({ level }, io.stdout as { write(text: string): boolean }) };
  const { default: pretty } = await import('pino-pretty');
  return { logger: pino({ level }, pretty({ colorize: colourWanted(true, io.env), sync: true })) };
}

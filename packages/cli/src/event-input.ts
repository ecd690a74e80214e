import type { Event } from '@notiflux/providers';
import { type CliIo, readAll } from './cli-io.js';
import type { OptionTable } from './command.js';
import { readInputFile } from './input-file.js';
import { UsageError } from './usage-error.js';

export const eventOptions: OptionTable = {
  event: { type: 'string', short: 'e' },
};

export const eventHelp = `  -e, --event FILE       the Flux event JSON; '-' or absent: read it from stdin (when piped)`;

/**
 * The Flux event of `--event FILE`, or of stdin when that is `-` or absent and stdin is not a
 * terminal. The libraries validate it; this only reads and parses the JSON.
 */
export async function readEvent(file: string | undefined, io: CliIo): Promise<Event> {
  let text: string;
  let from: string;
  if (file !== undefined && file !== '-') {
    text = await readInputFile(file, 'event');
    from = file;
  } else {
    if (file === undefined && io.isTTY.stdin) {
      throw new UsageError('no event: give --event FILE, or pipe the event JSON on stdin');
    }
    text = (await readAll(io.stdin)).toString('utf8');
    from = 'stdin';
  }
  if (text.trim() === '') throw new UsageError(`no event: ${from} is empty`);
  try {
    return JSON.parse(text) as Event;
  } catch {
    // The parser's message quotes the text, which is not ours to echo.
    throw new UsageError(`the event in ${from} is not valid JSON`);
  }
}

import { type CliIo, readAll } from './cli-io.js';
import { UsageError } from './usage-error.js';

/** The raw bytes to sign or verify, from stdin; a terminal there means none was given. */
export async function readBody(io: CliIo): Promise<Buffer> {
  if (io.isTTY.stdin) throw new UsageError('no body: pipe the exact bytes on stdin (… < body.json)');
  return readAll(io.stdin);
}

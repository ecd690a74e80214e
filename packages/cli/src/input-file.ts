import { readFile } from 'node:fs/promises';
import { UsageError } from './usage-error.js';

/** Reads a file named on the command line; one that cannot be read is a command-line error. */
export async function readInputFile(path: string, what: string): Promise<string> {
  try {
    return await readFile(path, 'utf8');
  } catch (error) {
    const code = (error as { code?: string }).code ?? 'unknown error';
    throw new UsageError(`cannot read the ${what} file ${path}: ${code}`);
  }
}

/**
 * The command line is wrong (unknown flag, missing argument, unreadable file): exit code 2.
 * Messages name the flag or file, never a flag's value, which may be a secret.
 */
export class UsageError extends Error {
  override readonly name = 'UsageError';
}

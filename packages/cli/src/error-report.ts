import { exitCode } from './command.js';
import type { Output } from './output.js';
import { UsageError } from './usage-error.js';

/**
 * A failure as JSON. Only fields the libraries guarantee to be free of secrets are copied: the
 * (redacted) message, codes and reasons, statuses, and a ManifestError's issues.
 */
export function errorJson(error: unknown): Record<string, unknown> {
  if (!(error instanceof Error)) return { name: 'Error', message: String(error) };
  const json: Record<string, unknown> = { name: error.name, message: error.message };
  const fields = error as unknown as Record<string, unknown>;
  for (const key of ['code', 'providerType', 'status', 'retryable', 'retryAfterMs', 'reason', 'issues']) {
    if (fields[key] !== undefined) json[key] = fields[key];
  }
  return json;
}

/** The one human line: the error's own message, prefixed by its code when it has one. */
export function errorLine(error: unknown): string {
  if (!(error instanceof Error)) return String(error);
  const code = (error as { code?: unknown }).code;
  if (error.name === 'NotifierError' && typeof code === 'string') return `${code}: ${error.message}`;
  return error.message;
}

/**
 * Writes a failure to stderr as one human line (and, with `--json`, its JSON form to stdout, so a
 * pipeline always reads one document) and returns the exit code: 2 for a wrong command line, 1
 * for everything else.
 */
export function reportFailure(error: unknown, out: Output, command: string): number {
  const usage = error instanceof UsageError;
  const prefix = out.paintError('red', `notiflux ${command}:`);
  out.note(`${prefix} ${errorLine(error)}`);
  if (usage) out.note(`Run 'notiflux ${command} --help' for its flags and an example.`);
  if (out.json) out.data({ ok: false, error: errorJson(error) });
  return usage ? exitCode.usage : exitCode.failed;
}

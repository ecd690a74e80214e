import { type AttemptInfo, createNotifierFromAnySpec, type Notifier } from '@notiflux/providers';
import { type Command, exitCode } from '../command.js';
import { commonHelp } from '../command-line.js';
import { eventHelp, eventOptions, readEvent } from '../event-input.js';
import { booleanFlag, stringFlag } from '../flag-values.js';
import type { Output } from '../output.js';
import { providerHelp, providerOptions, resolveProviderSpec } from '../provider-input.js';
import { inlineSpecFailure } from '../spec-failure.js';

export const sendCommand: Command = {
  name: 'send',
  summary: 'post an event through one provider',
  help: `Usage: notiflux send [provider] [--event FILE] [-v] [--json]

Posts the Flux event through one provider, with the provider's retries and timeout.
Exit 0 when the service accepted it, 1 when the post failed (the error on stderr).

${eventHelp}
  -v, --verbose          one line per HTTP attempt on stderr
${commonHelp}

${providerHelp}

Example:
  SLACK_URL=https://hooks.slack.com/services/… \\
  notiflux send --type slack --address-env SLACK_URL --event event.json -v`,
  options: { ...eventOptions, ...providerOptions, verbose: { type: 'boolean', short: 'v' } },
  async run({ flags, io, out }) {
    const spec = await resolveProviderSpec(flags, io.env);
    const event = await readEvent(stringFlag(flags, 'event'), io);
    const attempts: AttemptInfo[] = [];
    const verbose = booleanFlag(flags, 'verbose');
    const notifier: Notifier = inlineSpecFailure(flags, () =>
      createNotifierFromAnySpec(spec, {
        onAttempt: (attempt) => {
          attempts.push(attempt);
          if (verbose) out.note(attemptLine(attempt, out));
        },
      }),
    );
    try {
      await notifier.post(event);
    } finally {
      await notifier.close();
    }
    if (out.json) out.data({ ok: true, type: notifier.type, attempts: attempts.map(attemptJson) });
    else out.line(`${out.paint('green', 'sent')} through ${notifier.type}${attemptCount(attempts.length)}`);
    return exitCode.done;
  },
};

function attemptCount(count: number): string {
  if (count === 0) return '';
  return count === 1 ? ' (1 attempt)' : ` (${count} attempts)`;
}

/** `attempt 1: POST https://… → 503 in 12 ms, retrying in 2000 ms`; the URL comes redacted. */
export function attemptLine(attempt: AttemptInfo, out: Output): string {
  const outcome =
    attempt.error !== undefined && attempt.status === undefined
      ? out.paintError('red', `${attempt.error.code}: ${attempt.error.message}`)
      : out.paintError(
          attempt.status !== undefined && attempt.status < 300 ? 'green' : 'red',
          String(attempt.status ?? '?'),
        );
  const retry = attempt.retryInMs === undefined ? '' : `, retrying in ${attempt.retryInMs} ms`;
  return `attempt ${attempt.attempt}: ${attempt.method} ${attempt.url} → ${outcome} in ${Math.round(attempt.durationMs)} ms${retry}`;
}

function attemptJson(attempt: AttemptInfo): Record<string, unknown> {
  return {
    attempt: attempt.attempt,
    method: attempt.method,
    url: attempt.url,
    status: attempt.status,
    durationMs: Math.round(attempt.durationMs),
    retryInMs: attempt.retryInMs,
    error:
      attempt.error === undefined ? undefined : { code: attempt.error.code, message: attempt.error.message },
  };
}

import {
  type AlertExplanation,
  createDispatcher,
  type DeliveryReport,
  type Explanation,
  type Manifests,
  memoryQueue,
  providerSpecFromManifests,
} from '@notiflux/dispatch';
import {
  type AttemptInfo,
  createNotifierFromAnySpec,
  type EncodedMessage,
  type Event,
} from '@notiflux/providers';
import { type Command, exitCode } from '../command.js';
import { commonHelp } from '../command-line.js';
import { encodedMessageText } from '../encoded-message-text.js';
import { errorJson, errorLine } from '../error-report.js';
import { eventHelp, eventOptions, readEvent } from '../event-input.js';
import { booleanFlag, stringFlag } from '../flag-values.js';
import { loadManifestFlags, manifestHelp, manifestOptions } from '../manifest-input.js';
import type { Output } from '../output.js';
import { attemptLine } from './send.js';

export const dispatchCommand: Command = {
  name: 'dispatch',
  summary: 'run an event through the Alerts and deliver it (or, with --dry-run, say what would happen)',
  help: `Usage: notiflux dispatch -f FILE|DIR… [--event FILE] [--dry-run] [-v] [--json]

Runs the event through the Alerts of the manifests, as notification-controller would: prints
which Alerts matched and why the others did not (suspended, source, severity, inclusion or
exclusion list), and what happens to each delivery. Without --dry-run it delivers and waits
for every delivery to finish (each post with its provider's own retries, no later queue-level
retry); exit 1 if any delivery failed. With --dry-run nothing is sent: it prints what each
provider would send instead.

${manifestHelp}
${eventHelp}
      --dry-run          explain and encode, send nothing
  -v, --verbose          one line per HTTP attempt on stderr
${commonHelp}

Example:
  notiflux dispatch -f ./flux/alerts/ --event event.json --dry-run`,
  options: {
    ...manifestOptions,
    ...eventOptions,
    'dry-run': { type: 'boolean' },
    verbose: { type: 'boolean', short: 'v' },
  },
  async run({ flags, io, out }) {
    const manifests = await loadManifestFlags(flags);
    const event = await readEvent(stringFlag(flags, 'event'), io);
    const verbose = booleanFlag(flags, 'verbose');
    const onAttempt = (attempt: AttemptInfo) => {
      if (verbose) out.note(attemptLine(attempt, out));
    };
    // A one-shot run waits for its deliveries: no queue-level retries hours later.
    const dispatcher = createDispatcher(manifests, {
      queue: memoryQueue({ schedule: [] }),
      createOptions: { onAttempt },
    });
    try {
      const explanation = await dispatcher.explain(event);
      if (booleanFlag(flags, 'dry-run')) {
        const encoded = await encodeMatched(manifests, explanation);
        if (out.json) out.data({ explanation, encoded });
        else printDryRun(out, explanation, encoded);
        return exitCode.done;
      }
      const reports: DeliveryReport[] = [];
      dispatcher.on('delivery', (report) => reports.push(report));
      const result = await dispatcher.dispatch(event);
      await dispatcher.drain();
      const dead = reports.filter((report) => report.state === 'dead');
      if (out.json) {
        out.data({
          explanation,
          result: result.status,
          deliveries: reports.map((report) => ({
            ...report,
            event: undefined,
            error: report.error === undefined ? undefined : errorJson(report.error),
          })),
        });
      } else {
        printExplanation(out, explanation);
        if (result.status === 'suppressed') out.line('suppressed as a duplicate');
        for (const report of reports) out.line(reportLine(out, report));
      }
      return dead.length > 0 ? exitCode.failed : exitCode.done;
    } finally {
      await dispatcher.close();
    }
  },
};

interface EncodedDelivery {
  alert: string;
  provider: string;
  messages?: EncodedMessage[];
  error?: Record<string, unknown>;
}

/** What each queued delivery's provider would send, through its own notifier's `encode`. */
async function encodeMatched(manifests: Manifests, explanation: Explanation): Promise<EncodedDelivery[]> {
  const encoded: EncodedDelivery[] = [];
  for (const { delivery } of explanation.alerts) {
    if (delivery?.state !== 'queued' || delivery.event === undefined) continue;
    const entry: EncodedDelivery = {
      alert: `${delivery.alert.namespace}/${delivery.alert.name}`,
      provider: `${delivery.provider.namespace}/${delivery.provider.name}`,
    };
    const provider = manifests.providers.find(
      (candidate) =>
        candidate.metadata.namespace === delivery.provider.namespace &&
        candidate.metadata.name === delivery.provider.name,
    );
    if (provider !== undefined) {
      try {
        const notifier = createNotifierFromAnySpec(
          providerSpecFromManifests(provider, manifests.secrets).spec,
        );
        try {
          entry.messages = await notifier.encode(delivery.event as Event);
        } finally {
          await notifier.close();
        }
      } catch (error) {
        entry.error = errorJson(error);
      }
    }
    encoded.push(entry);
  }
  return encoded;
}

function alertName(explained: AlertExplanation): string {
  return `Alert ${explained.alert.namespace}/${explained.alert.name}`;
}

function printExplanation(out: Output, explanation: Explanation): void {
  if (explanation.alerts.length === 0) out.line('no Alerts in the manifests');
  for (const explained of explanation.alerts) {
    const verdict = explained.matched
      ? out.paint('green', 'matched')
      : out.paint('yellow', `not matched (${explained.failed ?? 'no rule'})`);
    out.line(`${out.paint('bold', alertName(explained))}: ${verdict}: ${explained.detail}`);
  }
  if (explanation.duplicate)
    out.line('the event is a duplicate within the rate-limit window: it would be suppressed');
}

function printDryRun(out: Output, explanation: Explanation, encoded: EncodedDelivery[]): void {
  printExplanation(out, explanation);
  for (const entry of encoded) {
    out.line();
    out.line(out.paint('bold', `--- Alert ${entry.alert} → Provider ${entry.provider} would send:`));
    if (entry.error !== undefined) out.line(`(cannot encode: ${String(entry.error.message)})`);
    else if (entry.messages?.length === 0) out.line('(nothing for this event)');
    else
      out.line((entry.messages ?? []).map((message) => encodedMessageText(message, out.paint)).join('\n\n'));
  }
}

function reportLine(out: Output, report: DeliveryReport): string {
  const target = `Alert ${report.alert.namespace}/${report.alert.name} → ${report.provider.type} Provider ${report.provider.namespace}/${report.provider.name}`;
  const state = out.paint(report.state === 'delivered' ? 'green' : 'red', report.state);
  const why = report.error === undefined ? '' : `: ${errorLine(report.error)}`;
  return `${target}: ${state}${why}`;
}

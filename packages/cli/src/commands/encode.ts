import { createNotifierFromAnySpec } from '@notiflux/providers';
import { type Command, exitCode } from '../command.js';
import { commonHelp } from '../command-line.js';
import { encodedMessageText } from '../encoded-message-text.js';
import { eventHelp, eventOptions, readEvent } from '../event-input.js';
import { stringFlag } from '../flag-values.js';
import { providerHelp, providerOptions, resolveProviderSpec } from '../provider-input.js';
import { inlineSpecFailure } from '../spec-failure.js';

export const encodeCommand: Command = {
  name: 'encode',
  summary: 'print what send would send, sending nothing',
  help: `Usage: notiflux encode [provider] [--event FILE] [--json]

Prints each request or message that 'notiflux send' would send for the event (method, URL,
headers, body), with secrets in URLs and auth headers shown as <redacted>. Nothing is sent.
--json prints the raw EncodedMessage[] array.

${eventHelp}
${commonHelp}

${providerHelp}

Example:
  notiflux encode --type msteams --address https://example.webhook.office.com/x --event event.json`,
  options: { ...eventOptions, ...providerOptions },
  async run({ flags, io, out }) {
    const spec = await resolveProviderSpec(flags, io.env);
    const event = await readEvent(stringFlag(flags, 'event'), io);
    const notifier = inlineSpecFailure(flags, () => createNotifierFromAnySpec(spec));
    try {
      const messages = await notifier.encode(event);
      if (out.json) out.data(messages);
      else if (messages.length === 0) out.note(`${notifier.type} would send nothing for this event`);
      else out.line(messages.map((message) => encodedMessageText(message, out.paint)).join('\n\n'));
    } finally {
      await notifier.close();
    }
    return exitCode.done;
  },
};

import type { EncodedMessage } from '@notiflux/providers';
import type { Paint } from './terminal-style.js';

/**
 * One encoded message as a person reads it: where it goes (an HTTP request line and headers, a
 * subject, a topic), a blank line, then the body, pretty-printed when it is JSON.
 */
export function encodedMessageText(message: EncodedMessage, paint: Paint): string {
  const head: string[] = [];
  switch (message.transport) {
    case 'http':
    case 'otlp': {
      const method = message.transport === 'http' ? message.method : 'POST';
      head.push(paint('bold', `${method} ${message.url}`));
      for (const [name, value] of Object.entries(message.headers))
        head.push(`${paint('cyan', name)}: ${value}`);
      break;
    }
    case 'nats':
      head.push(paint('bold', `NATS ${message.server} subject ${message.subject}`));
      break;
    case 'pubsub':
      head.push(paint('bold', `Pub/Sub projects/${message.project}/topics/${message.topic}`));
      for (const [name, value] of Object.entries(message.attributes))
        head.push(`${paint('cyan', name)}: ${value}`);
      break;
    case 'eventhub':
      head.push(
        paint('bold', `Event Hubs ${message.namespace ?? ''}${message.namespace ? '/' : ''}${message.hub}`),
      );
      for (const [name, value] of Object.entries(message.properties ?? {})) {
        head.push(`${paint('cyan', name)}: ${JSON.stringify(value)}`);
      }
      break;
    case 'sentry':
      head.push(paint('bold', `Sentry ${message.dsn}`));
      break;
  }
  return `${head.join('\n')}\n\n${prettyBody(message.body)}`;
}

function prettyBody(body: string): string {
  try {
    return JSON.stringify(JSON.parse(body), null, 2);
  } catch {
    return body;
  }
}

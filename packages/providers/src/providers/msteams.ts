/**
 * `msteams`: the event as a Microsoft Teams card (upstream `internal/notifier/teams.go`). A
 * legacy Office 365 connector (`*.webhook.office.com`) gets a MessageCard; every other address,
 * in practice a Workflows (Power Automate) trigger URL, gets an Adaptive Card message.
 */
import {
  defineProvider,
  type Event,
  type HttpRequest,
  httpAddress,
  jsonRequest,
  stringifyLikeGo,
} from '@notiflux/core';
import { objectTitle } from '../formatting/object-title.js';
import { sortedMetadata } from '../formatting/sorted-metadata.js';

export const msteamsProvider = defineProvider({
  type: 'msteams',
  spec: { address: httpAddress },
  // The whole URL is a credential (connector secret in the path, Workflows `sig` in the query):
  // hidden even if a service or a network error echoes it back.
  secretFields: ['address'],
  encode: (event, spec) => [encodeMSTeamsRequest(event, spec)],
});

export type MSTeamsCardFormat = 'message-card' | 'adaptive-card';

/**
 * The card format Teams expects at `address`: hosts under `.webhook.office.com` are the retired
 * O365 connectors (MessageCard); anything else is a Workflows webhook (Adaptive Card). The port
 * does not matter, and `webhook.office.com` itself or `x-webhook.office.com` are not connectors.
 */
export function msteamsCardFormat(address: string): MSTeamsCardFormat {
  return new URL(address).hostname.endsWith('.webhook.office.com') ? 'message-card' : 'adaptive-card';
}

/** The JSON body for `address`'s format. */
export function encodeMSTeamsPayload(event: Event, address: string): string {
  return msteamsCardFormat(address) === 'message-card'
    ? encodeMSTeamsMessageCard(event)
    : encodeMSTeamsAdaptiveCard(event);
}

/** The legacy connector MessageCard: red or blue theme, message as title, metadata as facts sorted by key. */
export function encodeMSTeamsMessageCard(event: Event): string {
  const title = objectTitle(event.involvedObject);
  return stringifyLikeGo({
    '@type': 'MessageCard',
    '@context': 'http://schema.org/extensions',
    themeColor: event.severity === 'error' ? 'FF0000' : '0076D7',
    summary: title,
    sections: [
      {
        activityTitle: event.message,
        activitySubtitle: title,
        facts: sortedMetadata(event).map(([name, value]) => ({ name, value })),
      },
    ],
  });
}

/**
 * The Adaptive Card (v1.4, the newest Teams renders, full width): bold object title, the message
 * (red for errors), then metadata as a FactSet with `summary` first and the rest sorted by key.
 */
export function encodeMSTeamsAdaptiveCard(event: Event): string {
  const metadata = sortedMetadata(event);
  const facts = [
    ...metadata.filter(([key]) => key === 'summary'),
    ...metadata.filter(([key]) => key !== 'summary'),
  ].map(([title, value]) => ({ title, value }));

  // Keys in upstream's order; empty ones are left out, as Go's `omitempty` does.
  const message = {
    type: 'TextBlock',
    ...(event.message === '' ? {} : { text: event.message }),
    ...(event.severity === 'error' ? { color: 'attention' } : {}),
    wrap: true,
  };
  const title = {
    type: 'TextBlock',
    text: objectTitle(event.involvedObject),
    size: 'large',
    weight: 'bolder',
    wrap: true,
  };
  const factSet = { type: 'FactSet', ...(facts.length === 0 ? {} : { facts }) };

  return stringifyLikeGo({
    type: 'message',
    attachments: [
      {
        contentType: 'application/vnd.microsoft.card.adaptive',
        content: {
          $schema: 'http://adaptivecards.io/schemas/adaptive-card.json',
          type: 'AdaptiveCard',
          version: '1.4',
          body: [{ type: 'Container', items: [title, message, factSet] }],
          msteams: { width: 'Full' },
        },
      },
    ],
  });
}

/** The POST to the webhook; the user's headers are sent too, but never replace Content-Type. */
export function encodeMSTeamsRequest(
  event: Event,
  spec: { address: string; headers: Record<string, string> },
): HttpRequest {
  return jsonRequest({
    url: spec.address,
    headers: spec.headers,
    body: encodeMSTeamsPayload(event, spec.address),
    secretPath: true,
  });
}

export default msteamsProvider;

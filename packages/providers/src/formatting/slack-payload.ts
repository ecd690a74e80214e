/**
 * Flux's Slack attachment message, which three providers send: `slack` itself, `discord` (through
 * its Slack-compatible webhook) and `rocket` (with hex colours). Each provider picks the channel,
 * username, fallback and colours; the rest is the same.
 */
import type { Event } from '@notiflux/core';
import { objectTitle } from './object-title.js';
import { sortedMetadata } from './sorted-metadata.js';

export interface SlackField {
  title: string;
  value: string;
  short: boolean;
}

export interface SlackAttachment {
  fallback: string;
  color: string;
  author_name: string;
  text: string;
  mrkdwn_in: string[];
  fields: SlackField[];
}

/** Flux's Slack payload; keys in upstream's order, every one always present. */
export interface SlackPayload {
  channel: string;
  username: string;
  icon_url: string;
  icon_emoji: string;
  attachments: [SlackAttachment];
}

export interface SlackPayloadOptions {
  channel: string;
  username: string;
  /** Slack fills `fallback` with `<author>: <first line>`; Discord and Rocket leave it empty. */
  withFallback: boolean;
  /** Attachment colour for error events and for the rest: Slack's names, or hex for Rocket.Chat. */
  colors: { error: string; other: string };
}

export const SLACK_COLORS = { error: 'danger', other: 'good' } as const;

/** The Slack attachment message for an event: author = object, text = message, one field per metadata entry. */
export function buildSlackPayload(event: Event, options: SlackPayloadOptions): SlackPayload {
  const author = objectTitle(event.involvedObject);
  const firstLine = event.message.split('\n', 1)[0] ?? '';
  return {
    channel: options.channel,
    username: options.username,
    icon_url: '',
    icon_emoji: '',
    attachments: [
      {
        fallback: options.withFallback ? `${author}: ${firstLine}` : '',
        color: event.severity === 'error' ? options.colors.error : options.colors.other,
        author_name: author,
        text: event.message,
        mrkdwn_in: ['text'],
        fields: sortedMetadata(event).map(([title, value]) => ({ title, value, short: false })),
      },
    ],
  };
}

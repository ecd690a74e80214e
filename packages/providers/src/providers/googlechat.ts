/**
 * `googlechat`: the event as a legacy (v1) card posted to a Google Chat space's incoming webhook
 * (upstream `internal/notifier/google_chat.go`): a header naming the object and controller, the
 * message (red for errors) and one key/value widget per metadata entry.
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

export const googlechatProvider = defineProvider({
  type: 'googlechat',
  spec: { address: httpAddress },
  // The `key` and `token` query parameters are the credential: the URL is never shown, even if
  // a service or a network error echoes it back.
  secretFields: ['address'],
  encode: (event, spec) => [encodeGoogleChatRequest(event, spec)],
});

const HTML_ESCAPES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;' };

/**
 * Text made literal for the HTML subset Chat renders in card paragraphs and key/value widgets
 * (upstream inserts it raw, so `<none>` or `&` render wrongly).
 */
export function escapeGoogleChatHtml(text: string): string {
  return text.replace(/[&<>]/g, (char) => HTML_ESCAPES[char] as string);
}

interface GoogleChatKeyValue {
  topLabel: string;
  content: string;
  contentMultiline: false;
  bottomLabel: null;
  icon: null;
}

interface GoogleChatWidget {
  textParagraph: { text: string } | null;
  keyValue: GoogleChatKeyValue | null;
}

/**
 * The `cards` (v1) JSON body. Every key of upstream's Go structs is present (nothing is
 * `omitempty`): unused widget halves and image fields are `null`, section headers `""`. The
 * metadata section exists only when there is metadata.
 */
export function encodeGoogleChatPayload(event: Event): string {
  const message = escapeGoogleChatHtml(event.message);
  const sections: { header: string; widgets: GoogleChatWidget[] }[] = [
    {
      header: '',
      widgets: [
        {
          textParagraph: {
            text: event.severity === 'error' ? `<font color="#ff0000">${message}</font>` : message,
          },
          keyValue: null,
        },
      ],
    },
  ];
  const metadata = sortedMetadata(event);
  if (metadata.length > 0) {
    sections.push({
      header: '',
      widgets: metadata.map(([key, value]) => ({
        textParagraph: null,
        keyValue: {
          topLabel: escapeGoogleChatHtml(key),
          content: escapeGoogleChatHtml(value),
          contentMultiline: false,
          bottomLabel: null,
          icon: null,
        },
      })),
    });
  }
  return stringifyLikeGo({
    cards: [
      {
        header: {
          title: objectTitle(event.involvedObject),
          subtitle: event.reportingController,
          imageUrl: null,
          imageStyle: null,
        },
        sections,
      },
    ],
  });
}

/** The POST to the space webhook; the user's headers are sent too, but never replace Content-Type. */
export function encodeGoogleChatRequest(
  event: Event,
  spec: { address: string; headers: Record<string, string> },
): HttpRequest {
  return jsonRequest({
    url: spec.address,
    headers: spec.headers,
    body: encodeGoogleChatPayload(event),
    secretPath: true,
  });
}

export default googlechatProvider;

import type { Event } from '@notiflux/core';
import { sortedMetadata } from './sorted-metadata.js';

/**
 * Flux's shared Markdown post (zulip, and the pull/merge request comment providers):
 *
 *     ## Flux Status\n\n<emoji> <Kind>/<namespace>/<name>\n\n<message>\n\nMetadata:\n* `<key>`: <value>\n…
 *
 * ⚠️ for errors, ℹ️ otherwise; the kind keeps its case; `change_request` is left out of the
 * metadata, since it is what the comment providers use to find the pull request.
 */
export function formatMarkdownPost(event: Event): string {
  const emoji = event.severity === 'error' ? '\u26A0\uFE0F' : '\u2139\uFE0F';
  const { kind, namespace = '', name } = event.involvedObject;
  let text = `## Flux Status\n\n${emoji} ${kind}/${namespace}/${name}\n\n${event.message}\n\nMetadata:\n`;
  for (const [key, value] of sortedMetadata(event)) {
    if (key !== 'change_request') text += `* \`${key}\`: ${value}\n`;
  }
  return text;
}

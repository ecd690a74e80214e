/** Appended where text was cut, so a reader sees that it was. */
export const TRUNCATION_MARKER = '\n… (truncated)';

/**
 * `text` cut to at most `maxLength` UTF-16 code units with a visible marker, for services that
 * reject or drop longer messages; unchanged when it fits. Never splits a surrogate pair.
 */
export function shortenText(text: string, maxLength: number, marker = TRUNCATION_MARKER): string {
  if (text.length <= maxLength) return text;
  let end = Math.max(0, maxLength - marker.length);
  const last = text.charCodeAt(end - 1);
  if (last >= 0xd800 && last <= 0xdbff) end -= 1; // a high surrogate whose pair would be cut off
  return `${text.slice(0, end)}${marker}`;
}

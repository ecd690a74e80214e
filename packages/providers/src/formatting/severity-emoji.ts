import type { Severity } from '@notiflux/core';

/** The heading emoji of Telegram, Lark and Matrix messages: 🚨 for errors, 💫 otherwise. */
export function alertEmoji(severity: Severity): string {
  return severity === 'error' ? '\u{1F6A8}' : '\u{1F4AB}';
}

import { isHttpUrl } from './provider-spec.js';
import { string } from './spec-field.js';

// Field descriptions provider definitions share, so each rule and its message exist once.

/** A required absolute http(s) URL, checked at createNotifier (Go only fails when sending). */
export const httpAddress = string('required: an absolute http(s) URL').check((address) =>
  isHttpUrl(address) ? undefined : 'must be an absolute http(s) URL',
);

/** A required non-empty string; `what` says what it is for. */
export function requiredString(what: string) {
  return string(`required (${what})`).minLength(1, `required (${what})`);
}

import { z } from 'zod';
import { isHttpUrl } from './provider-spec.js';

// Field schemas provider definitions share, so each rule and its message exist once.

/** A required absolute http(s) URL, checked at createNotifier (Go only fails when sending). */
export const httpAddress = z
  .string({ error: 'required: an absolute http(s) URL' })
  .refine(isHttpUrl, 'must be an absolute http(s) URL');

/** A required non-empty string; `what` says what it is for. */
export function requiredString(what: string) {
  return z.string({ error: `required (${what})` }).min(1, `required (${what})`);
}

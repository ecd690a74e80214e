/**
 * The HTTP answer every adapter gives for a refused signature, so all frameworks behave alike:
 * 401 (413 for `too-large`) with a JSON body naming the reason, and nothing secret in it.
 */
import type { SignatureError } from '../signature-error.js';

export interface SignatureFailureResponse {
  status: 401 | 413;
  headers: Record<string, string>;
  /** JSON text: `{"error":"<safe message>","reason":"<reason>"}`. */
  body: string;
}

export function signatureFailureResponse(error: SignatureError): SignatureFailureResponse {
  const tooLarge = error.reason === 'too-large';
  const headers: Record<string, string> = { 'content-type': 'application/json; charset=utf-8' };
  // The rest of an oversized body was never read; closing stops Node from draining it after the reply.
  if (tooLarge) headers.connection = 'close';
  return {
    status: tooLarge ? 413 : 401,
    headers,
    body: JSON.stringify({ error: error.message, reason: error.reason }),
  };
}

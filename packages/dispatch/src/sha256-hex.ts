import * as crypto from 'node:crypto';

/**
 * The SHA-256 of a UTF-8 string, in hex. Node's one-shot `crypto.hash` (20.12 and later) is
 * about twice as fast as a Hash object for the short texts hashed once per event; older Nodes
 * take the Hash object.
 */
export const sha256Hex: (text: string) => string =
  typeof crypto.hash === 'function'
    ? (text) => crypto.hash('sha256', text, 'hex')
    : (text) => crypto.createHash('sha256').update(text, 'utf8').digest('hex');

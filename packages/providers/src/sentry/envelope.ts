/** Reading and adjusting the envelopes the Sentry SDK hands its transport. */

/** An envelope's header (its first line, JSON) and the bytes after it; no header when unreadable. */
function splitEnvelope(body: string | Uint8Array): {
  header: Record<string, unknown> | undefined;
  rest: Buffer;
} {
  const bytes = typeof body === 'string' ? Buffer.from(body, 'utf8') : Buffer.from(body);
  const newline = bytes.indexOf(0x0a);
  const first = newline === -1 ? bytes : bytes.subarray(0, newline);
  const rest = newline === -1 ? Buffer.alloc(0) : bytes.subarray(newline);
  try {
    const header: unknown = JSON.parse(first.toString('utf8'));
    return {
      header: header && typeof header === 'object' ? (header as Record<string, unknown>) : undefined,
      rest,
    };
  } catch {
    return { header: undefined, rest };
  }
}

export function envelopeEventId(body: string | Uint8Array): string {
  const { header } = splitEnvelope(body);
  return typeof header?.event_id === 'string' ? header.event_id : '';
}

/**
 * The envelope without the SDK's forced `production` in its trace header (the dynamic sampling
 * context), for an empty channel: upstream sends no environment anywhere.
 */
export function withoutTraceEnvironment(body: string | Uint8Array): string | Uint8Array {
  const { header, rest } = splitEnvelope(body);
  const trace = header?.trace as Record<string, unknown> | undefined;
  if (!header || !trace || typeof trace !== 'object' || !('environment' in trace)) return body;
  const { environment: _forced, ...kept } = trace;
  const rewritten = Buffer.concat([Buffer.from(JSON.stringify({ ...header, trace: kept }), 'utf8'), rest]);
  return typeof body === 'string' ? rewritten.toString('utf8') : rewritten;
}

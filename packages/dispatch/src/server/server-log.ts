/**
 * The event server's log lines: one per event request and one per final delivery outcome. They
 * name objects, paths, providers and error codes, and never carry values that may be secret:
 * no event metadata, no signature or key, no provider address.
 */
import type { DeliveryReport } from '../delivery.js';
import type { Logger } from '../dispatcher-types.js';
import type { EventResult } from './server-metrics.js';

export interface EventLogFields {
  result: EventResult;
  path: string;
  /** The parsed body, when there is one: only its object reference is read. */
  input?: unknown;
  deliveries?: number;
  queued?: number;
  error?: unknown;
}

const messages: Record<EventResult, string> = {
  accepted: 'event accepted',
  no_match: 'event matched no alert',
  suppressed: 'duplicate event suppressed',
  invalid: 'event refused as invalid',
  unauthorized: 'event refused: signature check failed',
  too_large: 'event refused: body too large',
  failed: 'event could not be dispatched',
};

export function logEvent(logger: Logger, fields: EventLogFields): void {
  const line: Record<string, unknown> = { result: fields.result, path: fields.path };
  const object = objectOf(fields.input);
  if (object !== undefined) line.object = object;
  if (fields.deliveries !== undefined) line.deliveries = fields.deliveries;
  if (fields.queued !== undefined) line.queued = fields.queued;
  if (fields.error !== undefined) line.error = describeError(fields.error);
  const message = messages[fields.result];
  if (fields.result === 'failed') logger.error(line, message);
  else if (fields.result === 'invalid' || fields.result === 'unauthorized' || fields.result === 'too_large') {
    logger.warn(line, message);
  } else logger.info(line, message);
}

export function logDelivery(logger: Logger, report: DeliveryReport): void {
  const line: Record<string, unknown> = {
    delivery: report.id,
    provider: {
      type: report.provider.type,
      namespace: report.provider.namespace,
      name: report.provider.name,
    },
    alert: { namespace: report.alert.namespace, name: report.alert.name },
    state: report.state,
    attempts: report.attempts,
  };
  if (report.reason !== undefined) line.reason = report.reason;
  if (report.durationMs !== undefined) line.durationMs = report.durationMs;
  if (report.error !== undefined) line.error = describeError(report.error);
  if (report.state === 'dead') logger.error(line, 'notification dead: no more attempts');
  else if (report.state === 'dropped') logger.info(line, 'notification dropped');
  else logger.info(line, 'notification delivered');
}

/** kind/namespace/name of `involvedObject`, only the string fields, never anything else of the body. */
function objectOf(input: unknown): { kind?: string; namespace?: string; name?: string } | undefined {
  if (typeof input !== 'object' || input === null) return undefined;
  const reference = (input as { involvedObject?: unknown }).involvedObject;
  if (typeof reference !== 'object' || reference === null) return undefined;
  const { kind, namespace, name } = reference as Record<string, unknown>;
  const object: { kind?: string; namespace?: string; name?: string } = {};
  if (typeof kind === 'string') object.kind = kind;
  if (typeof namespace === 'string') object.namespace = namespace;
  if (typeof name === 'string') object.name = name;
  return object;
}

/**
 * A NotifierError's message is redacted where it is made; any other error (a queue's, a store's)
 * could quote a connection URL, so user:password in a URL is hidden.
 */
export function describeError(error: unknown): { code?: string; name?: string; message: string } {
  if (error instanceof Error) {
    const code = (error as { code?: unknown }).code;
    const described: { code?: string; name?: string; message: string } = {
      name: error.name,
      message: error.name === 'NotifierError' ? error.message : hideUrlCredentials(error.message),
    };
    if (typeof code === 'string') described.code = code;
    return described;
  }
  return { message: 'non-error value thrown' };
}

function hideUrlCredentials(text: string): string {
  return text.replace(/([a-z][a-z0-9+.-]*:\/\/)[^/\s@]*@/gi, '$1***@');
}

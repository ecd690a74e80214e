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
  const bound = boundEventLogger(logger, fields.result, fields.path);
  const line: Record<string, unknown> =
    bound === undefined ? { result: fields.result, path: fields.path } : {};
  const object = objectOf(fields.input);
  if (object !== undefined) line.object = object;
  if (fields.deliveries !== undefined) line.deliveries = fields.deliveries;
  if (fields.queued !== undefined) line.queued = fields.queued;
  if (fields.error !== undefined) line.error = describeError(fields.error);
  const message = messages[fields.result];
  const target = bound ?? logger;
  if (fields.result === 'failed') target.error(line, message);
  else if (fields.result === 'invalid' || fields.result === 'unauthorized' || fields.result === 'too_large') {
    target.warn(line, message);
  } else target.info(line, message);
}

export function logDelivery(logger: Logger, report: DeliveryReport): void {
  const bound = boundDeliveryLogger(logger, report);
  const line: Record<string, unknown> = { delivery: report.id };
  if (bound === undefined) {
    line.provider = providerField(report);
    line.alert = alertField(report);
  }
  line.state = report.state;
  line.attempts = report.attempts;
  if (report.reason !== undefined) line.reason = report.reason;
  if (report.durationMs !== undefined) line.durationMs = report.durationMs;
  if (report.error !== undefined) line.error = describeError(report.error);
  const target = bound ?? logger;
  if (report.state === 'dead') target.error(line, 'notification dead: no more attempts');
  else if (report.state === 'dropped') target.info(line, 'notification dropped');
  else target.info(line, 'notification delivered');
}

const providerField = ({ provider }: DeliveryReport) => ({
  type: provider.type,
  namespace: provider.namespace,
  name: provider.name,
});
const alertField = ({ alert }: DeliveryReport) => ({ namespace: alert.namespace, name: alert.name });

/** A logger that can carry fields of its own, as pino's children do. */
interface BindingLogger extends Logger {
  child(bindings: object): Logger;
}

/** Few: one per Provider and Alert pair of the configuration. Past this, lines carry the fields. */
const BOUND_LOGGERS_HELD = 1024;
const boundLoggers = new WeakMap<Logger, Map<string, Logger>>();

/**
 * A delivery's line names its Provider and Alert, the same few pairs line after line. A pino
 * logger serializes a child's bindings once, when the child is made, so with a child per pair
 * each line only serializes what changes (a line's cost, which the hub pays per delivery, falls
 * by about half). A pino child follows its parent's level. A logger without `child` gets the
 * fields on every line.
 */
function boundDeliveryLogger(logger: Logger, report: DeliveryReport): Logger | undefined {
  const byPair = childrenOf(boundLoggers, logger);
  if (byPair === undefined) return undefined;
  const { provider, alert } = report;
  const key = `${provider.type}\u0000${provider.namespace}\u0000${provider.name}\u0000${alert.namespace}\u0000${alert.name}`;
  let bound = byPair.get(key);
  if (bound === undefined) {
    if (byPair.size >= BOUND_LOGGERS_HELD) return undefined;
    bound = (logger as BindingLogger).child({ provider: providerField(report), alert: alertField(report) });
    byPair.set(key, bound);
  }
  return bound;
}

/** Paths of one server: few (its sources), or any a client makes up. Past this, lines carry the fields. */
const BOUND_PATHS_HELD = 1024;
const boundEventLoggers = new WeakMap<Logger, Map<string, Partial<Record<EventResult, Logger>>>>();

/**
 * An event's line starts with its result and path, the same few pairs line after line: as for
 * deliveries, a child logger per pair serializes them once (about a fifth of the line's cost).
 */
function boundEventLogger(logger: Logger, result: EventResult, path: string): Logger | undefined {
  const byPath = childrenOf(boundEventLoggers, logger);
  if (byPath === undefined) return undefined;
  let byResult = byPath.get(path);
  if (byResult === undefined) {
    if (byPath.size >= BOUND_PATHS_HELD) return undefined;
    byResult = {};
    byPath.set(path, byResult);
  }
  let bound = byResult[result];
  if (bound === undefined) {
    bound = (logger as BindingLogger).child({ result, path });
    byResult[result] = bound;
  }
  return bound;
}

/** The children made so far for `logger` in `cache`; undefined for a logger that cannot make any. */
function childrenOf<Child>(
  cache: WeakMap<Logger, Map<string, Child>>,
  logger: Logger,
): Map<string, Child> | undefined {
  if (typeof (logger as BindingLogger).child !== 'function') return undefined;
  let children = cache.get(logger);
  if (children === undefined) {
    children = new Map();
    cache.set(logger, children);
  }
  return children;
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

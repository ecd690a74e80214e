// The delivery log line: the same fields whether the logger can carry bindings (pino's children)
// or not, a child per Provider and Alert pair made once, and the parent's level still obeyed.
import { type DeliveryReport, logDelivery } from '@notiflux/dispatch';
import { NotifierError } from '@notiflux/providers';
import { pino } from 'pino';
import { describe, expect, it, vi } from 'vitest';
import { logEvent } from '../../packages/dispatch/src/server/server-log.js';
import { logSink } from './event-server-harness.js';

const event = {
  involvedObject: { kind: 'Kustomization', namespace: 'apps', name: 'webapp' },
  severity: 'info',
  timestamp: '2026-12-06T05:00:00Z',
  message: 'Reconciliation finished',
  reason: 'ReconciliationSucceeded',
  reportingController: 'kustomize-controller',
} as DeliveryReport['event'];

/** A logger without `child`, recording each line as its level, fields and message. */
function childlessLogger() {
  const lines: [string, object, string | undefined][] = [];
  const at = (level: string) => (object: object, message?: string) => lines.push([level, object, message]);
  return { lines, logger: { debug: at('debug'), info: at('info'), warn: at('warn'), error: at('error') } };
}

function report(id: string, overrides: Partial<DeliveryReport> = {}): DeliveryReport {
  return {
    id,
    alert: { namespace: 'flux-system', name: 'on-call' },
    provider: { namespace: 'flux-system', name: 'webhook', type: 'generic' },
    state: 'delivered',
    attempts: 1,
    durationMs: 12,
    event,
    ...overrides,
  };
}

describe('logDelivery', () => {
  it('names the Provider and Alert on every line, with a pino child made once per pair', () => {
    const sink = logSink();
    const logger = pino({ level: 'info', base: undefined, timestamp: false }, sink);
    const child = vi.spyOn(logger, 'child');
    logDelivery(logger, report('one'));
    logDelivery(logger, report('two', { attempts: 3 }));
    logDelivery(
      logger,
      report('three', {
        alert: { namespace: 'apps', name: 'audit' },
        provider: { namespace: 'apps', name: 'log', type: 'generic-hmac' },
      }),
    );
    expect(child).toHaveBeenCalledTimes(2);
    const flux = { namespace: 'flux-system' };
    const line = (delivery: string, provider: object, alert: object, attempts = 1) => ({
      level: 30,
      provider,
      alert,
      delivery,
      state: 'delivered',
      attempts,
      durationMs: 12,
      msg: 'notification delivered',
    });
    const webhook = { type: 'generic', ...flux, name: 'webhook' };
    const onCall = { ...flux, name: 'on-call' };
    expect(sink.lines()).toEqual([
      line('one', webhook, onCall),
      line('two', webhook, onCall, 3),
      line(
        'three',
        { type: 'generic-hmac', namespace: 'apps', name: 'log' },
        { namespace: 'apps', name: 'audit' },
      ),
    ]);
  });

  it('gives a logger without child the same fields on each line', () => {
    const { lines, logger } = childlessLogger();
    const error = new NotifierError('HTTP_STATUS', 'generic: 500 Internal Server Error');
    logDelivery(logger, report('dead-one', { state: 'dead', attempts: 8, error }));
    logDelivery(
      logger,
      report('dropped-one', { state: 'dropped', reason: 'superseded', durationMs: undefined }),
    );
    expect(lines).toEqual([
      [
        'error',
        {
          delivery: 'dead-one',
          provider: { type: 'generic', namespace: 'flux-system', name: 'webhook' },
          alert: { namespace: 'flux-system', name: 'on-call' },
          state: 'dead',
          attempts: 8,
          durationMs: 12,
          error: {
            name: 'NotifierError',
            code: 'HTTP_STATUS',
            message: 'generic: 500 Internal Server Error',
          },
        },
        'notification dead: no more attempts',
      ],
      [
        'info',
        {
          delivery: 'dropped-one',
          provider: { type: 'generic', namespace: 'flux-system', name: 'webhook' },
          alert: { namespace: 'flux-system', name: 'on-call' },
          state: 'dropped',
          attempts: 1,
          reason: 'superseded',
        },
        'notification dropped',
      ],
    ]);
  });

  it("follows a change of the parent's level after its child is made", () => {
    const sink = logSink();
    const logger = pino({ level: 'info' }, sink);
    logDelivery(logger, report('before'));
    logger.level = 'warn';
    logDelivery(logger, report('while-quiet'));
    logDelivery(logger, report('dead-while-quiet', { state: 'dead', attempts: 8 }));
    logger.level = 'info';
    logDelivery(logger, report('after'));
    expect(sink.lines().map((line) => line.delivery)).toEqual(['before', 'dead-while-quiet', 'after']);
  });
});

describe('logEvent', () => {
  const input = {
    involvedObject: { kind: 'Kustomization', namespace: 'apps', name: 'webapp' },
    metadata: { token: 's3cr3t' },
  };

  it('starts each line with its result and path, with a pino child made once per pair', () => {
    const sink = logSink();
    const logger = pino({ level: 'info', base: undefined, timestamp: false }, sink);
    const child = vi.spyOn(logger, 'child');
    logEvent(logger, { result: 'accepted', path: '/prod', input, deliveries: 1, queued: 1 });
    logEvent(logger, { result: 'accepted', path: '/prod', input, deliveries: 2, queued: 1 });
    logEvent(logger, { result: 'suppressed', path: '/prod', input });
    logEvent(logger, { result: 'accepted', path: '/staging', input, deliveries: 1, queued: 1 });
    expect(child).toHaveBeenCalledTimes(3);
    const object = { kind: 'Kustomization', namespace: 'apps', name: 'webapp' };
    expect(sink.text.map((line) => Object.keys(JSON.parse(line)))[0]).toEqual([
      'level',
      'result',
      'path',
      'object',
      'deliveries',
      'queued',
      'msg',
    ]);
    expect(sink.lines()).toEqual([
      {
        level: 30,
        result: 'accepted',
        path: '/prod',
        object,
        deliveries: 1,
        queued: 1,
        msg: 'event accepted',
      },
      {
        level: 30,
        result: 'accepted',
        path: '/prod',
        object,
        deliveries: 2,
        queued: 1,
        msg: 'event accepted',
      },
      { level: 30, result: 'suppressed', path: '/prod', object, msg: 'duplicate event suppressed' },
      {
        level: 30,
        result: 'accepted',
        path: '/staging',
        object,
        deliveries: 1,
        queued: 1,
        msg: 'event accepted',
      },
    ]);
  });

  it('stops making children past 1,024 paths, and the lines still carry result and path', () => {
    const sink = logSink();
    const logger = pino({ level: 'info', base: undefined, timestamp: false }, sink);
    const child = vi.spyOn(logger, 'child');
    for (let index = 0; index < 1_100; index += 1)
      logEvent(logger, { result: 'invalid', path: `/p${index}` });
    expect(child).toHaveBeenCalledTimes(1_024);
    expect(sink.lines().at(-1)).toEqual({
      level: 40,
      result: 'invalid',
      path: '/p1099',
      msg: 'event refused as invalid',
    });
  });

  it("gives a logger without child the same fields, and follows the parent's level", () => {
    const { lines, logger } = childlessLogger();
    logEvent(logger, { result: 'failed', path: '/', input, error: new Error('boom') });
    expect(lines.map(([level, object]) => [level, object])).toEqual([
      [
        'error',
        {
          result: 'failed',
          path: '/',
          object: { kind: 'Kustomization', namespace: 'apps', name: 'webapp' },
          error: { name: 'Error', message: 'boom' },
        },
      ],
    ]);
    const sink = logSink();
    const quiet = pino({ level: 'info' }, sink);
    logEvent(quiet, { result: 'accepted', path: '/', input, deliveries: 1, queued: 1 });
    quiet.level = 'warn';
    logEvent(quiet, { result: 'accepted', path: '/', input, deliveries: 1, queued: 1 });
    logEvent(quiet, { result: 'invalid', path: '/', input });
    expect(sink.lines().map((line) => line.result)).toEqual(['accepted', 'invalid']);
  });
});

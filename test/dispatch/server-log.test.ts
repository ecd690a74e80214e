// The delivery log line: the same fields whether the logger can carry bindings (pino's children)
// or not, a child per Provider and Alert pair made once, and the parent's level still obeyed.
import { type DeliveryReport, logDelivery } from '@notiflux/dispatch';
import { NotifierError } from '@notiflux/providers';
import { pino } from 'pino';
import { describe, expect, it, vi } from 'vitest';
import { logSink } from './event-server-harness.js';

const event = {
  involvedObject: { kind: 'Kustomization', namespace: 'apps', name: 'webapp' },
  severity: 'info',
  timestamp: '2026-12-06T05:00:00Z',
  message: 'Reconciliation finished',
  reason: 'ReconciliationSucceeded',
  reportingController: 'kustomize-controller',
} as DeliveryReport['event'];

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
    const lines: [string, object, string | undefined][] = [];
    const logger = {
      debug: (object: object, message?: string) => lines.push(['debug', object, message]),
      info: (object: object, message?: string) => lines.push(['info', object, message]),
      warn: (object: object, message?: string) => lines.push(['warn', object, message]),
      error: (object: object, message?: string) => lines.push(['error', object, message]),
    };
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

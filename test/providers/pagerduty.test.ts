import { createNotifier, type Event, NotifierError } from '@notiflux/providers';
import {
  encodePagerdutyAlertEvent,
  encodePagerdutyChangeEvent,
  pagerdutyProvider,
  pagerdutySeverity,
  pagerdutySummary,
  splitCamelCase,
} from '@notiflux/providers/pagerduty';
import { describe, expect, it } from 'vitest';
import { useProviderHarness } from '../support/provider-harness.js';
import { sampleEvent, upstreamTestEvent } from '../support/sample-events.js';

const { receiver, notifier } = useProviderHarness();
const providers = [pagerdutyProvider];

const routingKey = 'R0UT1NGKEY0123456789abcdefABCDEF';
const sampleMetadata = {
  revision: 'main@sha1:731f7eaddfb6af01cb2173e18f0f75b0ba780ef1',
  summary: 'Cluster: prod-eu',
};

const sampleTrigger =
  '{"routing_key":"R0UT1NGKEY0123456789abcdefABCDEF","event_action":"trigger","dedup_key":"7d0cdc51-ddcf-4743-b223-83ca5c699632","payload":{"summary":"validation failed: kustomization/webapp","source":"Flux kustomize-controller","severity":"error","timestamp":"2022-10-28T07:26:19Z","component":"webapp","group":"Kustomization","custom_details":{"message":"service/apps/webapp validation error: spec.type: Unsupported value: Ingress","metadata":{"revision":"main@sha1:731f7eaddfb6af01cb2173e18f0f75b0ba780ef1","summary":"Cluster: prod-eu"}}}}';

const infoEvent: Event = {
  ...sampleEvent,
  severity: 'info',
  reason: 'ReconciliationSucceeded',
  message: 'Reconciliation finished in 2.5s, next run in 10m0s',
};

/** The event of upstream's pagerduty_test.go. */
const upstreamEvent: Event = {
  involvedObject: { kind: 'GitRepository', namespace: 'flux-system', name: 'test-app', uid: '1234' },
  severity: 'info',
  timestamp: '2020-01-01T00:00:00Z',
  message: 'message',
  reason: 'Succeeded',
  metadata: { key1: 'val1', key2: 'val2' },
  reportingController: 'source-controller',
};

describe('pagerduty', () => {
  it('triggers an incident for an error event, routing key in the body, no auth header', async () => {
    const server = await receiver({ respondWith: { status: 202, body: '{"status":"success"}' } });
    await notifier({ type: 'pagerduty', address: server.url, channel: routingKey }, { providers }).post(
      sampleEvent,
    );
    expect(server.requests).toHaveLength(1);
    const [request] = server.requests;
    expect(request?.method).toBe('POST');
    expect(request?.path).toBe('/v2/enqueue');
    expect(request?.headers['content-type']).toBe('application/json');
    expect(request?.headers.authorization).toBeUndefined();
    expect(request?.body).toBe(sampleTrigger);
  });

  it('resolves, then sends a change event, for an info event', async () => {
    const server = await receiver({ respondWith: { status: 202 } });
    await notifier({ type: 'pagerduty', address: server.url, channel: routingKey }, { providers }).post(
      infoEvent,
    );
    expect(server.requests.map((request) => request.path)).toEqual(['/v2/enqueue', '/v2/change/enqueue']);
    expect(server.requests[0]?.body).toBe(
      '{"routing_key":"R0UT1NGKEY0123456789abcdefABCDEF","event_action":"resolve","dedup_key":"7d0cdc51-ddcf-4743-b223-83ca5c699632"}',
    );
    expect(server.requests[1]?.headers['content-type']).toBe('application/json');
    expect(server.requests[1]?.body).toBe(
      '{"routing_key":"R0UT1NGKEY0123456789abcdefABCDEF","payload":{"summary":"reconciliation succeeded: kustomization/webapp","source":"Flux kustomize-controller","timestamp":"2022-10-28T07:26:19Z","custom_details":{"message":"Reconciliation finished in 2.5s, next run in 10m0s","metadata":{"revision":"main@sha1:731f7eaddfb6af01cb2173e18f0f75b0ba780ef1","summary":"Cluster: prod-eu"}}}}',
    );
  });

  it('sends only the resolve for trace and unknown severities', async () => {
    const server = await receiver({ respondWith: { status: 202 } });
    const pagerduty = notifier(
      { type: 'pagerduty', address: server.url, channel: routingKey },
      { providers },
    );
    await pagerduty.post({ ...infoEvent, severity: 'trace' });
    expect(server.requests.map((request) => request.path)).toEqual(['/v2/enqueue']);
    expect(JSON.parse(server.requests[0]?.body ?? '')).toEqual({
      routing_key: routingKey,
      event_action: 'resolve',
      dedup_key: '7d0cdc51-ddcf-4743-b223-83ca5c699632',
    });
    expect(pagerdutySeverity('trace')).toBe('info');
    expect(pagerdutySeverity('info')).toBe('info');
    expect(pagerdutySeverity('error')).toBe('error');
    expect(pagerdutySeverity('warning')).toBe('error');
  });

  it('skips Progressing (case-sensitive) without any request', async () => {
    const server = await receiver();
    const pagerduty = notifier(
      { type: 'pagerduty', address: server.url, channel: routingKey },
      { providers },
    );
    await pagerduty.post({ ...sampleEvent, reason: 'Progressing' });
    await pagerduty.post({ ...infoEvent, reason: 'Progressing' });
    expect(server.requests).toHaveLength(0);
    expect(await pagerduty.encode({ ...sampleEvent, reason: 'Progressing' })).toEqual([]);
    await pagerduty.post({ ...sampleEvent, reason: 'progressing' });
    expect(server.requests).toHaveLength(1);
  });

  it('posts to the origin of the address only, dropping path, query and userinfo', async () => {
    const server = await receiver({ respondWith: { status: 202 } });
    const address = server.url.replace('http://', 'http://user:pass@');
    await notifier(
      { type: 'pagerduty', address: `${address}/v2/enqueue?x=1#frag`, channel: routingKey },
      { providers },
    ).post(sampleEvent);
    expect(server.requests[0]?.path).toBe('/v2/enqueue');
    expect(server.requests[0]?.headers.authorization).toBeUndefined();

    const eu = await createNotifier(
      { type: 'pagerduty', address: 'https://events.eu.pagerduty.com/v2/enqueue', channel: routingKey },
      { providers },
    ).encode(infoEvent);
    expect(eu.map((message) => (message.transport === 'http' ? message.url : ''))).toEqual([
      'https://events.eu.pagerduty.com/v2/enqueue',
      'https://events.eu.pagerduty.com/v2/change/enqueue',
    ]);
  });

  it('matches the upstream test cases', () => {
    expect(encodePagerdutyAlertEvent(upstreamEvent, 'key')).toEqual({
      routing_key: 'key',
      event_action: 'resolve',
      dedup_key: '1234',
    });
    expect(
      encodePagerdutyAlertEvent({ ...upstreamEvent, severity: 'error', reason: 'Failed' }, 'key'),
    ).toEqual({
      routing_key: 'key',
      event_action: 'trigger',
      dedup_key: '1234',
      payload: {
        summary: 'failed: gitrepository/test-app',
        source: 'Flux source-controller',
        severity: 'error',
        timestamp: '2020-01-01T00:00:00Z',
        component: 'test-app',
        group: 'GitRepository',
        custom_details: { message: 'message', metadata: { key1: 'val1', key2: 'val2' } },
      },
    });
    expect(encodePagerdutyChangeEvent(upstreamEvent, 'key')).toEqual({
      routing_key: 'key',
      payload: {
        summary: 'succeeded: gitrepository/test-app',
        source: 'Flux source-controller',
        timestamp: '2020-01-01T00:00:00Z',
        custom_details: { message: 'message', metadata: { key1: 'val1', key2: 'val2' } },
      },
    });
  });

  it('posts the upstream forwarder test event (reason "reason") as resolve and change event', async () => {
    const server = await receiver({ respondWith: { status: 202 } });
    await notifier({ type: 'pagerduty', address: server.url, channel: 'key' }, { providers }).post(
      upstreamTestEvent,
    );
    expect(server.requests).toHaveLength(2);
    expect(JSON.parse(server.requests[0]?.body ?? '')).toEqual({
      routing_key: 'key',
      event_action: 'resolve',
    });
    expect(JSON.parse(server.requests[1]?.body ?? '')).toMatchObject({
      payload: { summary: 'reason: gitrepository/webapp', timestamp: '2022-09-30T06:40:29Z' },
    });
  });

  it('splits reasons into words like upstream', () => {
    const cases: [string, string[]][] = [
      ['ValidationFailed', ['Validation', 'Failed']],
      ['HTTPError', ['HTTP', 'Error']],
      ['Health_Check', ['Health', '_', 'Check']],
      ['V1Beta2', ['V', '1', 'Beta', '2']],
      ['lowercase', ['lowercase']],
      ['ÄrgerÜber', ['Ärger', 'Über']],
      ['', []],
      ['a\uD800b', ['a\uD800b']],
    ];
    for (const [reason, words] of cases) expect(splitCamelCase(reason)).toEqual(words);
    expect(pagerdutySummary({ ...sampleEvent, reason: 'ApplySucceeded' })).toBe(
      'apply succeeded: kustomization/webapp',
    );
    expect(pagerdutySummary({ ...sampleEvent, reason: 'HealthCheckFailed' })).toBe(
      'health check failed: kustomization/webapp',
    );
    expect(pagerdutySummary({ ...sampleEvent, reason: '' })).toBe(': kustomization/webapp');
  });

  it('sends metadata null without metadata, sorts many keys, omits dedup_key without UID', () => {
    const noMetadata = encodePagerdutyAlertEvent({ ...sampleEvent, metadata: undefined }, 'k');
    expect(noMetadata.payload?.custom_details).toEqual({ message: sampleEvent.message, metadata: null });
    const keys = ['zeta', 'summary', 'alpha', 'Beta', '_x', 'ümlaut'];
    const many = encodePagerdutyAlertEvent(
      { ...sampleEvent, metadata: Object.fromEntries(keys.map((key) => [key, `v-${key}`])) },
      'k',
    );
    expect(Object.keys(many.payload?.custom_details.metadata ?? {})).toEqual([
      'Beta',
      '_x',
      'alpha',
      'summary',
      'zeta',
      'ümlaut',
    ]);
    const withoutUid = encodePagerdutyAlertEvent(
      { ...sampleEvent, involvedObject: { ...sampleEvent.involvedObject, uid: undefined } },
      'k',
    );
    expect(Object.keys(withoutUid)).toEqual(['routing_key', 'event_action', 'payload']);
  });

  it('writes the timestamp in UTC with whole seconds', () => {
    const alert = encodePagerdutyAlertEvent(
      { ...sampleEvent, timestamp: '2022-10-28T09:26:19.987+02:00' },
      'k',
    );
    expect(alert.payload?.timestamp).toBe('2022-10-28T07:26:19Z');
  });

  it('keeps multi-line, unicode, Markdown and HTML text verbatim, never shortened', async () => {
    const server = await receiver({ respondWith: { status: 202 } });
    const message = `line 1\nline 2 **bold** <b>&amp;</b> 🚀 日本語\n${'z'.repeat(5000)}`;
    await notifier({ type: 'pagerduty', address: server.url, channel: routingKey }, { providers }).post({
      ...sampleEvent,
      message,
      metadata: { 'k<&>': 'v "q"' },
    });
    const body = server.requests[0]?.body ?? '';
    expect(body).toContain('\\u003cb\\u003e\\u0026amp;\\u003c/b\\u003e');
    expect(JSON.parse(body).payload.custom_details).toEqual({ message, metadata: { 'k<&>': 'v "q"' } });
    expect(server.requests[0]?.bodyBytes.toString('utf8')).toContain('🚀 日本語');
  });

  it('fails the post when the change event fails after the resolve went through', async () => {
    const server = await receiver({ respondWith: [{ status: 202 }, { status: 503, body: 'down' }] });
    const error = await notifier(
      { type: 'pagerduty', address: server.url, channel: routingKey, retry: { retries: 0, minDelayMs: 1 } },
      { providers },
    )
      .post(infoEvent)
      .catch((caught: unknown) => caught);
    expect(error).toMatchObject({ code: 'HTTP_STATUS', status: 503, retryable: true });
    expect((error as Error).message).toMatch(
      /^pagerduty: failed sending change event: POST .*\/v2\/change\/enqueue/,
    );
    expect(server.requests).toHaveLength(2);
  });

  it('reports a reset connection as NETWORK without the routing key', async () => {
    const server = await receiver({ respondWith: { destroy: true } });
    const error = await notifier(
      { type: 'pagerduty', address: server.url, channel: routingKey, retry: { retries: 0 } },
      { providers },
    )
      .post(sampleEvent)
      .catch((caught: unknown) => caught);
    expect(error).toMatchObject({ code: 'NETWORK', retryable: true });
    expect((error as Error).message).toMatch(/^pagerduty: failed sending event: /);
    expect(JSON.stringify(error)).not.toContain(routingKey);
    expect(String((error as Error).cause)).not.toContain(routingKey);
  });

  it('does not send the change event when the alert event fails', async () => {
    const server = await receiver({ respondWith: { status: 403 } });
    await expect(
      notifier({ type: 'pagerduty', address: server.url, channel: routingKey }, { providers }).post(
        infoEvent,
      ),
    ).rejects.toThrow(/failed sending event/);
    expect(server.requests).toHaveLength(1);
  });

  it('requires an absolute http(s) address and a routing key, naming the field', () => {
    const valid = { type: 'pagerduty', address: 'https://events.pagerduty.com', channel: routingKey };
    const cases: [Record<string, unknown>, RegExp][] = [
      [
        { address: undefined },
        /^invalid pagerduty provider spec: address: invalid PagerDuty endpoint URL ""/,
      ],
      [
        { address: '' },
        /^invalid pagerduty provider spec: address: invalid PagerDuty endpoint URL "": 'required/,
      ],
      [
        { address: 'not a url' },
        /^invalid pagerduty provider spec: address: invalid PagerDuty endpoint URL "not a url": '/,
      ],
      [{ address: '/x' }, /address: invalid PagerDuty endpoint URL "\/x"/],
      [
        { address: 'localhost:9093/api' },
        /address: invalid PagerDuty endpoint URL "localhost:9093\/api": 'unsupported protocol scheme "localhost"/,
      ],
      [{ address: 'https://bad url :)' }, /address: invalid PagerDuty endpoint URL/],
      [
        { channel: undefined },
        /^invalid pagerduty provider spec: channel: PagerDuty routing key \(channel\) cannot be empty/,
      ],
      [{ channel: '' }, /channel: PagerDuty routing key \(channel\) cannot be empty/],
      [{ channel: '  ' }, /channel: PagerDuty routing key \(channel\) cannot be empty/],
    ];
    for (const [change, message] of cases) {
      const spec = { ...valid, ...change } as Parameters<typeof createNotifier>[0];
      const attempt = () => createNotifier(spec, { providers });
      expect(attempt).toThrow(NotifierError);
      expect(attempt).toThrow(message);
    }
    expect(createNotifier(valid as Parameters<typeof createNotifier>[0], { providers }).type).toBe(
      'pagerduty',
    );
  });

  it('does not change the caller event', async () => {
    const event = structuredClone({ ...sampleEvent, metadata: { ...sampleMetadata } });
    const copy = structuredClone(event);
    await createNotifier(
      { type: 'pagerduty', address: 'https://events.pagerduty.com', channel: 'k' },
      { providers },
    ).encode(event);
    expect(event).toEqual(copy);
  });
});

import { createNotifier, type Event, NotifierError } from '@notiflux/providers';
import {
  encodeIncidentIoAlertEvent,
  encodeIncidentIoPayload,
  incidentIoProvider,
} from '@notiflux/providers/incident.io';
import { describe, expect, it } from 'vitest';
import { useProviderHarness } from '../support/provider-harness.js';
import { sampleEvent, upstreamTestEvent } from '../support/sample-events.js';

const { receiver, notifier } = useProviderHarness();
const providers = [incidentIoProvider];

const apiToken = 'inc_live_9f8e7d6c5b4a3210fedcba9876543210';
const alertSourcePath = '/v2/alert_events/http/01HXYZALERTSOURCECONFIG';

const sampleBody =
  '{"title":"kustomization/webapp.apps: ValidationFailed","status":"firing","deduplication_key":"7d0cdc51-ddcf-4743-b223-83ca5c699632","description":"service/apps/webapp validation error: spec.type: Unsupported value: Ingress","metadata":{"reason":"ValidationFailed","reportingController":"kustomize-controller","revision":"main@sha1:731f7eaddfb6af01cb2173e18f0f75b0ba780ef1","severity":"error","summary":"Cluster: prod-eu"}}';

const infoEvent: Event = {
  ...sampleEvent,
  severity: 'info',
  reason: 'ReconciliationSucceeded',
  message: 'Reconciliation finished in 2.5s, next run in 10m0s',
};

describe('incident.io', () => {
  it('fires an alert with the Bearer token for the sample error event', async () => {
    const server = await receiver({ respondWith: { status: 202, body: '{"status":"success"}' } });
    await notifier(
      { type: 'incident.io', address: `${server.url}${alertSourcePath}`, token: apiToken },
      { providers },
    ).post(sampleEvent);
    expect(server.requests).toHaveLength(1);
    const [request] = server.requests;
    expect(request?.method).toBe('POST');
    expect(request?.path).toBe(alertSourcePath);
    expect(request?.headers['content-type']).toBe('application/json');
    expect(request?.headers.authorization).toBe(`Bearer ${apiToken}`);
    expect(request?.body).toBe(sampleBody);
  });

  it('resolves the alert for info, trace and unknown severities', async () => {
    const server = await receiver({ respondWith: { status: 202 } });
    const incidentIo = notifier({ type: 'incident.io', address: server.url, token: apiToken }, { providers });
    await incidentIo.post(infoEvent);
    expect(server.requests[0]?.body).toBe(
      '{"title":"kustomization/webapp.apps: ReconciliationSucceeded","status":"resolved","deduplication_key":"7d0cdc51-ddcf-4743-b223-83ca5c699632","description":"Reconciliation finished in 2.5s, next run in 10m0s","metadata":{"reason":"ReconciliationSucceeded","reportingController":"kustomize-controller","revision":"main@sha1:731f7eaddfb6af01cb2173e18f0f75b0ba780ef1","severity":"info","summary":"Cluster: prod-eu"}}',
    );
    await incidentIo.post({ ...sampleEvent, severity: 'trace' });
    expect(JSON.parse(server.requests[1]?.body ?? '')).toMatchObject({
      status: 'resolved',
      metadata: { severity: 'trace' },
    });
    expect(
      encodeIncidentIoAlertEvent({ ...sampleEvent, severity: 'warning' as Event['severity'] }).status,
    ).toBe('resolved');
  });

  it('accepts incidentio as an alias of the type', async () => {
    const server = await receiver({ respondWith: { status: 202 } });
    const incidentIo = notifier({ type: 'incidentio', address: server.url, token: apiToken }, { providers });
    expect(incidentIo.type).toBe('incident.io');
    await incidentIo.post(sampleEvent);
    expect(server.requests[0]?.body).toBe(sampleBody);
  });

  it('skips Progressing (case-sensitive) without any request', async () => {
    const server = await receiver({ respondWith: { status: 202 } });
    const incidentIo = notifier({ type: 'incident.io', address: server.url, token: apiToken }, { providers });
    await incidentIo.post({ ...sampleEvent, reason: 'Progressing' });
    expect(server.requests).toHaveLength(0);
    expect(await incidentIo.encode({ ...infoEvent, reason: 'Progressing' })).toEqual([]);
    await incidentIo.post({ ...sampleEvent, reason: 'progressing' });
    expect(server.requests).toHaveLength(1);
  });

  it('posts the upstream test event like upstream', async () => {
    const server = await receiver({ respondWith: { status: 202 } });
    const uid = '2f5c9d21-b62c-4a35-9b17-1b0f4c8e2d3a';
    const event: Event = {
      ...upstreamTestEvent,
      involvedObject: { ...upstreamTestEvent.involvedObject, uid },
    };
    const incidentIo = notifier({ type: 'incident.io', address: server.url, token: 'token' }, { providers });
    await incidentIo.post(event);
    await incidentIo.post({ ...event, severity: 'error' });
    expect(server.requests[0]?.headers.authorization).toBe('Bearer token');
    expect(JSON.parse(server.requests[0]?.body ?? '')).toEqual({
      title: 'gitrepository/webapp.gitops-system: reason',
      status: 'resolved',
      deduplication_key: uid,
      description: 'message',
      metadata: {
        reason: 'reason',
        reportingController: 'source-controller',
        severity: 'info',
        test: 'metadata',
      },
    });
    expect(JSON.parse(server.requests[1]?.body ?? '')).toMatchObject({
      status: 'firing',
      metadata: { severity: 'error' },
    });
  });

  it('sets severity, reason and a non-empty reportingController over metadata keys of those names', () => {
    const metadata = { severity: 'x', reason: 'y', reportingController: 'z', other: 'o' };
    expect(encodeIncidentIoAlertEvent({ ...sampleEvent, metadata }).metadata).toEqual({
      other: 'o',
      reason: 'ValidationFailed',
      reportingController: 'kustomize-controller',
      severity: 'error',
    });
    expect(
      encodeIncidentIoAlertEvent({ ...sampleEvent, metadata, reportingController: '' }).metadata,
    ).toEqual({
      other: 'o',
      reason: 'ValidationFailed',
      reportingController: 'z',
      severity: 'error',
    });
  });

  it('without metadata, message or UID: no description, dedup key "", and the caller event unchanged', () => {
    const event: Event = {
      ...sampleEvent,
      message: '',
      metadata: undefined,
      involvedObject: { kind: 'Kustomization', name: 'webapp' },
    };
    const before = structuredClone(event);
    expect(encodeIncidentIoPayload(event)).toBe(
      '{"title":"kustomization/webapp.: ValidationFailed","status":"firing","deduplication_key":"","metadata":{"reason":"ValidationFailed","reportingController":"kustomize-controller","severity":"error"}}',
    );
    expect(event).toEqual(before);
  });

  it('sorts many metadata keys by their bytes', () => {
    const metadata = Object.fromEntries(
      ['zeta', 'summary', 'alpha', 'Beta', '_x', 'ümlaut'].map((key) => [key, `v-${key}`]),
    );
    expect(Object.keys(encodeIncidentIoAlertEvent({ ...sampleEvent, metadata }).metadata)).toEqual([
      'Beta',
      '_x',
      'alpha',
      'reason',
      'reportingController',
      'severity',
      'summary',
      'zeta',
      'ümlaut',
    ]);
  });

  it('keeps multi-line, unicode, Markdown and HTML text verbatim, never shortened', async () => {
    const server = await receiver({ respondWith: { status: 202 } });
    const message = `line 1\nline 2 **bold** <b>&amp;</b> 🚀 日本語\n${'z'.repeat(20_000)}`;
    await notifier({ type: 'incident.io', address: server.url, token: apiToken }, { providers }).post({
      ...sampleEvent,
      message,
    });
    const body = server.requests[0]?.body ?? '';
    expect(body).toContain('\\u003cb\\u003e\\u0026amp;');
    expect(JSON.parse(body).description).toBe(message);
    expect(server.requests[0]?.bodyBytes.toString('utf8')).toContain('🚀 日本語');
  });

  it('takes the token from the Secret, trimmed', async () => {
    const server = await receiver({ respondWith: { status: 202 } });
    await notifier(
      {
        type: 'incident.io',
        address: server.url,
        secret: { token: `  ${apiToken}\n` },
      },
      { providers },
    ).post(sampleEvent);
    const headers = server.requests[0]?.headers;
    expect(headers?.authorization).toBe(`Bearer ${apiToken}`);
  });

  it('requires an absolute http(s) address, then a token, naming the field', () => {
    const valid = {
      type: 'incident.io',
      address: `https://api.incident.io${alertSourcePath}`,
      token: apiToken,
    };
    const cases: [Record<string, unknown>, RegExp][] = [
      [
        { address: undefined },
        /^invalid incident.io provider spec: address: invalid incident.io alert source URL /,
      ],
      [
        { address: 'invalid-url' },
        /^invalid incident\.io provider spec: address: invalid incident\.io alert source URL invalid-url: '/,
      ],
      [{ address: '/x' }, /address: invalid incident\.io alert source URL \/x: '/],
      [{ token: undefined }, /^invalid incident\.io provider spec: token: empty incident\.io API token/],
      [{ token: ' ' }, /^invalid incident\.io provider spec: token: empty incident\.io API token/],
      [
        { type: 'incidentio', token: '' },
        /^invalid incident\.io provider spec: token: empty incident\.io API token/,
      ],
    ];
    for (const [change, message] of cases) {
      const spec = { ...valid, ...change } as Parameters<typeof createNotifier>[0];
      const attempt = () => createNotifier(spec, { providers });
      expect(attempt).toThrow(NotifierError);
      expect(attempt).toThrow(message);
    }
    expect(createNotifier(valid as Parameters<typeof createNotifier>[0], { providers }).type).toBe(
      'incident.io',
    );
  });
});

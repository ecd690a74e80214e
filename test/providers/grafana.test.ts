import type { Event } from '@notiflux/core';
import { createNotifier, NotifierError } from '@notiflux/providers';
import {
  encodeGrafanaAnnotation,
  encodeGrafanaPayload,
  type GrafanaAnnotation,
  grafanaProvider,
} from '@notiflux/providers/grafana';
import { describe, expect, it } from 'vitest';
import { useProviderHarness } from '../support/provider-harness.js';
import { sampleEvent, upstreamTestEvent } from '../support/sample-events.js';

const { receiver, notifier } = useProviderHarness();
const providers = [grafanaProvider];
const TOKEN = 'glsa_grafana-service-account-secret';
const PASSWORD = 'grafana-basic-password-secret';
const basic = (user: string, password: string) =>
  `Basic ${Buffer.from(`${user}:${password}`).toString('base64')}`;
const added = {
  status: 200,
  headers: { 'content-type': 'application/json' },
  body: '{"message":"Annotation added","id":1}',
};

/** Upstream's body for the sample event, plus `time` in milliseconds (docs/design/providers.md#grafana). */
const sampleBody =
  '{"when":1666941979,"time":1666941979000,"text":"kustomization/webapp.apps","tags":["flux","kustomize-controller","revision: main@sha1|731f7eaddfb6af01cb2173e18f0f75b0ba780ef1","summary: Cluster| prod-eu","kind: Kustomization","name: webapp","namespace: apps"]}';

/** Posts through a recording server and returns the annotation it received. */
async function postedAnnotation(event: Event): Promise<GrafanaAnnotation> {
  const server = await receiver({ respondWith: added });
  await notifier({ type: 'grafana', address: `${server.url}/api/annotations` }, { providers }).post(event);
  expect(server.requests).toHaveLength(1);
  return JSON.parse(server.requests[0]?.body ?? '') as GrafanaAnnotation;
}

describe('grafana request (recording server)', () => {
  it('POSTs the sample event as the spec body plus time, byte for byte', async () => {
    const server = await receiver({ respondWith: added });
    await notifier({ type: 'grafana', address: `${server.url}/api/annotations` }, { providers }).post(
      sampleEvent,
    );
    expect(server.requests).toHaveLength(1);
    const [request] = server.requests;
    expect(request?.method).toBe('POST');
    expect(request?.path).toBe('/api/annotations');
    expect(request?.headers['content-type']).toBe('application/json');
    expect(request?.headers.authorization).toBeUndefined();
    expect(request?.body).toBe(sampleBody);
  });

  it('keeps the query string of the address', async () => {
    const server = await receiver();
    await notifier(
      { type: 'grafana', address: `${server.url}/grafana/api/annotations?orgId=2` },
      { providers },
    ).post(sampleEvent);
    expect(server.requests[0]?.path).toBe('/grafana/api/annotations?orgId=2');
  });

  it('places the annotation at the event time: when in seconds, time in milliseconds', async () => {
    const annotation = await postedAnnotation({ ...sampleEvent, timestamp: '2022-10-28T09:26:19.750+02:00' });
    expect(annotation.when).toBe(1666941979);
    expect(annotation.time).toBe(1666941979000);
    expect(annotation.time).toBe(Date.parse('2022-10-28T07:26:19Z'));
  });

  it('sends the same body for info and error events: message, severity and reason are not sent', async () => {
    const info = await postedAnnotation({
      ...sampleEvent,
      severity: 'info',
      reason: 'ReconciliationSucceeded',
      message: 'Reconciliation finished in 2.5s, next run in 10m0s',
    });
    expect(JSON.stringify(info)).toBe(sampleBody);
    const trace = await postedAnnotation({ ...sampleEvent, severity: 'trace', reason: 'Progressing' });
    expect(JSON.stringify(trace)).toBe(sampleBody);
  });

  it('tags the upstream test event as upstream expects', async () => {
    const annotation = await postedAnnotation(upstreamTestEvent);
    expect(annotation.text).toBe('gitrepository/webapp.gitops-system');
    expect(annotation.tags).toEqual([
      'flux',
      'source-controller',
      'test: metadata',
      'kind: GitRepository',
      'name: webapp',
      'namespace: gitops-system',
    ]);
    expect(annotation.when).toBe(1664520029);
  });

  it('ignores multi-line, unicode and markup messages (the message is not part of the annotation)', async () => {
    const message = 'line 1\nline 2 — ünïcödé 🚀\n<b>bold</b> & *stars*';
    const annotation = await postedAnnotation({ ...sampleEvent, message });
    expect(JSON.stringify(annotation)).toBe(sampleBody);
  });

  it('escapes markup and keeps unicode in metadata tags as Go does', async () => {
    const server = await receiver();
    await notifier({ type: 'grafana', address: server.url }, { providers }).post({
      ...sampleEvent,
      metadata: { note: '<b>Ünïcödé</b> & 🚀\nsecond line' },
    });
    const body = server.requests[0]?.body ?? '';
    expect(body).toContain('"note: \\u003cb\\u003eÜnïcödé\\u003c/b\\u003e \\u0026 🚀\\nsecond line"');
    expect((JSON.parse(body) as GrafanaAnnotation).tags[2]).toBe('note: <b>Ünïcödé</b> & 🚀\nsecond line');
  });

  it('replaces every colon in metadata keys and values by |, but not in the fixed tags', async () => {
    const annotation = await postedAnnotation({
      ...sampleEvent,
      involvedObject: { kind: 'Kind:With', name: 'name:x', namespace: 'ns:y' },
      reportingController: 'ctrl:z',
      metadata: { 'a:b:c': 'https://example.com:8443/x' },
    });
    expect(annotation.text).toBe('kind:with/name:x.ns:y');
    expect(annotation.tags).toEqual([
      'flux',
      'ctrl:z',
      'a|b|c: https|//example.com|8443/x',
      'kind: Kind:With',
      'name: name:x',
      'namespace: ns:y',
    ]);
  });

  it('works without metadata and with an empty controller and namespace', async () => {
    const { metadata: _dropped, ...withoutMetadata } = sampleEvent;
    const { namespace: _none, ...clusterScoped } = sampleEvent.involvedObject;
    const annotation = await postedAnnotation({
      ...withoutMetadata,
      involvedObject: clusterScoped,
      reportingController: '',
    });
    expect(annotation.text).toBe('kustomization/webapp.');
    expect(annotation.tags).toEqual(['flux', '', 'kind: Kustomization', 'name: webapp', 'namespace: ']);
  });

  it('sorts many metadata tags by key, unchanged in case and length', async () => {
    const metadata: Record<string, string> = {};
    for (let index = 0; index < 50; index++)
      metadata[`key${String(49 - index).padStart(2, '0')}`] = `value ${index}`;
    metadata.Upper = 'x'.repeat(5000);
    const annotation = await postedAnnotation({ ...sampleEvent, metadata });
    expect(annotation.tags).toHaveLength(2 + 51 + 3);
    expect(annotation.tags[2]).toBe(`Upper: ${'x'.repeat(5000)}`);
    expect(annotation.tags[3]).toBe('key00: value 49');
    expect(annotation.tags[52]).toBe('key49: value 0');
  });

  it('never mutates the caller event', async () => {
    const event = Object.freeze({ ...sampleEvent, metadata: Object.freeze({ 'a:b': 'c:d' }) });
    const snapshot = structuredClone(event);
    expect(encodeGrafanaAnnotation(event).tags[2]).toBe('a|b: c|d');
    await postedAnnotation(event);
    expect(event).toEqual(snapshot);
  });

  it('exports its payload encoder: the request body', () => {
    expect(encodeGrafanaPayload(sampleEvent)).toBe(sampleBody);
  });
});

describe('grafana auth', () => {
  it('sends the token as Bearer, which wins over username and password', async () => {
    const server = await receiver();
    await notifier(
      { type: 'grafana', address: server.url, token: TOKEN, username: 'admin', password: PASSWORD },
      { providers },
    ).post(sampleEvent);
    expect(server.requests[0]?.headers.authorization).toBe(`Bearer ${TOKEN}`);
  });

  it('sends Basic auth from username and password only when both are set and there is no token', async () => {
    const server = await receiver();
    await notifier(
      { type: 'grafana', address: server.url, username: 'admin', password: PASSWORD },
      { providers },
    ).post(sampleEvent);
    await notifier({ type: 'grafana', address: server.url, username: 'admin' }, { providers }).post(
      sampleEvent,
    );
    await notifier({ type: 'grafana', address: server.url, password: PASSWORD }, { providers }).post(
      sampleEvent,
    );
    expect(server.requests.map((request) => request.headers.authorization)).toEqual([
      basic('admin', PASSWORD),
      undefined,
      undefined,
    ]);
  });

  it('falls back to userinfo in the address, stripped from the request', async () => {
    const server = await receiver();
    const address = `${server.url.replace('://', '://admin:p%40ss@')}/api/annotations`;
    await notifier({ type: 'grafana', address }, { providers }).post(sampleEvent);
    await notifier({ type: 'grafana', address, username: 'other', password: PASSWORD }, { providers }).post(
      sampleEvent,
    );
    expect(server.requests[0]?.headers.authorization).toBe(basic('admin', 'p@ss'));
    expect(server.requests[0]?.path).toBe('/api/annotations');
    expect(server.requests[1]?.headers.authorization).toBe(basic('other', PASSWORD));
  });

  it('takes trimmed credentials from the Secret', async () => {
    const server = await receiver();
    await notifier(
      { type: 'grafana', address: server.url, secret: { token: ` ${TOKEN}\n` } },
      { providers },
    ).post(sampleEvent);
    expect(server.requests[0]?.headers.authorization).toBe(`Bearer ${TOKEN}`);
  });
});

describe('grafana encode', () => {
  it('returns the one request with Authorization redacted', async () => {
    const grafana = createNotifier(
      { type: 'grafana', address: 'https://grafana.example.com/api/annotations', token: TOKEN },
      { providers },
    );
    const expected = {
      transport: 'http',
      method: 'POST',
      url: 'https://grafana.example.com/api/annotations',
      headers: { 'Content-Type': 'application/json', Authorization: '<redacted>' },
      body: sampleBody,
    };
    expect(await grafana.encode(sampleEvent)).toEqual([expected]);

    const withUserinfo = createNotifier(
      { type: 'grafana', address: 'https://admin:url-secret@grafana.example.com/api/annotations' },
      { providers },
    );
    expect(await withUserinfo.encode(sampleEvent)).toEqual([expected]);
    const shown = JSON.stringify([await grafana.encode(sampleEvent), await withUserinfo.encode(sampleEvent)]);
    expect(shown).not.toContain(TOKEN);
    expect(shown).not.toContain('url-secret');
  });

  it('shows no Authorization header without credentials', async () => {
    const [message] = await createNotifier(
      { type: 'grafana', address: 'http://grafana.example.com/api/annotations' },
      { providers },
    ).encode(sampleEvent);
    expect(message).toEqual({
      transport: 'http',
      method: 'POST',
      url: 'http://grafana.example.com/api/annotations',
      headers: { 'Content-Type': 'application/json' },
      body: sampleBody,
    });
  });
});

describe('grafana spec validation', () => {
  it.each([
    '',
    'not a url',
    'invalid-url',
    'host.example/path',
    'https://bad url :)',
    '/api/annotations',
    'localhost:3000/api',
    'ftp://grafana.example.com',
  ])('rejects %j with INVALID_SPEC naming address, in upstream wording', (address) => {
    const attempt = () => createNotifier({ type: 'grafana', address }, { providers });
    expect(attempt).toThrow(NotifierError);
    expect(attempt).toThrow(/^invalid grafana provider spec: address: invalid Grafana URL/);
    if (address !== '') expect(attempt).toThrow(`address: invalid Grafana URL ${address}`);
    try {
      attempt();
    } catch (error) {
      expect((error as NotifierError).code).toBe('INVALID_SPEC');
    }
  });

  it('rejects a missing address', () => {
    expect(() => createNotifier({ type: 'grafana' }, { providers })).toThrow(
      /^invalid grafana provider spec: address: invalid Grafana URL: required/,
    );
  });

  it('hides userinfo of a rejected address', () => {
    const attempt = () =>
      createNotifier(
        { type: 'grafana', address: 'ftp://admin:url-secret@grafana.example.com' },
        { providers },
      );
    expect(attempt).toThrow('invalid Grafana URL ftp://<redacted>@grafana.example.com');
    expect(attempt).not.toThrow(/url-secret/);
  });

  it('needs nothing but the address', () => {
    expect(() =>
      createNotifier(
        { type: 'grafana', address: 'https://grafana.example.com/api/annotations' },
        { providers },
      ),
    ).not.toThrow();
  });
});

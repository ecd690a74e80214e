import type { Event } from '@notiflux/providers';
import { createNotifier, NotifierError } from '@notiflux/providers';
import datadogDefault, {
  DATADOG_DEFAULT_SITE,
  datadogProvider,
  datadogTags,
  encodeDatadogPayload,
} from '@notiflux/providers/datadog';
import { describe, expect, it } from 'vitest';
import { useProviderHarness } from '../support/provider-harness.js';
import { sampleEvent, upstreamTestEvent } from '../support/sample-events.js';

const { receiver, notifier } = useProviderHarness();

const apiKey = 'dd-fake-api-key-0123456789abcdef';
const providers = [datadogProvider];

/** Upstream's body for the sample event: keys sorted, a trailing newline. */
const sampleBody =
  '{"alert_type":"error","date_happened":1666941979,"source_type_name":"fluxcd","tags":["flux_reporting_controller:kustomize-controller","flux_reason:validationfailed","kube_kind:kustomization","kube_name:webapp","kube_namespace:apps","revision:main@sha1:731f7eaddfb6af01cb2173e18f0f75b0ba780ef1","summary:cluster: prod-eu"],"text":"service/apps/webapp validation error: spec.type: Unsupported value: Ingress","title":"Events from the Kustomization webapp/apps"}\n';

const infoEvent: Event = {
  ...sampleEvent,
  severity: 'info',
  reason: 'ReconciliationSucceeded',
  message: 'Reconciliation finished in 2.5s, next run in 10m0s',
};

async function postToServer(event: Event, spec: Record<string, unknown> = {}) {
  const server = await receiver({ defaultResponse: { status: 202, body: '{"status":"ok"}' } });
  await notifier({ type: 'datadog', address: server.url, token: apiKey, ...spec }, { providers }).post(event);
  expect(server.requests).toHaveLength(1);
  const request = server.requests[0];
  if (!request) throw new Error('no request recorded');
  return { server, request, payload: JSON.parse(request.body) as Record<string, unknown> };
}

describe('datadog', () => {
  it('exports the provider as named and default export', () => {
    expect(datadogDefault).toBe(datadogProvider);
    expect(datadogProvider.type).toBe('datadog');
  });

  it('POSTs the sample event to /api/v1/events with the API key header and the exact body', async () => {
    const { request } = await postToServer(sampleEvent);
    expect(request.method).toBe('POST');
    expect(request.path).toBe('/api/v1/events');
    expect(request.headers['content-type']).toBe('application/json');
    expect(request.headers.accept).toBe('application/json');
    expect(request.headers['dd-api-key']).toBe(apiKey);
    expect(request.headers.authorization).toBeUndefined();
    expect(request.body).toBe(sampleBody);
  });

  it('sends the info variant with alert_type info and the info message', async () => {
    const { payload } = await postToServer(infoEvent);
    expect(payload).toEqual({
      ...(JSON.parse(sampleBody) as object),
      alert_type: 'info',
      text: 'Reconciliation finished in 2.5s, next run in 10m0s',
      tags: [
        'flux_reporting_controller:kustomize-controller',
        'flux_reason:reconciliationsucceeded',
        'kube_kind:kustomization',
        'kube_name:webapp',
        'kube_namespace:apps',
        'revision:main@sha1:731f7eaddfb6af01cb2173e18f0f75b0ba780ef1',
        'summary:cluster: prod-eu',
      ],
    });
  });

  it('maps every severity but error to info, and posts Progressing and commit-status events', async () => {
    expect(encodeDatadogPayload({ ...sampleEvent, severity: 'trace' }).alert_type).toBe('info');
    expect(encodeDatadogPayload({ ...sampleEvent, severity: 'info' }).alert_type).toBe('info');
    const server = await receiver();
    const datadog = notifier({ type: 'datadog', address: server.url, token: apiKey }, { providers });
    await datadog.post({ ...infoEvent, reason: 'Progressing' });
    await datadog.post({ ...infoEvent, metadata: { commit_status: 'update' } });
    expect(server.requests).toHaveLength(2);
    expect(JSON.parse(server.requests[0]?.body ?? '').tags).toContain('flux_reason:progressing');
  });

  it('uses only the scheme and host of the address: path, query and userinfo are ignored', async () => {
    const server = await receiver();
    const address = `${server.url.replace('://', '://user:pw@')}/some/path?site=eu#frag`;
    await notifier({ type: 'datadog', address, token: apiKey }, { providers }).post(sampleEvent);
    expect(server.requests[0]?.path).toBe('/api/v1/events');
    expect(server.requests[0]?.headers.authorization).toBeUndefined();
  });

  it('targets US1 when the address is empty or absent', async () => {
    for (const spec of [{}, { address: '' }]) {
      const [message] = await createNotifier(
        { type: 'datadog', token: apiKey, ...spec },
        { providers },
      ).encode(sampleEvent);
      expect(message).toMatchObject({ url: `${DATADOG_DEFAULT_SITE}/api/v1/events` });
    }
  });

  it('builds the tags of the upstream test event', () => {
    expect(datadogTags(upstreamTestEvent)).toEqual([
      'flux_reporting_controller:source-controller',
      'flux_reason:reason',
      'kube_kind:gitrepository',
      'kube_name:webapp',
      'kube_namespace:gitops-system',
      'test:metadata',
    ]);
  });

  it('lower-cases whole tags, keeps colons and spaces, sorts many metadata keys and keeps empty values', () => {
    const keys = Array.from({ length: 30 }, (_, index) => `Key${String(index).padStart(2, '0')}`).reverse();
    const metadata = Object.fromEntries(keys.map((key) => [key, `Value: ${key}`]));
    const tags = datadogTags({ ...sampleEvent, metadata: { ...metadata, Empty: '' } });
    expect(tags.slice(5)).toEqual([
      'empty:',
      ...[...keys].reverse().map((key) => `${key.toLowerCase()}:value: ${key.toLowerCase()}`),
    ]);
  });

  it('sends only the five fixed tags when there is no metadata', async () => {
    const { payload } = await postToServer({ ...sampleEvent, metadata: undefined });
    expect(payload.tags).toEqual([
      'flux_reporting_controller:kustomize-controller',
      'flux_reason:validationfailed',
      'kube_kind:kustomization',
      'kube_name:webapp',
      'kube_namespace:apps',
    ]);
  });

  it('keeps multi-line, unicode, markdown and HTML text verbatim, and long text untruncated', async () => {
    const message = `Deployment/apps/webapp configured\n**bold** _it_ <b>&amp;</b> \`code\`\nÜnïcödé ✅ 🚀 日本語\n${'x'.repeat(5000)}`;
    const { request, payload } = await postToServer({ ...sampleEvent, message });
    expect(payload.text).toBe(message);
    // Go's encoder escapes <, > and & in strings.
    expect(request.body).toContain('\\u003cb\\u003e\\u0026amp;\\u003c/b\\u003e');
    expect(request.body).toContain('Ünïcödé ✅ 🚀 日本語');
  });

  it('sends date_happened in whole Unix seconds', () => {
    expect(
      encodeDatadogPayload({ ...sampleEvent, timestamp: '2022-10-28T09:26:19.987+02:00' }).date_happened,
    ).toBe(1666941979);
  });

  it('treats any 2xx as success, even with a non-JSON body', async () => {
    const server = await receiver({ defaultResponse: { status: 200, body: 'accepted' } });
    await expect(
      notifier({ type: 'datadog', address: server.url, token: apiKey }, { providers }).post(sampleEvent),
    ).resolves.toBeUndefined();
  });

  it('makes exactly one attempt with retry.retries 0 (upstream parity)', async () => {
    const server = await receiver({ defaultResponse: { status: 500 } });
    await expect(
      notifier(
        { type: 'datadog', address: server.url, token: apiKey, retry: { retries: 0 } },
        { providers },
      ).post(sampleEvent),
    ).rejects.toMatchObject({ code: 'HTTP_STATUS', status: 500 });
    expect(server.requests).toHaveLength(1);
  });

  it('encodes one http message with the API key redacted', async () => {
    const datadog = createNotifier(
      { type: 'datadog', address: 'https://api.datadoghq.eu/ignored?x=1', token: apiKey },
      { providers },
    );
    expect(await datadog.encode(sampleEvent)).toEqual([
      {
        transport: 'http',
        method: 'POST',
        url: 'https://api.datadoghq.eu/api/v1/events',
        headers: {
          'Content-Type': 'application/json',
          Accept: 'application/json',
          'DD-API-KEY': '<redacted>',
        },
        body: sampleBody,
      },
    ]);
    expect(JSON.stringify(await datadog.encode(sampleEvent))).not.toContain(apiKey);
  });

  it('requires the API key, naming token', () => {
    for (const token of [undefined, '', '   ']) {
      const attempt = () =>
        createNotifier(
          {
            type: 'datadog',
            address: 'https://api.datadoghq.com',
            ...(token === undefined ? {} : { token }),
          },
          { providers },
        );
      expect(attempt).toThrow(NotifierError);
      expect(attempt).toThrow(
        /^invalid datadog provider spec: token: cannot be empty \(the DataDog API key\)/,
      );
    }
  });

  it('reads the API key from the Secret', async () => {
    const server = await receiver();
    await notifier(
      { type: 'datadog', address: server.url, secret: { token: ` ${apiKey}\n` } },
      { providers },
    ).post(sampleEvent);
    expect(server.requests[0]?.headers['dd-api-key']).toBe(apiKey);
  });

  it('refuses an address that is not an absolute http(s) URL, and a bad proxy', () => {
    for (const address of ['api.datadoghq.eu', 'https://bad url :)', 'ftp://api.datadoghq.com', '/events']) {
      const attempt = () => createNotifier({ type: 'datadog', address, token: apiKey }, { providers });
      expect(attempt).toThrow(/^invalid datadog provider spec: address: must be an absolute http\(s\) URL/);
    }
    expect(() =>
      createNotifier({ type: 'datadog', token: apiKey, proxy: 'not a url' }, { providers }),
    ).toThrow(/proxy: /);
  });
});

import { createNotifier, type Event, NotifierError } from '@notiflux/providers';
import {
  encodeOpsgenieAlert,
  encodeOpsgeniePayload,
  opsgenieAlias,
  opsgenieProvider,
} from '@notiflux/providers/opsgenie';
import { describe, expect, it } from 'vitest';
import { useProviderHarness } from '../support/provider-harness.js';
import { sampleEvent, upstreamTestEvent } from '../support/sample-events.js';

const { receiver, notifier } = useProviderHarness();
const providers = [opsgenieProvider];

const genieKey = 'eb243592-faa2-4ba2-a551q-1afdf565c889';
const providerUid = '2f6b3c4d-1a2b-4c3d-8e9f-0a1b2c3d4e5f';
const provider = { uid: providerUid, name: 'opsgenie', namespace: 'flux-system' };

const sampleBody =
  '{"message":"Kustomization/webapp","alias":"804360c259a862cc55abdca7a11930ab1e43f3b9802d7c888166ededab0048dc","description":"service/apps/webapp validation error: spec.type: Unsupported value: Ingress","details":{"revision":"main@sha1:731f7eaddfb6af01cb2173e18f0f75b0ba780ef1","severity":"error","summary":"Cluster: prod-eu"}}';

const infoEvent: Event = {
  ...sampleEvent,
  severity: 'info',
  reason: 'ReconciliationSucceeded',
  message: 'Reconciliation finished in 2.5s, next run in 10m0s',
};

describe('opsgenie', () => {
  it('creates an alert with GenieKey auth for the sample event', async () => {
    const server = await receiver({ respondWith: { status: 202, body: '{"requestId":"r1"}' } });
    await notifier(
      { type: 'opsgenie', address: `${server.url}/v2/alerts?x=1`, token: genieKey, provider },
      { providers },
    ).post(sampleEvent);
    expect(server.requests).toHaveLength(1);
    const [request] = server.requests;
    expect(request?.method).toBe('POST');
    expect(request?.path).toBe('/v2/alerts?x=1');
    expect(request?.headers['content-type']).toBe('application/json');
    expect(request?.headers.authorization).toBe(`GenieKey ${genieKey}`);
    expect(request?.body).toBe(sampleBody);
  });

  it('also creates an alert for info events, with its own alias', async () => {
    const server = await receiver({ respondWith: { status: 202 } });
    await notifier({ type: 'opsgenie', address: server.url, token: genieKey, provider }, { providers }).post(
      infoEvent,
    );
    expect(server.requests[0]?.body).toBe(
      '{"message":"Kustomization/webapp","alias":"ac25e94a3ceeaac43f7bffbc86b184085cb6ce2da2a92fef55f893dd9324e1f5","description":"Reconciliation finished in 2.5s, next run in 10m0s","details":{"revision":"main@sha1:731f7eaddfb6af01cb2173e18f0f75b0ba780ef1","severity":"info","summary":"Cluster: prod-eu"}}',
    );
  });

  it('skips nothing: trace and Progressing are sent too', async () => {
    const server = await receiver({ respondWith: { status: 202 } });
    const opsgenie = notifier({ type: 'opsgenie', address: server.url, token: genieKey }, { providers });
    await opsgenie.post({ ...sampleEvent, severity: 'trace' });
    await opsgenie.post({ ...sampleEvent, reason: 'Progressing' });
    await opsgenie.post({ ...sampleEvent, metadata: { commit_status: 'update' } });
    expect(server.requests).toHaveLength(3);
    expect(JSON.parse(server.requests[0]?.body ?? '').details.severity).toBe('trace');
  });

  it('derives the alias from the provider uid, kind, namespace, name and reason', () => {
    expect(opsgenieAlias(sampleEvent)).toBe(
      'f6d86fea4a9e961379ec529e6192f56256e7ac1db91bd0cc4b87b8e78a5ae14a',
    );
    const uid = 'test-provider-uid-123';
    const alias = opsgenieAlias(upstreamTestEvent, uid);
    expect(alias).toBe('fe0de7c3e730984dc8fa97aa4e3564e679cce5c2fa3103734a603115c16f7156');
    expect(alias).toMatch(/^[0-9a-f]{64}$/);
    expect(opsgenieAlias({ ...upstreamTestEvent, message: 'other' }, uid)).toBe(alias);
    expect(opsgenieAlias({ ...upstreamTestEvent, metadata: undefined }, uid)).toBe(alias);
    expect(opsgenieAlias({ ...upstreamTestEvent, severity: 'error' }, uid)).toBe(alias);
    expect(opsgenieAlias({ ...upstreamTestEvent, reason: 'HealthCheckFailed' }, uid)).not.toBe(alias);
    expect(opsgenieAlias({ ...upstreamTestEvent, reason: 'HealthCheckFailed' }, uid)).toBe(
      opsgenieAlias(
        {
          ...upstreamTestEvent,
          involvedObject: { ...upstreamTestEvent.involvedObject },
          reason: 'HealthCheckFailed',
        },
        uid,
      ),
    );
    const production = {
      ...upstreamTestEvent,
      involvedObject: { ...upstreamTestEvent.involvedObject, namespace: 'production' },
    };
    expect(opsgenieAlias(production, uid)).not.toBe(alias);
    expect(opsgenieAlias(upstreamTestEvent, 'other-uid')).not.toBe(alias);
    expect(opsgenieAlias(upstreamTestEvent)).not.toBe(alias);
  });

  it('posts the upstream test event, with and without metadata', async () => {
    const server = await receiver({ respondWith: { status: 200 } });
    const opsgenie = notifier(
      { type: 'opsgenie', address: server.url, token: 'token', provider: { uid: 'test-provider-uid-123' } },
      { providers },
    );
    await opsgenie.post(upstreamTestEvent);
    await opsgenie.post({ ...upstreamTestEvent, metadata: undefined });
    const alias = 'fe0de7c3e730984dc8fa97aa4e3564e679cce5c2fa3103734a603115c16f7156';
    expect(JSON.parse(server.requests[0]?.body ?? '')).toEqual({
      message: 'GitRepository/webapp',
      alias,
      description: 'message',
      details: { severity: 'info', test: 'metadata' },
    });
    expect(server.requests[1]?.body).toBe(
      `{"message":"GitRepository/webapp","alias":"${alias}","description":"message","details":{"severity":"info"}}`,
    );
  });

  it('overwrites a metadata key named severity, sorts many keys, never changes the caller event', () => {
    const metadata = Object.fromEntries(
      ['zeta', 'severity', 'alpha', 'Beta', '_x', 'ümlaut'].map((key) => [key, `v-${key}`]),
    );
    const event: Event = { ...sampleEvent, metadata };
    const before = structuredClone(event);
    const alert = encodeOpsgenieAlert(event);
    expect(event).toEqual(before);
    expect(event.metadata).not.toHaveProperty('severity', 'error');
    expect(Object.entries(alert.details)).toEqual([
      ['Beta', 'v-Beta'],
      ['_x', 'v-_x'],
      ['alpha', 'v-alpha'],
      ['severity', 'error'],
      ['zeta', 'v-zeta'],
      ['ümlaut', 'v-ümlaut'],
    ]);
  });

  it('keeps an empty description, multi-line, unicode, Markdown and HTML text verbatim, never shortened', async () => {
    expect(encodeOpsgenieAlert({ ...sampleEvent, message: '' }).description).toBe('');
    const server = await receiver({ respondWith: { status: 202 } });
    const message = `line 1\nline 2 **bold** <b>&amp;</b> 🚀 日本語\n${'z'.repeat(20_000)}`;
    await notifier({ type: 'opsgenie', address: server.url, token: genieKey }, { providers }).post({
      ...sampleEvent,
      message,
    });
    const body = server.requests[0]?.body ?? '';
    expect(body).toBe(encodeOpsgeniePayload({ ...sampleEvent, message }));
    expect(body).toContain('\\u003cb\\u003e\\u0026amp;');
    expect(JSON.parse(body).description).toBe(message);
    expect(server.requests[0]?.bodyBytes.toString('utf8')).toContain('🚀 日本語');
  });

  it('takes the token from the Secret, trimmed', async () => {
    const server = await receiver({ respondWith: { status: 202 } });
    await notifier(
      {
        type: 'opsgenie',
        address: server.url,
        secret: { token: `  ${genieKey}\n` },
      },
      { providers },
    ).post(sampleEvent);
    const headers = server.requests[0]?.headers;
    expect(headers?.authorization).toBe(`GenieKey ${genieKey}`);
  });

  it('requires an absolute http(s) address and a token, naming the field', () => {
    const valid = { type: 'opsgenie', address: 'https://api.opsgenie.com/v2/alerts', token: genieKey };
    const cases: [Record<string, unknown>, RegExp][] = [
      [{ address: undefined }, /^invalid opsgenie provider spec: address: invalid Opsgenie hook URL /],
      [
        { address: 'invalid-url' },
        /^invalid opsgenie provider spec: address: invalid Opsgenie hook URL invalid-url: '/,
      ],
      [
        { address: 'mailto:ops@example.com' },
        /address: invalid Opsgenie hook URL mailto:ops@example.com: 'unsupported protocol scheme "mailto"/,
      ],
      [{ address: 'https://bad url :)' }, /address: invalid Opsgenie hook URL https:\/\/bad url :\): '/],
      [
        { address: 'https://user:pw@bad url' },
        /address: invalid Opsgenie hook URL https:\/\/<redacted>@bad url: '/,
      ],
      [{ token: undefined }, /^invalid opsgenie provider spec: token: empty Opsgenie apikey\/token/],
      [{ token: '  ' }, /^invalid opsgenie provider spec: token: empty Opsgenie apikey\/token/],
    ];
    for (const [change, message] of cases) {
      const spec = { ...valid, ...change } as Parameters<typeof createNotifier>[0];
      const attempt = () => createNotifier(spec, { providers });
      expect(attempt).toThrow(NotifierError);
      expect(attempt).toThrow(message);
    }
    expect(() =>
      createNotifier(
        { ...valid, address: 'https://user:pw@bad url' } as Parameters<typeof createNotifier>[0],
        { providers },
      ),
    ).not.toThrow(/pw/);
    expect(createNotifier(valid as Parameters<typeof createNotifier>[0], { providers }).type).toBe(
      'opsgenie',
    );
  });
});

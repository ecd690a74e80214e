import type { Event } from '@notiflux/core';
import { createNotifier, NotifierError } from '@notiflux/providers';
import { encodeRocketPayload, rocketProvider } from '@notiflux/providers/rocket';
import { describe, expect, it } from 'vitest';
import { useProviderHarness } from '../support/provider-harness.js';
import { rejection } from '../support/rejection.js';
import { sampleEvent, upstreamTestEvent } from '../support/sample-events.js';

const { receiver, notifier } = useProviderHarness();
const providers = [rocketProvider];
const HOOK = '/hooks/65f1a2b3/rocket-integration-secret';

/** Upstream's body for the sample event, channel `#flux`, username `flux-bot`. */
const sampleJson =
  '{"channel":"#flux","username":"flux-bot","icon_url":"","icon_emoji":"","attachments":[{"fallback":"","color":"#FF0000","author_name":"kustomization/webapp.apps","text":"service/apps/webapp validation error: spec.type: Unsupported value: Ingress","mrkdwn_in":["text"],"fields":[{"title":"revision","value":"main@sha1:731f7eaddfb6af01cb2173e18f0f75b0ba780ef1","short":false},{"title":"summary","value":"Cluster: prod-eu","short":false}]}]}';

type Payload = {
  channel: string;
  username: string;
  attachments: [
    {
      fallback: string;
      color: string;
      author_name: string;
      text: string;
      fields: { title: string; value: string }[];
    },
  ];
};
const payloadOf = (body: string | undefined) => JSON.parse(body ?? '') as Payload;

describe('rocket', () => {
  it('POSTs the Slack payload with hex colours to the address, byte for byte the spec sample', async () => {
    const server = await receiver();
    await notifier(
      { type: 'rocket', address: `${server.url}${HOOK}`, channel: '#flux', username: 'flux-bot' },
      { providers },
    ).post(sampleEvent);
    expect(server.requests).toHaveLength(1);
    const [request] = server.requests;
    expect(request?.method).toBe('POST');
    expect(request?.path).toBe(HOOK);
    expect(request?.headers['content-type']).toBe('application/json');
    expect(request?.headers.authorization).toBeUndefined();
    expect(request?.body).toBe(sampleJson);
  });

  it('sends empty channel and username when unset (no default), as upstream rocket_test.go', async () => {
    const server = await receiver();
    await notifier({ type: 'rocket', address: server.url }, { providers }).post(upstreamTestEvent);
    const payload = payloadOf(server.requests[0]?.body);
    expect(payload.channel).toBe('');
    expect(payload.username).toBe('');
    expect(payload.attachments[0].author_name).toBe('gitrepository/webapp.gitops-system');
    expect(payload.attachments[0].fields[0]?.value).toBe('metadata');
    expect(payload.attachments[0].color).toBe('#0076D7');
  });

  it('sends Basic auth from userinfo in the address', async () => {
    const server = await receiver();
    await notifier(
      { type: 'rocket', address: server.url.replace('://', '://u:p@') + HOOK },
      { providers },
    ).post(sampleEvent);
    expect(server.requests[0]?.headers.authorization).toBe(`Basic ${Buffer.from('u:p').toString('base64')}`);
  });

  it('formats info, trace, multi-line, unicode, markdown, no and many metadata', () => {
    const { metadata: _dropped, ...bare } = sampleEvent;
    const message = 'a <b> & c\n*second* line 🚀 ünï';
    const body = encodeRocketPayload({ ...bare, severity: 'trace', message }, {});
    expect(body).toContain('"fields":[]');
    expect(body).toContain('a \\u003cb\\u003e \\u0026 c\\n*second* line 🚀 ünï');
    expect(payloadOf(body).attachments[0]).toMatchObject({ color: '#0076D7', fallback: '', text: message });
    const many: Event = { ...sampleEvent, metadata: { zz: '1', aa: '2', bb: '3', AA: '4' } };
    expect(
      payloadOf(encodeRocketPayload(many, {})).attachments[0].fields.map((field) => field.title),
    ).toEqual(['AA', 'aa', 'bb', 'zz']);
    const long = 'z'.repeat(30_000);
    expect(payloadOf(encodeRocketPayload({ ...sampleEvent, message: long }, {})).attachments[0].text).toBe(
      long,
    );
  });

  it('does not inspect a 2xx body, and fails with HTTP_STATUS on 4xx without showing the token', async () => {
    const server = await receiver({
      respondWith: [
        { status: 200, body: '{"success": false, "error": "whatever"}' },
        { status: 403, body: '{"success":false,"error":"Invalid integration"}' },
      ],
    });
    const rocket = notifier({ type: 'rocket', address: `${server.url}${HOOK}` }, { providers });
    await rocket.post(sampleEvent);
    const error = await rejection(rocket.post(sampleEvent));
    expect(error).toMatchObject({ code: 'HTTP_STATUS', status: 403, retryable: false });
    expect(error.message).toContain('Invalid integration');
    expect(JSON.stringify({ message: error.message, cause: String(error.cause) })).not.toContain(
      'rocket-integration-secret',
    );
  });

  it('encodes the request with the integration path redacted', async () => {
    const rocket = createNotifier(
      { type: 'rocket', address: `https://chat.example.com${HOOK}`, channel: '#flux', username: 'flux-bot' },
      { providers },
    );
    expect(await rocket.encode(sampleEvent)).toEqual([
      {
        transport: 'http',
        method: 'POST',
        url: 'https://chat.example.com/<redacted>',
        headers: { 'Content-Type': 'application/json' },
        body: sampleJson,
      },
    ]);
  });

  it('requires an absolute http(s) address, naming the field', () => {
    for (const address of [undefined, '', 'chat.example.com/hooks/x', 'ftp://chat.example.com', '/hook']) {
      const attempt = () =>
        createNotifier({ type: 'rocket', ...(address === undefined ? {} : { address }) }, { providers });
      expect(attempt).toThrow(NotifierError);
      expect(attempt).toThrow(/^invalid rocket provider spec: address: /);
    }
  });
});

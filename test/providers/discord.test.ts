import type { Event } from '@notiflux/core';
import { createNotifier, NotifierError } from '@notiflux/providers';
import { discordProvider, discordSlackUrl, encodeDiscordPayload } from '@notiflux/providers/discord';
import { describe, expect, it } from 'vitest';
import { useProviderHarness } from '../support/provider-harness.js';
import { sampleEvent, upstreamTestEvent } from '../support/sample-events.js';

const { receiver, notifier } = useProviderHarness();
const providers = [discordProvider];
const WEBHOOK = '/api/webhooks/123456/discord-webhook-secret';

/** Upstream's body for the sample event, no username. */
const sampleJson =
  '{"channel":"","username":"kustomize-controller","icon_url":"","icon_emoji":"","attachments":[{"fallback":"","color":"danger","author_name":"kustomization/webapp.apps","text":"service/apps/webapp validation error: spec.type: Unsupported value: Ingress","mrkdwn_in":["text"],"fields":[{"title":"revision","value":"main@sha1:731f7eaddfb6af01cb2173e18f0f75b0ba780ef1","short":false},{"title":"summary","value":"Cluster: prod-eu","short":false}]}]}';

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

describe('discord', () => {
  it('POSTs the Slack payload to <webhook>/slack, byte for byte the spec sample', async () => {
    const server = await receiver();
    await notifier(
      { type: 'discord', address: `${server.url}${WEBHOOK}`, channel: 'ignored' },
      { providers },
    ).post(sampleEvent);
    expect(server.requests).toHaveLength(1);
    const [request] = server.requests;
    expect(request?.method).toBe('POST');
    expect(request?.path).toBe(`${WEBHOOK}/slack`);
    expect(request?.headers['content-type']).toBe('application/json');
    expect(request?.headers.authorization).toBeUndefined();
    expect(request?.body).toBe(sampleJson);
  });

  it('keeps the query, and does not append /slack twice', async () => {
    const server = await receiver();
    const discord = (address: string) => notifier({ type: 'discord', address }, { providers });
    await discord(`${server.url}${WEBHOOK}?wait=true`).post(sampleEvent);
    await discord(`${server.url}${WEBHOOK}/slack?wait=true`).post(sampleEvent);
    await discord(`${server.url}${WEBHOOK}/slack/`).post(sampleEvent);
    expect(server.requests.map((request) => request.path)).toEqual([
      `${WEBHOOK}/slack?wait=true`,
      `${WEBHOOK}/slack?wait=true`,
      `${WEBHOOK}/slack`,
    ]);
  });

  it('rewrites addresses as the spec examples show', () => {
    const base = 'https://discord.com/api/webhooks/123/abc';
    expect(discordSlackUrl(base)).toBe(`${base}/slack`);
    expect(discordSlackUrl(`${base}/`)).toBe(`${base}/slack`);
    expect(discordSlackUrl(`${base}/slack`)).toBe(`${base}/slack`);
    expect(discordSlackUrl(`${base}//x/../`)).toBe(`${base}/slack`);
    expect(discordSlackUrl('https://host')).toBe('https://host/slack');
  });

  it('matches upstream discord_test.go for its test event, with the username as author', async () => {
    const server = await receiver();
    await notifier(
      { type: 'discord', address: server.url, username: 'test', channel: 'test' },
      { providers },
    ).post(upstreamTestEvent);
    expect(server.requests[0]?.path).toBe('/slack');
    const payload = payloadOf(server.requests[0]?.body);
    expect(payload.attachments[0].author_name).toBe('gitrepository/webapp.gitops-system');
    expect(payload.attachments[0].fields[0]?.value).toBe('metadata');
    expect(payload.attachments[0].color).toBe('good');
    expect(payload.username).toBe('test');
    expect(payload.channel).toBe('');
  });

  it('formats info, multi-line, unicode, markdown, no and many metadata as the Slack payload', () => {
    const { metadata: _dropped, ...bare } = sampleEvent;
    const message = 'first <line> & *bold*\nsecond 🚀 ünï';
    const body = encodeDiscordPayload({ ...bare, severity: 'info', message }, {});
    expect(body).toContain('"fields":[]');
    expect(body).toContain('\\u003cline\\u003e \\u0026');
    const payload = payloadOf(body);
    expect(payload.attachments[0]).toMatchObject({ color: 'good', fallback: '', text: message });
    const many: Event = { ...sampleEvent, metadata: { z: '1', a: '2', M: '3' } };
    expect(
      payloadOf(encodeDiscordPayload(many, {})).attachments[0].fields.map((field) => field.title),
    ).toEqual(['M', 'a', 'z']);
    const long = 'y'.repeat(20_000);
    expect(payloadOf(encodeDiscordPayload({ ...sampleEvent, message: long }, {})).attachments[0].text).toBe(
      long,
    );
  });

  it('encodes the request with the webhook path redacted', async () => {
    const discord = createNotifier(
      { type: 'discord', address: `https://discord.com${WEBHOOK}` },
      { providers },
    );
    expect(await discord.encode(sampleEvent)).toEqual([
      {
        transport: 'http',
        method: 'POST',
        url: 'https://discord.com/<redacted>',
        headers: { 'Content-Type': 'application/json' },
        body: sampleJson,
      },
    ]);
  });

  it('requires an absolute http(s) address, naming the field', () => {
    for (const address of [undefined, '', 'discord.com/api/webhooks/1/x', 'ftp://discord.com', '/hook']) {
      const attempt = () =>
        createNotifier({ type: 'discord', ...(address === undefined ? {} : { address }) }, { providers });
      expect(attempt).toThrow(NotifierError);
      expect(attempt).toThrow(/^invalid discord provider spec: address: /);
    }
  });
});

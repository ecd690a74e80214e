import { stringifyLikeGo } from '@notiflux/core';
import { createNotifier, type Event, NotifierError } from '@notiflux/providers';
import {
  encodeGoogleChatPayload,
  escapeGoogleChatHtml,
  googlechatProvider,
} from '@notiflux/providers/googlechat';
import { describe, expect, it } from 'vitest';
import { useProviderHarness } from '../support/provider-harness.js';
import { sampleEvent, upstreamTestEvent } from '../support/sample-events.js';
import { createTestPki } from '../support/test-certificates.js';

const { receiver, notifier } = useProviderHarness();
const providers = [googlechatProvider];

const chatKey = 'AIzaSyDdI0hCZtE6vySjMm-WEfRq3CPzqKqqsHI';
const chatToken = 'q7ZyjP1uTuGcGhYQk9gN3xZfEwB8mJyAaLq_Pc8R2sU%3D';
const webhookPath = `/v1/spaces/AAAAbCdEfGh/messages?key=${chatKey}&token=${chatToken}`;

const sampleMessage = 'service/apps/webapp validation error: spec.type: Unsupported value: Ingress';

function card(
  sections: unknown[],
  header = { title: 'kustomization/webapp.apps', subtitle: 'kustomize-controller' },
) {
  // Go's encoding/json, as Flux sends it: `<` `>` `&` travel as \u003c \u003e \u0026.
  return stringifyLikeGo({
    cards: [{ header: { ...header, imageUrl: null, imageStyle: null }, sections }],
  });
}

function messageSection(text: string) {
  return { header: '', widgets: [{ textParagraph: { text }, keyValue: null }] };
}

function metadataSection(entries: [string, string][]) {
  return {
    header: '',
    widgets: entries.map(([topLabel, content]) => ({
      textParagraph: null,
      keyValue: { topLabel, content, contentMultiline: false, bottomLabel: null, icon: null },
    })),
  };
}

const sampleMetadataSection = metadataSection([
  ['revision', 'main@sha1:731f7eaddfb6af01cb2173e18f0f75b0ba780ef1'],
  ['summary', 'Cluster: prod-eu'],
]);

const sampleCard = card([
  messageSection(`<font color="#ff0000">${sampleMessage}</font>`),
  sampleMetadataSection,
]);

describe('googlechat', () => {
  it('POSTs a v1 card to the space webhook, query kept, JSON only', async () => {
    const server = await receiver({
      respondWith: { status: 200, body: '{"name":"spaces/AAAAbCdEfGh/messages/1"}' },
    });
    await notifier({ type: 'googlechat', address: `${server.url}${webhookPath}` }, { providers }).post(
      sampleEvent,
    );
    expect(server.requests).toHaveLength(1);
    const [request] = server.requests;
    expect(request?.method).toBe('POST');
    expect(request?.path).toBe(webhookPath);
    expect(request?.headers['content-type']).toBe('application/json');
    expect(request?.headers.authorization).toBeUndefined();
    expect(request?.body).toBe(sampleCard);
    expect(request?.body).toContain('"text":"\\u003cfont color=\\"#ff0000\\"\\u003e');
    expect(JSON.parse(request?.body ?? '').cards[0].sections[0].widgets[0].textParagraph.text).toBe(
      `<font color="#ff0000">${sampleMessage}</font>`,
    );
  });

  it('matches the upstream test: info message without a font tag, controller as subtitle', async () => {
    const server = await receiver();
    await notifier({ type: 'googlechat', address: `${server.url}${webhookPath}` }, { providers }).post(
      upstreamTestEvent,
    );
    const payload = JSON.parse(server.requests[0]?.body ?? '');
    expect(payload.cards[0].header.title).toBe('gitrepository/webapp.gitops-system');
    expect(payload.cards[0].header.subtitle).toBe('source-controller');
    expect(payload.cards[0].sections[0].widgets[0].textParagraph.text).toBe('message');
    expect(payload.cards[0].sections[1].widgets[0].keyValue.topLabel).toBe('test');
    expect(payload.cards[0].sections[1].widgets[0].keyValue.content).toBe('metadata');
    expect(server.requests[0]?.body).toBe(
      card([messageSection('message'), metadataSection([['test', 'metadata']])], {
        title: 'gitrepository/webapp.gitops-system',
        subtitle: 'source-controller',
      }),
    );
  });

  it('shows info and trace messages bare', () => {
    for (const severity of ['info', 'trace'] as const) {
      expect(encodeGoogleChatPayload({ ...sampleEvent, severity })).toBe(
        card([messageSection(sampleMessage), sampleMetadataSection]),
      );
    }
  });

  it('has a single section when there is no metadata', () => {
    const expected = card([messageSection(`<font color="#ff0000">${sampleMessage}</font>`)]);
    expect(encodeGoogleChatPayload({ ...sampleEvent, metadata: undefined })).toBe(expected);
    expect(encodeGoogleChatPayload({ ...sampleEvent, metadata: {} })).toBe(expected);
  });

  it('HTML-escapes the message and metadata, inside the red font tag for errors', async () => {
    const server = await receiver();
    const chat = notifier({ type: 'googlechat', address: `${server.url}${webhookPath}` }, { providers });
    const metadata = { 'a<b>': 'image: <none> & "latest"' };
    await chat.post({ ...sampleEvent, message: 'pod <none> & <b>bold</b> "quoted"', metadata });
    await chat.post({ ...sampleEvent, severity: 'info', message: 'x < y && y > z' });
    expect(server.requests[0]?.body).toBe(
      card([
        messageSection(
          '<font color="#ff0000">pod &lt;none&gt; &amp; &lt;b&gt;bold&lt;/b&gt; "quoted"</font>',
        ),
        metadataSection([['a&lt;b&gt;', 'image: &lt;none&gt; &amp; "latest"']]),
      ]),
    );
    expect(
      JSON.parse(server.requests[1]?.body ?? '').cards[0].sections[0].widgets[0].textParagraph.text,
    ).toBe('x &lt; y &amp;&amp; y &gt; z');
    expect(escapeGoogleChatHtml('&amp; <>')).toBe('&amp;amp; &lt;&gt;');
  });

  it('keeps multi-line and unicode text, Markdown characters as they are, and never shortens', () => {
    const message = `line 1\nline 2 *bold* _it_ \`code\` 🚀 日本語 ✓\n${'y'.repeat(40_000)}`;
    const event: Event = { ...sampleEvent, severity: 'info', message, metadata: { ключ: 'значение\nзwei' } };
    const payload = JSON.parse(encodeGoogleChatPayload(event));
    expect(payload.cards[0].sections[0].widgets[0].textParagraph.text).toBe(message);
    expect(payload.cards[0].sections[1].widgets[0].keyValue).toMatchObject({
      topLabel: 'ключ',
      content: 'значение\nзwei',
    });
  });

  it('sorts many metadata entries by key, one widget each', () => {
    const metadata = Object.fromEntries(
      ['zeta', 'summary', 'alpha', 'Beta', '_x', 'revision', 'ümlaut'].map((key) => [key, `v-${key}`]),
    );
    const payload = JSON.parse(encodeGoogleChatPayload({ ...sampleEvent, metadata }));
    const labels = payload.cards[0].sections[1].widgets.map(
      (widget: { keyValue: { topLabel: string } }) => widget.keyValue.topLabel,
    );
    expect(labels).toEqual(['Beta', '_x', 'alpha', 'revision', 'summary', 'zeta', 'ümlaut']);
  });

  it('honours secret.address', async () => {
    const server = await receiver();
    await notifier(
      {
        type: 'googlechat',
        address: 'https://chat.googleapis.com/v1/spaces/unused/messages',
        secret: { address: `${server.url}${webhookPath}` },
      },
      { providers },
    ).post(sampleEvent);
    expect(server.requests[0]?.path).toBe(webhookPath);
  });

  it('honours tls (a custom CA and a client certificate), which upstream does not pass', async () => {
    const pki = await createTestPki();
    const server = await receiver({ tls: { ...pki.server, requestCert: true, ca: pki.ca.cert } });
    await notifier(
      {
        type: 'googlechat',
        address: `${server.url}${webhookPath}`,
        tls: { ca: pki.ca.cert, cert: pki.client.cert, key: pki.client.key },
      },
      { providers },
    ).post(sampleEvent);
    expect(server.requests[0]?.body).toBe(sampleCard);
    expect(server.requests[0]?.clientCertAuthorized).toBe(true);
  });

  it('encodes without sending, the key and token redacted', async () => {
    const chat = createNotifier(
      { type: 'googlechat', address: `https://chat.googleapis.com${webhookPath}` },
      { providers },
    );
    const encoded = await chat.encode(sampleEvent);
    expect(encoded).toEqual([
      {
        transport: 'http',
        method: 'POST',
        url: 'https://chat.googleapis.com/<redacted>',
        headers: { 'Content-Type': 'application/json' },
        body: sampleCard,
      },
    ]);
    expect(JSON.stringify(encoded)).not.toContain(chatKey);
  });

  it('requires an absolute http(s) address, naming the field', () => {
    for (const address of [
      undefined,
      '',
      'chat.googleapis.com/v1/spaces/x/messages',
      'ftp://chat.googleapis.com',
      '/x',
    ]) {
      const attempt = () =>
        createNotifier({ type: 'googlechat', ...(address === undefined ? {} : { address }) }, { providers });
      expect(attempt).toThrow(NotifierError);
      expect(attempt).toThrow(/^invalid googlechat provider spec: address: /);
    }
  });
});

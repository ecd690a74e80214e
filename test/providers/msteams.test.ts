import { createNotifier, type Event, NotifierError } from '@notiflux/providers';
import {
  encodeMSTeamsAdaptiveCard,
  encodeMSTeamsMessageCard,
  msteamsCardFormat,
  msteamsProvider,
} from '@notiflux/providers/msteams';
import { Agent, buildConnector } from 'undici';
import { afterEach, describe, expect, it } from 'vitest';
import { useProviderHarness } from '../support/provider-harness.js';
import { sampleEvent, upstreamTestEvent } from '../support/sample-events.js';

const { receiver, notifier } = useProviderHarness();
const providers = [msteamsProvider];

const sig = 'Zm9vYmFyLXNoYXJlZC1hY2Nlc3Mtc2lnbmF0dXJl';
const workflowsPath = `/workflows/8f2c1e/triggers/manual/paths/invoke?api-version=2016-06-01&sp=%2Ftriggers%2Fmanual%2Frun&sv=1.0&sig=${sig}`;
const connectorSecret = 'c0nnect0r5ecret';
const connectorPath = `/webhookb2/1a2b@3c4d/IncomingWebhook/${connectorSecret}/5e6f`;

const agents: Agent[] = [];
afterEach(async () => {
  for (const agent of agents.splice(0)) await agent.close();
});

/** An undici dispatcher that sends every request, whatever its host, to the local receiver. */
function routeTo(port: number): Agent {
  const connect = buildConnector({});
  const agent = new Agent({
    connect: (options, callback) =>
      connect({ ...options, hostname: '127.0.0.1', port: String(port) }, callback),
  });
  agents.push(agent);
  return agent;
}

function adaptiveCard(items: unknown[]): string {
  return JSON.stringify({
    type: 'message',
    attachments: [
      {
        contentType: 'application/vnd.microsoft.card.adaptive',
        content: {
          $schema: 'http://adaptivecards.io/schemas/adaptive-card.json',
          type: 'AdaptiveCard',
          version: '1.4',
          body: [{ type: 'Container', items }],
          msteams: { width: 'Full' },
        },
      },
    ],
  });
}

const sampleTitleBlock = {
  type: 'TextBlock',
  text: 'kustomization/webapp.apps',
  size: 'large',
  weight: 'bolder',
  wrap: true,
};

const sampleAdaptiveCard = adaptiveCard([
  sampleTitleBlock,
  {
    type: 'TextBlock',
    text: 'service/apps/webapp validation error: spec.type: Unsupported value: Ingress',
    color: 'attention',
    wrap: true,
  },
  {
    type: 'FactSet',
    facts: [
      { title: 'summary', value: 'Cluster: prod-eu' },
      { title: 'revision', value: 'main@sha1:731f7eaddfb6af01cb2173e18f0f75b0ba780ef1' },
    ],
  },
]);

const sampleMessageCard = JSON.stringify({
  '@type': 'MessageCard',
  '@context': 'http://schema.org/extensions',
  themeColor: 'FF0000',
  summary: 'kustomization/webapp.apps',
  sections: [
    {
      activityTitle: 'service/apps/webapp validation error: spec.type: Unsupported value: Ingress',
      activitySubtitle: 'kustomization/webapp.apps',
      facts: [
        { name: 'revision', value: 'main@sha1:731f7eaddfb6af01cb2173e18f0f75b0ba780ef1' },
        { name: 'summary', value: 'Cluster: prod-eu' },
      ],
    },
  ],
});

/** The Adaptive Card's items, parsed back from a body. */
function cardItems(body: string | undefined): Record<string, unknown>[] {
  return JSON.parse(body ?? '').attachments[0].content.body[0].items;
}

describe('msteams', () => {
  it('POSTs an Adaptive Card to a Workflows URL, query kept, JSON only', async () => {
    const server = await receiver();
    await notifier({ type: 'msteams', address: `${server.url}${workflowsPath}` }, { providers }).post(
      sampleEvent,
    );
    expect(server.requests).toHaveLength(1);
    const [request] = server.requests;
    expect(request?.method).toBe('POST');
    expect(request?.path).toBe(workflowsPath);
    expect(request?.headers['content-type']).toBe('application/json');
    expect(request?.headers.authorization).toBeUndefined();
    expect(request?.body).toBe(sampleAdaptiveCard);
  });

  it('sends the Adaptive Card of the upstream test byte for byte (info: no colour)', async () => {
    const server = await receiver();
    await notifier({ type: 'msteams', address: `${server.url}${workflowsPath}` }, { providers }).post(
      upstreamTestEvent,
    );
    expect(server.requests[0]?.body).toBe(
      '{"type":"message","attachments":[{"contentType":"application/vnd.microsoft.card.adaptive","content":{"$schema":"http://adaptivecards.io/schemas/adaptive-card.json","type":"AdaptiveCard","version":"1.4","body":[{"type":"Container","items":[{"type":"TextBlock","text":"gitrepository/webapp.gitops-system","size":"large","weight":"bolder","wrap":true},{"type":"TextBlock","text":"message","wrap":true},{"type":"FactSet","facts":[{"title":"test","value":"metadata"}]}]}],"msteams":{"width":"Full"}}}]}',
    );
  });

  it('POSTs a MessageCard to a legacy connector host (*.webhook.office.com)', async () => {
    const server = await receiver({ respondWith: { status: 200, body: '1' } });
    const teams = notifier(
      { type: 'msteams', address: `http://acme.webhook.office.com${connectorPath}` },
      { providers, dispatcher: routeTo(server.port) },
    );
    await teams.post(sampleEvent);
    const [request] = server.requests;
    expect(request?.method).toBe('POST');
    expect(request?.headers.host).toBe('acme.webhook.office.com');
    expect(request?.path).toBe(connectorPath);
    expect(request?.headers['content-type']).toBe('application/json');
    expect(request?.body).toBe(sampleMessageCard);

    await teams.post(upstreamTestEvent);
    const card = JSON.parse(server.requests[1]?.body ?? '');
    expect(card.themeColor).toBe('0076D7');
    expect(card.sections[0].activitySubtitle).toBe('gitrepository/webapp.gitops-system');
    expect(card.sections[0].facts).toEqual([{ name: 'test', value: 'metadata' }]);
  });

  it.each([
    ['https://xxx.webhook.office.com', 'message-card'],
    ['https://xxx.webhook.office.com:443', 'message-card'],
    [`https://Contoso.WEBHOOK.Office.com${connectorPath}`, 'message-card'],
    [`https://contoso.webhook.office.com:8443${connectorPath}`, 'message-card'],
    ['https://xxx-webhook.office.com', 'adaptive-card'],
    ['https://webhook.office.com/webhookb2/x', 'adaptive-card'],
    ['https://xxx.webhook.office.com.example.net/webhookb2/x', 'adaptive-card'],
    [
      'https://prod-28.northeurope.logic.azure.com:443/workflows/xxx/triggers/manual/paths/invoke',
      'adaptive-card',
    ],
    [
      `https://prod-28.northeurope.logic.azure.com:443/workflows/xxx/triggers/manual/paths/invoke?api-version=2016-06-01&sp=%2Ftriggers%2Fmanual%2Frun&sv=1.0&sig=${sig}`,
      'adaptive-card',
    ],
    [
      `https://default0123456789abcdef.ab.environment.api.powerplatform.com:443/powerautomate/automations/direct/workflows/9f8e7d/triggers/manual/paths/invoke?api-version=1&sp=%2Ftriggers%2Fmanual%2Frun&sv=1.0&sig=${sig}`,
      'adaptive-card',
    ],
    [
      `https://default0123456789abcdef.ab.environment.api.powerplatform.com/workflows/9f8e7d/triggers/manual/paths/invoke?api-version=1&sig=${sig}`,
      'adaptive-card',
    ],
  ] as const)('picks the card format by host: %s → %s', async (address, format) => {
    expect(msteamsCardFormat(address)).toBe(format);
    const [message] = await createNotifier({ type: 'msteams', address }, { providers }).encode(sampleEvent);
    expect(message?.transport === 'http' && message.body).toBe(
      format === 'message-card' ? sampleMessageCard : sampleAdaptiveCard,
    );
  });

  it('uses the same card for info and trace: blue MessageCard, no colour in the Adaptive Card', () => {
    for (const severity of ['info', 'trace'] as const) {
      const event: Event = { ...sampleEvent, severity };
      expect(JSON.parse(encodeMSTeamsMessageCard(event)).themeColor).toBe('0076D7');
      expect(cardItems(encodeMSTeamsAdaptiveCard(event))[1]).toEqual({
        type: 'TextBlock',
        text: 'service/apps/webapp validation error: spec.type: Unsupported value: Ingress',
        wrap: true,
      });
    }
  });

  it('without metadata: empty facts in the MessageCard, a bare FactSet in the Adaptive Card', () => {
    const event: Event = { ...sampleEvent, metadata: undefined };
    expect(JSON.parse(encodeMSTeamsMessageCard(event)).sections[0].facts).toEqual([]);
    expect(encodeMSTeamsAdaptiveCard({ ...event, metadata: {} })).toBe(
      adaptiveCard([
        sampleTitleBlock,
        {
          type: 'TextBlock',
          text: 'service/apps/webapp validation error: spec.type: Unsupported value: Ingress',
          color: 'attention',
          wrap: true,
        },
        { type: 'FactSet' },
      ]),
    );
  });

  it('leaves out the text of an empty message in the Adaptive Card', () => {
    expect(cardItems(encodeMSTeamsAdaptiveCard({ ...sampleEvent, message: '' }))[1]).toEqual({
      type: 'TextBlock',
      color: 'attention',
      wrap: true,
    });
    expect(
      JSON.parse(encodeMSTeamsMessageCard({ ...sampleEvent, message: '' })).sections[0].activityTitle,
    ).toBe('');
  });

  it('orders many metadata keys: summary first in the Adaptive Card, all by key in the MessageCard', () => {
    const metadata = { zeta: '26', summary: 'Cluster: prod-eu', alpha: '1', Beta: '2', ümlaut: 'ü', _x: 'x' };
    const event: Event = { ...sampleEvent, metadata };
    const adaptiveFacts = cardItems(encodeMSTeamsAdaptiveCard(event))[2]?.facts as { title: string }[];
    expect(adaptiveFacts.map((fact) => fact.title)).toEqual([
      'summary',
      'Beta',
      '_x',
      'alpha',
      'zeta',
      'ümlaut',
    ]);
    const messageFacts = JSON.parse(encodeMSTeamsMessageCard(event)).sections[0].facts as { name: string }[];
    expect(messageFacts.map((fact) => fact.name)).toEqual([
      'Beta',
      '_x',
      'alpha',
      'summary',
      'zeta',
      'ümlaut',
    ]);
  });

  it('inserts multi-line, unicode, Markdown and HTML text verbatim and never shortens it', async () => {
    const server = await receiver();
    const message = `line 1\nline 2 **bold** _it_ <b>&amp;</b> [link](https://x) 🚀 日本語\n${'x'.repeat(40_000)}`;
    await notifier({ type: 'msteams', address: `${server.url}${workflowsPath}` }, { providers }).post({
      ...sampleEvent,
      message,
      metadata: { 'key <&>': 'value *with* `code`\nand a newline' },
    });
    const items = cardItems(server.requests[0]?.body);
    expect(items[1]?.text).toBe(message);
    expect(items[2]?.facts).toEqual([{ title: 'key <&>', value: 'value *with* `code`\nand a newline' }]);
    expect(JSON.parse(encodeMSTeamsMessageCard({ ...sampleEvent, message })).sections[0].activityTitle).toBe(
      message,
    );
  });

  it('takes the address from the Secret', async () => {
    const server = await receiver();
    await notifier(
      {
        type: 'msteams',
        address: 'https://unused.example.com/hook',
        secret: { address: `${server.url}${workflowsPath}` },
      },
      { providers },
    ).post(sampleEvent);
    expect(server.requests[0]?.path).toBe(workflowsPath);
  });

  it('encodes without sending, the URL path and query redacted', async () => {
    const teams = createNotifier(
      {
        type: 'msteams',
        address: `https://prod-28.northeurope.logic.azure.com:443${workflowsPath}`,
        headers: { 'X-Cluster': 'prod-eu' },
      },
      { providers },
    );
    expect(await teams.encode(sampleEvent)).toEqual([
      {
        transport: 'http',
        method: 'POST',
        url: 'https://prod-28.northeurope.logic.azure.com/<redacted>',
        headers: { 'X-Cluster': 'prod-eu', 'Content-Type': 'application/json' },
        body: sampleAdaptiveCard,
      },
    ]);
    const legacy = createNotifier(
      { type: 'msteams', address: `https://acme.webhook.office.com${connectorPath}` },
      { providers },
    );
    const [message] = await legacy.encode(sampleEvent);
    expect(message).toMatchObject({
      url: 'https://acme.webhook.office.com/<redacted>',
      body: sampleMessageCard,
    });
    expect(JSON.stringify(message)).not.toContain(connectorSecret);
  });

  it('requires an absolute http(s) address, naming the field', () => {
    for (const address of [
      undefined,
      '',
      'acme.webhook.office.com/webhookb2/x',
      'ftp://acme.webhook.office.com',
      '/hook',
    ]) {
      const attempt = () =>
        createNotifier({ type: 'msteams', ...(address === undefined ? {} : { address }) }, { providers });
      expect(attempt).toThrow(NotifierError);
      expect(attempt).toThrow(/^invalid msteams provider spec: address: /);
    }
  });
});

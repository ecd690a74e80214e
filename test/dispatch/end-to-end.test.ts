import { createDispatcher, type Dispatcher, type Manifests } from '@notiflux/dispatch';
import { verify } from '@notiflux/hmac';
import { encodeFluxEventJson } from '@notiflux/providers';
import { afterEach, describe, expect, it } from 'vitest';
import {
  type RecordedRequest,
  type RecordingServer,
  type ScriptedResponse,
  startRecordingServer,
} from '../support/recording-server.js';
import { sampleEvent } from '../support/sample-events.js';
import { alert, manifests, provider, rawErrorEvent, secret } from './manifest-builders.js';

const cleanups: (() => Promise<unknown>)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

async function server(
  respondWith?: (request: RecordedRequest) => ScriptedResponse,
): Promise<RecordingServer> {
  const started = await startRecordingServer(respondWith ? { respondWith } : {});
  cleanups.push(() => started.close());
  return started;
}

function dispatcherFor(config: Manifests): Dispatcher {
  const dispatcher = createDispatcher(config);
  cleanups.push(() => dispatcher.close());
  return dispatcher;
}

const webappAlert = (providerName: string, extra: object = {}) =>
  alert(
    providerName,
    {
      providerRef: { name: providerName },
      eventSources: [{ kind: 'Kustomization', name: 'webapp' }],
      ...extra,
    },
    'apps',
  );

describe('end to end: manifests and a raw controller event to the exact request', () => {
  it('slack (webhook): the attachment payload of the processed sample event', async () => {
    const slack = await server();
    const dispatcher = dispatcherFor(
      manifests({
        providers: [
          provider('slack', { type: 'slack', channel: 'general', secretRef: { name: 'slack-url' } }, 'apps'),
        ],
        alerts: [webappAlert('slack')],
        secrets: [secret('slack-url', { address: `${slack.url}/services/T000/B000/XXXX` }, 'apps')],
      }),
    );
    await dispatcher.dispatch(rawErrorEvent);
    await dispatcher.drain();
    expect(slack.requests).toHaveLength(1);
    const [request] = slack.requests;
    expect(request?.path).toBe('/services/T000/B000/XXXX');
    expect(request?.body).toBe(
      '{"channel":"general","username":"kustomize-controller","icon_url":"","icon_emoji":"","attachments":[{"fallback":"kustomization/webapp.apps: service/apps/webapp validation error: spec.type: Unsupported value: Ingress","color":"danger","author_name":"kustomization/webapp.apps","text":"service/apps/webapp validation error: spec.type: Unsupported value: Ingress","mrkdwn_in":["text"],"fields":[{"title":"revision","value":"main@sha1:731f7eaddfb6af01cb2173e18f0f75b0ba780ef1","short":false},{"title":"summary","value":"Cluster: prod-eu","short":false}]}]}',
    );
  });

  it('generic-hmac: the canonical event JSON, signed with the Secret token', async () => {
    const receiver = await server();
    const dispatcher = dispatcherFor(
      manifests({
        providers: [
          provider(
            'signed',
            { type: 'generic-hmac', address: `${receiver.url}/flux`, secretRef: { name: 'hmac' } },
            'apps',
          ),
        ],
        alerts: [webappAlert('signed')],
        secrets: [secret('hmac', { token: 'shared-hmac-key' }, 'apps')],
      }),
    );
    await dispatcher.dispatch(rawErrorEvent);
    await dispatcher.drain();
    const [request] = receiver.requests;
    expect(request?.body).toBe(encodeFluxEventJson(sampleEvent));
    expect(request?.headers['x-signature']).toMatch(/^sha256=[0-9a-f]{64}$/);
    expect(
      verify(request?.headers['x-signature'] ?? '', request?.bodyBytes ?? Buffer.alloc(0), 'shared-hmac-key'),
    ).toBe(true);
    expect(
      verify(request?.headers['x-signature'] ?? '', request?.bodyBytes ?? Buffer.alloc(0), 'another-key'),
    ).toBe(false);
  });

  it('github (Enterprise address): a commit status with the id of commitStatusExpr', async () => {
    const sha = '731f7eaddfb6af01cb2173e18f0f75b0ba780ef1';
    const api = await server((request) => {
      const json = (status: number, body: unknown) => ({
        status,
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify(body),
      });
      if (request.method === 'GET' && request.path.startsWith('/api/v3/repos/my-org/my-repo/commits/'))
        return json(200, []);
      if (request.method === 'POST' && request.path.startsWith('/api/v3/repos/my-org/my-repo/statuses/'))
        return json(201, { id: 1 });
      return json(404, { message: 'Not Found' });
    });
    const dispatcher = dispatcherFor(
      manifests({
        providers: [
          provider(
            'github',
            {
              type: 'github',
              address: `${api.url}/my-org/my-repo`,
              secretRef: { name: 'github-token' },
              commitStatusExpr:
                "event.involvedObject.kind + '/' + event.involvedObject.name + '/' + event.metadata.env",
            },
            'apps',
            '0c9c2e41-d2f9-4f9b-9c41-bebc1984d67a',
          ),
        ],
        alerts: [webappAlert('github', { eventMetadata: { env: 'prod' } })],
        secrets: [secret('github-token', { token: 'ghp_secret' }, 'apps')],
      }),
    );
    const update = {
      ...rawErrorEvent,
      severity: 'info' as const,
      reason: 'ReconciliationSucceeded',
      message: 'Reconciliation finished in 2.173s, next run in 10m0s',
      metadata: {
        'kustomize.toolkit.fluxcd.io/commit_status': 'update',
        'kustomize.toolkit.fluxcd.io/revision': `main@sha1:${sha}`,
      },
    };
    const result = await dispatcher.dispatch(update);
    expect(result.status === 'accepted' && result.deliveries[0]?.state).toBe('queued');
    await dispatcher.drain();
    expect(api.requests.map((r) => `${r.method} ${r.path}`)).toEqual([
      `GET /api/v3/repos/my-org/my-repo/commits/${sha}/statuses?per_page=50`,
      `POST /api/v3/repos/my-org/my-repo/statuses/${sha}`,
    ]);
    const created = api.requests[1];
    expect(created?.headers.authorization).toMatch(/ghp_secret/);
    expect(JSON.parse(created?.body ?? '')).toEqual({
      state: 'success',
      context: 'Kustomization/webapp/prod',
      description: 'reconciliation succeeded',
    });
  });
});

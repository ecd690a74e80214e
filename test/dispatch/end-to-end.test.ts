import { createDispatcher, type Dispatcher, loadManifests } from '@notiflux/dispatch';
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
import { rawErrorEvent } from './manifest-builders.js';

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

function dispatcherFor(yaml: string): Dispatcher {
  const dispatcher = createDispatcher(loadManifests(yaml, { namespace: 'apps', file: 'flux-alerts.yaml' }));
  cleanups.push(() => dispatcher.close());
  return dispatcher;
}

/** An Alert on Kustomization `webapp` for Provider `name`, as Flux users write it. */
const webappAlert = (name: string, extra = '') => `
apiVersion: notification.toolkit.fluxcd.io/v1beta3
kind: Alert
metadata:
  name: ${name}
spec:
  providerRef:
    name: ${name}
  eventSources:
    - kind: Kustomization
      name: webapp
${extra}`;

describe('end to end: YAML and a raw controller event to the exact request', () => {
  it('slack (webhook): the attachment payload of the processed sample event', async () => {
    const slack = await server();
    const dispatcher = dispatcherFor(`
apiVersion: notification.toolkit.fluxcd.io/v1beta3
kind: Provider
metadata:
  name: slack
spec:
  type: slack
  channel: general
  secretRef:
    name: slack-url
---
apiVersion: v1
kind: Secret
metadata:
  name: slack-url
stringData:
  address: ${slack.url}/services/T000/B000/XXXX
---${webappAlert('slack')}`);
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
    const dispatcher = dispatcherFor(`
apiVersion: notification.toolkit.fluxcd.io/v1beta3
kind: Provider
metadata:
  name: signed
spec:
  type: generic-hmac
  address: ${receiver.url}/flux
  secretRef:
    name: hmac
---
apiVersion: v1
kind: Secret
metadata:
  name: hmac
data:
  token: ${Buffer.from('shared-hmac-key').toString('base64')}
---${webappAlert('signed')}`);
    await dispatcher.dispatch(rawErrorEvent);
    await dispatcher.drain();
    const [request] = receiver.requests;
    expect(request?.body).toBe(encodeFluxEventJson(sampleEvent));
    const signature = request?.headers['x-signature'] ?? '';
    expect(signature).toMatch(/^sha256=[0-9a-f]{64}$/);
    expect(verify(signature, request?.bodyBytes ?? Buffer.alloc(0), 'shared-hmac-key')).toBe(true);
    expect(verify(signature, request?.bodyBytes ?? Buffer.alloc(0), 'another-key')).toBe(false);
  });

  it('github (Enterprise address): a commit status with the id of commitStatusExpr', async () => {
    const sha = '731f7eaddfb6af01cb2173e18f0f75b0ba780ef1';
    const json = (status: number, body: unknown): ScriptedResponse => ({
      status,
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(body),
    });
    const api = await server((request) => {
      if (request.method === 'GET' && request.path.startsWith('/api/v3/repos/my-org/my-repo/commits/'))
        return json(200, []);
      if (request.method === 'POST' && request.path.startsWith('/api/v3/repos/my-org/my-repo/statuses/'))
        return json(201, { id: 1 });
      return json(404, { message: 'Not Found' });
    });
    const dispatcher = dispatcherFor(`
apiVersion: notification.toolkit.fluxcd.io/v1beta3
kind: Provider
metadata:
  name: github
  uid: 0c9c2e41-d2f9-4f9b-9c41-bebc1984d67a
spec:
  type: github
  address: ${api.url}/my-org/my-repo
  secretRef:
    name: github-token
  commitStatusExpr: "event.involvedObject.kind + '/' + event.involvedObject.name + '/' + event.metadata.env"
---
apiVersion: v1
kind: Secret
metadata:
  name: github-token
stringData:
  token: ghp_secret
---${webappAlert('github', '  eventMetadata:\n    env: prod')}`);
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

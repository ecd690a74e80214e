import { createDispatcher, type DeliveryReport, loadManifests, memoryQueue } from '@notiflux/dispatch';
import { afterEach, describe, expect, it } from 'vitest';
import {
  type RecordedRequest,
  type RecordingServer,
  startRecordingServer,
} from '../support/recording-server.js';
import { rawErrorEvent } from './manifest-builders.js';

const servers: RecordingServer[] = [];
afterEach(async () => {
  await Promise.all(servers.splice(0).map((server) => server.close()));
});

const sha = '731f7eaddfb6af01cb2173e18f0f75b0ba780ef1';

describe('a retried commit status never overwrites a newer one', () => {
  it('drops the older delivery as superseded once the newer one for that commit and id is delivered', async () => {
    let failNextCreate = true;
    const api = await startRecordingServer({
      respondWith: (request: RecordedRequest) => {
        const json = (status: number, body: unknown) => ({
          status,
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify(body),
        });
        if (request.method === 'GET') return json(200, []);
        if (failNextCreate) {
          failNextCreate = false;
          return json(503, { message: 'unavailable' });
        }
        return json(201, { id: 1 });
      },
    });
    servers.push(api);
    // The queue's retry timer fires only when the test says so.
    const pending: (() => void)[] = [];
    const queue = memoryQueue({
      schedule: [1_000],
      random: () => 0.5,
      timers: {
        setTimeout: (callback) => pending.push(callback),
        clearTimeout: () => undefined,
      },
    });
    const manifests = loadManifests(
      `apiVersion: notification.toolkit.fluxcd.io/v1beta3
kind: Provider
metadata:
  name: github
spec:
  type: github
  address: ${api.url}/my-org/my-repo
  timeout: 1s
  secretRef:
    name: token
---
apiVersion: v1
kind: Secret
metadata:
  name: token
stringData:
  token: ghp_x
---
apiVersion: notification.toolkit.fluxcd.io/v1beta3
kind: Alert
metadata:
  name: github
spec:
  providerRef:
    name: github
  eventSources:
    - kind: Kustomization
      name: webapp
`,
      { namespace: 'apps' },
    );
    const dispatcher = createDispatcher(manifests, { queue, rateLimit: { intervalMs: 0 } });
    const reports: DeliveryReport[] = [];
    const reported = (count: number) =>
      new Promise<void>((resolve) => {
        const check = () => (reports.length >= count ? resolve() : setTimeout(check, 5));
        check();
      });
    dispatcher.on('delivery', (report) => reports.push(report));
    const at = (timestamp: string, message: string) => ({
      ...rawErrorEvent,
      timestamp,
      message,
      metadata: { 'kustomize.toolkit.fluxcd.io/revision': `main@sha1:${sha}` },
    });

    await dispatcher.dispatch(at('2024-05-01T10:00:00Z', 'older failure'));
    // The older post fails (503, and no retry fits in its 1 s timeout): a queue retry waits.
    while (pending.length === 0) await new Promise((resolve) => setTimeout(resolve, 5));
    await dispatcher.dispatch(at('2024-05-01T10:05:00Z', 'newer failure'));
    await reported(1);
    expect(reports[0]).toMatchObject({ state: 'delivered' });
    expect(reports[0]?.event?.timestamp).toBe('2024-05-01T10:05:00Z');

    for (const fire of pending.splice(0)) fire();
    await reported(2);
    expect(reports[1]).toMatchObject({ state: 'dropped', reason: 'superseded' });
    expect(reports[1]?.event?.timestamp).toBe('2024-05-01T10:00:00Z');
    const creates = api.requests.filter((request) => request.method === 'POST');
    expect(creates.map((request) => JSON.parse(request.body).description)).toEqual([
      'validation failed',
      'validation failed',
    ]);
    expect(creates).toHaveLength(2); // the failed older one and the newer one; the retry never posted
    await dispatcher.close();
  });
});

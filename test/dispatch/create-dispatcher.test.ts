import { createDispatcher, loadManifests, ManifestError, type ManifestIssue } from '@notiflux/dispatch';
import { afterEach, describe, expect, it } from 'vitest';
import { type RecordingServer, startRecordingServer } from '../support/recording-server.js';
import { alert, manifests, provider, rawErrorEvent, rawEvent } from './manifest-builders.js';
import { recordingQueue } from './recording-queue.js';

const servers: RecordingServer[] = [];
afterEach(async () => {
  await Promise.all(servers.splice(0).map((server) => server.close()));
});

function issuesOf(build: () => unknown): ManifestIssue[] {
  try {
    build();
  } catch (error) {
    if (error instanceof ManifestError) return [...error.issues];
    throw error;
  }
  throw new Error('expected a ManifestError');
}

describe('createDispatcher checks everything at once', () => {
  it('lists every problem with its file, line, object and field', () => {
    const yaml = `apiVersion: notification.toolkit.fluxcd.io/v1beta3
kind: Provider
metadata:
  name: slack
spec:
  type: slack
  secretRef:
    name: missing-secret
---
apiVersion: notification.toolkit.fluxcd.io/v1beta3
kind: Provider
metadata:
  name: chat
spec:
  type: slack
  channel: general
---
apiVersion: notification.toolkit.fluxcd.io/v1beta3
kind: Alert
metadata:
  name: orphan
spec:
  providerRef:
    name: nowhere
  eventSources:
    - kind: Kustomization
      name: '*'
`;
    const issues = issuesOf(() =>
      createDispatcher(loadManifests(yaml, { namespace: 'apps', file: 'alerts.yaml' })),
    );
    expect(issues.map(({ file, line, object, path }) => ({ file, line, object, path }))).toEqual([
      { file: 'alerts.yaml', line: 8, object: 'Provider/apps/slack', path: 'spec.secretRef.name' },
      { file: 'alerts.yaml', line: 14, object: 'Provider/apps/chat', path: 'spec' },
      { file: 'alerts.yaml', line: 24, object: 'Alert/apps/orphan', path: 'spec.providerRef.name' },
    ]);
    expect(issues[0]?.message).toMatch(/Secret apps\/missing-secret not found/);
    expect(issues[1]?.message).toMatch(/address/);
    expect(issues[2]?.message).toBe(
      "Provider apps/nowhere not found (an Alert's Provider is in its own namespace)",
    );
  });

  it("looks for an Alert's Provider in the Alert's namespace only", () => {
    const issues = issuesOf(() =>
      createDispatcher(
        manifests({
          providers: [provider('hook', { type: 'generic', address: 'http://127.0.0.1:9/' }, 'other')],
          alerts: [
            alert(
              'a',
              { providerRef: { name: 'hook' }, eventSources: [{ kind: 'Kustomization', name: '*' }] },
              'apps',
            ),
          ],
        }),
      ),
    );
    expect(issues).toHaveLength(1);
    expect(issues[0]).toMatchObject({ object: 'Alert/apps/a', path: 'spec.providerRef.name' });
  });

  it('reports structural problems of objects written in JavaScript', () => {
    const broken = alert(
      'a',
      { providerRef: { name: 'hook' }, eventSources: [{ kind: 'Kustomization', name: '*' }] },
      'apps',
    );
    (broken.spec as unknown as Record<string, unknown>).eventSeverity = 'warning';
    const issues = issuesOf(() =>
      createDispatcher(
        manifests({
          providers: [provider('hook', { type: 'generic', address: 'http://127.0.0.1:9/' }, 'apps')],
          alerts: [broken],
        }),
      ),
    );
    expect(issues[0]).toMatchObject({ object: 'Alert/apps/a', path: 'spec.eventSeverity' });
  });
});

describe("otel: one notifier per Alert and Provider, the span identity the Alert's", () => {
  it("posts one span per matching Alert, with each Alert's uid in the trace", async () => {
    const collector = await startRecordingServer();
    servers.push(collector);
    const source = [{ kind: 'Kustomization', name: '*' }];
    const dispatcher = createDispatcher(
      manifests({
        providers: [provider('traces', { type: 'otel', address: `${collector.url}/v1/traces` }, 'apps')],
        alerts: [
          alert(
            'first',
            { providerRef: { name: 'traces' }, eventSources: source },
            'apps',
            '11111111-aaaa-4aaa-8aaa-000000000001',
          ),
          alert('second', { providerRef: { name: 'traces' }, eventSources: source }, 'apps'),
        ],
      }),
      { rateLimit: { intervalMs: 0 } },
    );
    const result = await dispatcher.dispatch(rawErrorEvent);
    expect(result.status === 'accepted' && result.deliveries.map((d) => d.state)).toEqual([
      'queued',
      'queued',
    ]);
    await dispatcher.drain();
    expect(collector.requests).toHaveLength(2);
    // The two Alerts' spans carry different identities, so they land in different traces.
    const [first, second] = collector.requests.map((request) => request.bodyBytes.toString('hex'));
    expect(first).not.toBe(second);
    expect(collector.requests[0]?.bodyBytes.includes(Buffer.from('first'))).toBe(true);
    expect(collector.requests[1]?.bodyBytes.includes(Buffer.from('second'))).toBe(true);
    await dispatcher.close();
  });
});

describe('explain', () => {
  it('says whether the event is a duplicate, without counting it', async () => {
    const queue = recordingQueue();
    const dispatcher = createDispatcher(
      manifests({
        providers: [provider('hook', { type: 'generic', address: 'http://127.0.0.1:9/' }, 'foo-ns')],
        alerts: [
          alert(
            'a',
            { providerRef: { name: 'hook' }, eventSources: [{ kind: 'Kustomization', name: '*' }] },
            'foo-ns',
          ),
        ],
      }),
      { queue },
    );
    expect((await dispatcher.explain(rawEvent())).duplicate).toBe(false);
    expect((await dispatcher.explain(rawEvent())).duplicate).toBe(false);
    expect(queue.enqueued).toHaveLength(0);
    expect((await dispatcher.dispatch(rawEvent())).status).toBe('accepted');
    const explained = await dispatcher.explain(rawEvent());
    expect(explained.duplicate).toBe(true);
    expect(explained.alerts[0]).toMatchObject({ matched: true, delivery: { state: 'queued' } });
    expect(queue.enqueued).toHaveLength(1);
    await dispatcher.close();
  });

  it('rejects an invalid event like dispatch', async () => {
    const dispatcher = createDispatcher(manifests({}), { queue: recordingQueue() });
    await expect(dispatcher.explain({ ...rawEvent(), timestamp: 'yesterday' })).rejects.toMatchObject({
      code: 'INVALID_EVENT',
    });
    await dispatcher.close();
  });
});

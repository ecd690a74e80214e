import { createDispatcher, loadManifests } from '@notiflux/dispatch';
import { describe, expect, it } from 'vitest';
import { rawErrorEvent } from './manifest-builders.js';
import { recordingQueue } from './recording-queue.js';

// The examples of docs/dispatch.md, as written there.
const yaml = `apiVersion: notification.toolkit.fluxcd.io/v1beta3
kind: Provider
metadata:
  name: chat
spec:
  type: slack
  address: https://hooks.slack.example/services/T0/B0/X
---
apiVersion: notification.toolkit.fluxcd.io/v1beta3
kind: Alert
metadata:
  name: errors-only
spec:
  providerRef:
    name: chat
  eventSeverity: error
  eventSources:
    - kind: Kustomization
      name: '*'
---
apiVersion: notification.toolkit.fluxcd.io/v1beta3
kind: Alert
metadata:
  name: webapp
spec:
  providerRef:
    name: chat
  eventSources:
    - kind: Kustomization
      name: webapp
  inclusionList:
    - failed
  eventMetadata:
    env: prod
    summary: from-alert
`;

describe('docs/dispatch.md', () => {
  it('explains each Alert in one sentence', async () => {
    const dispatcher = createDispatcher(loadManifests(yaml, { namespace: 'apps' }), {
      queue: recordingQueue(),
    });
    const event = { ...rawErrorEvent, severity: 'info' as const, message: 'health check failed' };
    const { alerts } = await dispatcher.explain(event);
    expect(
      alerts.map(({ alert, matched, failed, detail }) => ({ name: alert.name, matched, failed, detail })),
    ).toEqual([
      {
        name: 'errors-only',
        matched: false,
        failed: 'severity',
        detail:
          'source Kustomization/apps/* matches, but the event\'s severity "info" is not the Alert\'s eventSeverity "error"',
      },
      {
        name: 'webapp',
        matched: true,
        failed: undefined,
        detail:
          'source Kustomization/apps/webapp matches, the message matches inclusionList "failed"; would be queued for slack Provider apps/chat',
      },
    ]);
    await dispatcher.close();
  });

  it('merges metadata in the documented precedence', async () => {
    const queue = recordingQueue();
    const dispatcher = createDispatcher(loadManifests(yaml, { namespace: 'apps' }), { queue });
    await dispatcher.dispatch(
      { ...rawErrorEvent, message: 'apply failed' },
      { sourceMetadata: { cluster: 'prod-eu' } },
    );
    const webapp = queue.enqueued.find((delivery) => delivery.alert.name === 'webapp');
    expect(webapp?.event.metadata).toEqual({
      cluster: 'prod-eu',
      env: 'prod',
      revision: 'main@sha1:731f7eaddfb6af01cb2173e18f0f75b0ba780ef1',
      summary: 'from-alert',
    });
    await dispatcher.close();
  });
});

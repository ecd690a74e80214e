import {
  createDispatcher,
  type Delivery,
  type DispatcherOptions,
  ManifestError,
  type Provider,
} from '@notiflux/dispatch';
import type { Event } from '@notiflux/providers';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { alert, manifests, provider, rawEvent, secret } from './manifest-builders.js';
import { recordingQueue } from './recording-queue.js';

const K = 'kustomize.toolkit.fluxcd.io/';
const E = 'event.toolkit.fluxcd.io/';

const providerSpecs: Record<string, Provider['spec']> = {
  generic: { type: 'generic', address: 'http://127.0.0.1:9/' },
  'generic-hmac': { type: 'generic-hmac', address: 'http://127.0.0.1:9/', secretRef: { name: 'hmac' } },
  slack: { type: 'slack', address: 'http://127.0.0.1:9/', channel: 'general' },
  github: { type: 'github', address: 'http://127.0.0.1:9/org/repo', secretRef: { name: 'token' } },
  githubpullrequestcomment: {
    type: 'githubpullrequestcomment',
    address: 'http://127.0.0.1:9/org/repo',
    secretRef: { name: 'token' },
  },
};
const secrets = [
  secret('hmac', { token: 'hmac-key' }, 'foo-ns'),
  secret('token', { token: 'ghp_x' }, 'foo-ns'),
];

/** One Alert in `foo-ns` on one Provider; returns the delivery `dispatch` decides. */
async function deliveryFor(
  type: string,
  event: Partial<Event>,
  options: {
    alertNamespace?: string;
    suspended?: boolean;
    alertSpec?: object;
    dispatcher?: DispatcherOptions;
    expr?: string;
  } = {},
): Promise<{ delivery: Delivery; queued: ReturnType<typeof recordingQueue>['enqueued'] }> {
  const namespace = options.alertNamespace ?? 'foo-ns';
  const spec = {
    ...(providerSpecs[type] as Provider['spec']),
    ...(options.suspended ? { suspend: true } : {}),
    ...(options.expr ? { commitStatusExpr: options.expr } : {}),
  };
  const queue = recordingQueue();
  const dispatcher = createDispatcher(
    manifests({
      providers: [provider('p', spec, namespace, '0c9c2e41-d2f9-4f9b-9c41-bebc1984d67a')],
      alerts: [
        alert(
          'a',
          {
            providerRef: { name: 'p' },
            eventSources: [{ kind: 'Kustomization', name: '*', namespace: 'foo-ns' }],
            ...options.alertSpec,
          },
          namespace,
        ),
      ],
      secrets: secrets.map((s) => ({ ...s, metadata: { ...s.metadata, namespace } })),
    }),
    { queue, rateLimit: { intervalMs: 0 }, ...options.dispatcher },
  );
  const result = await dispatcher.dispatch(rawEvent(event));
  await dispatcher.close();
  if (result.status !== 'accepted') throw new Error(`not accepted: ${result.status}`);
  const [delivery] = result.deliveries;
  if (!delivery) throw new Error('no delivery');
  return { delivery, queued: queue.enqueued };
}

const update = { metadata: { [`${K}commit_status`]: 'update', [`${K}revision`]: 'main@sha1:abc' } };
const commitKey = { metadata: { [`${E}commit`]: 'abc123' } };
const changeRequest = { metadata: { [`${E}change_request`]: '42' } };

describe('provider category rules (TestGetNotificationParams)', () => {
  const cases: [string, string, Partial<Event>, Delivery['state'], Delivery['reason']?][] = [
    ['generic takes a commit status update', 'generic', update, 'queued'],
    ['generic-hmac takes a commit status update', 'generic-hmac', update, 'queued'],
    ['an alerting type skips a commit status update', 'slack', update, 'skipped', 'commit-status-update'],
    ['an alerting type takes other events', 'slack', {}, 'queued'],
    ['a commit-status type drops an event without commit key', 'github', {}, 'dropped', 'missing-commit-key'],
    ['a commit-status type takes an error without commit key', 'github', { severity: 'error' }, 'queued'],
    ['a commit-status type takes a commit status update', 'github', update, 'queued'],
    ['a commit-status type takes an event with a commit key', 'github', commitKey, 'queued'],
    [
      'a commit-status type drops an empty commit key',
      'github',
      { metadata: { [`${E}commit`]: '' } },
      'dropped',
      'missing-commit-key',
    ],
    [
      'a change-request type drops an event without the key',
      'githubpullrequestcomment',
      {},
      'dropped',
      'missing-change-request-key',
    ],
    [
      'a change-request type takes an event with the key',
      'githubpullrequestcomment',
      changeRequest,
      'queued',
    ],
  ];
  it.each(cases)('%s', async (_name, type, event, state, reason) => {
    const { delivery, queued } = await deliveryFor(type, event);
    expect(delivery.state).toBe(state);
    expect(delivery.reason).toBe(reason);
    expect(queued).toHaveLength(state === 'queued' ? 1 : 0);
  });

  it('a suspended Provider is skipped before any other rule', async () => {
    const { delivery } = await deliveryFor('github', {}, { suspended: true });
    expect(delivery).toMatchObject({ state: 'skipped', reason: 'provider-suspended' });
  });

  it('the cross-namespace rule refuses only with noCrossNamespaceRefs', async () => {
    const options = { alertNamespace: 'bar-ns' };
    expect((await deliveryFor('generic', {}, options)).delivery.state).toBe('queued');
    const refused = await deliveryFor(
      'generic',
      {},
      { ...options, dispatcher: { noCrossNamespaceRefs: true } },
    );
    expect(refused.delivery).toMatchObject({ state: 'refused', reason: 'cross-namespace' });
    expect(refused.queued).toHaveLength(0);
    const same = await deliveryFor('generic', {}, { dispatcher: { noCrossNamespaceRefs: true } });
    expect(same.delivery.state).toBe('queued');
  });
});

describe('commit status ids (TestCreateCommitStatus)', () => {
  const at = { ...commitKey, timestamp: '2024-05-01T10:00:00Z' };
  it('defaults to kind/name/<first uid segment>, lower-cased, and keys supersession on it', async () => {
    const { queued } = await deliveryFor('github', at);
    expect(queued[0]?.commitStatus).toBe('kustomization/foo/0c9c2e41');
    expect(queued[0]?.supersede).toEqual({
      key: 'foo-ns/p\u0000abc123\u0000kustomization/foo/0c9c2e41',
      order: Date.parse('2024-05-01T10:00:00Z'),
    });
  });

  it('evaluates commitStatusExpr over the merged event, the Alert and the Provider', async () => {
    const { queued } = await deliveryFor('github', at, {
      expr: "event.involvedObject.kind + '/' + event.involvedObject.name + '/' + event.metadata.env + '/' + alert.metadata.name + '/' + provider.spec.type",
      alertSpec: { eventMetadata: { env: 'prod' } },
    });
    expect(queued[0]?.commitStatus).toBe('Kustomization/foo/prod/a/github');
  });

  it.each([
    ['fails', 'event.metadata.missing'],
    ['gives no string', 'provider.spec'],
    ['gives an empty string', "''"],
  ])('refuses the delivery when the expression %s', async (_name, expr) => {
    const { delivery, queued } = await deliveryFor('github', at, { expr });
    expect(delivery).toMatchObject({ state: 'refused', reason: 'commit-status-expr' });
    expect(queued).toHaveLength(0);
  });

  it('refuses an expression that does not parse at creation', () => {
    expect(() =>
      createDispatcher(
        manifests({
          providers: [
            provider(
              'p',
              { ...(providerSpecs.github as Provider['spec']), commitStatusExpr: 'event.(' },
              'foo-ns',
            ),
          ],
          secrets,
        }),
      ),
    ).toThrow(ManifestError);
  });
});

describe('metadata merge per Alert (TestCombineEventMetadata)', () => {
  const merged = async (metadata: Record<string, string> | undefined, alertSpec: object) => {
    const warnings: object[] = [];
    const logger = { debug() {}, info() {}, error() {}, warn: (fields: object) => warnings.push(fields) };
    const { delivery } = await deliveryFor('generic', metadata ? { metadata } : {}, {
      alertSpec,
      dispatcher: { logger },
    });
    return { metadata: delivery.event?.metadata, warnings };
  };

  it('no metadata, empty Alert: metadata absent', async () => {
    expect((await merged(undefined, {})).metadata).toBeUndefined();
  });

  it('all seven keys unprefixed, no conflict', async () => {
    const result = await merged(
      { [`${K}c1`]: 'v1', [`${K}c2`]: 'v2', [`${E}o1`]: 'v3', [`${E}o2`]: 'v4' },
      { summary: 'summaryValue', eventMetadata: { foo: 'fooValue', baz: 'bazValue' } },
    );
    expect(result.metadata).toEqual({
      c1: 'v1',
      c2: 'v2',
      o1: 'v3',
      o2: 'v4',
      summary: 'summaryValue',
      foo: 'fooValue',
      baz: 'bazValue',
    });
    expect(result.warnings.filter((w) => 'conflictingKeys' in w)).toEqual([]);
  });

  it.each([
    [
      'annotation summary vs Alert summary',
      { [`${E}summary`]: 'objectSummary' },
      { summary: 'alertSummary' },
      'alertSummary',
    ],
    [
      'eventMetadata summary vs Alert summary',
      {},
      { summary: 'alertSummary', eventMetadata: { summary: 'eventMetadataSummary' } },
      'alertSummary',
    ],
    [
      'controller summary vs Alert summary',
      { [`${K}summary`]: 'controllerSummary' },
      { summary: 'alertSummary' },
      'controllerSummary',
    ],
  ])('%s: the higher source wins, one conflict warning', async (_name, metadata, alertSpec, summary) => {
    const result = await merged(metadata, alertSpec);
    expect(result.metadata?.summary).toBe(summary);
    const conflicts = result.warnings.filter((w) => 'conflictingKeys' in w);
    expect(conflicts).toHaveLength(1);
    expect(conflicts[0]).toMatchObject({ conflictingKeys: [{ key: 'summary' }] });
  });

  it('mixed overrides: annotation < eventMetadata < controller, three keys reported', async () => {
    const result = await merged(
      { [`${E}a`]: 'annotation', [`${E}b`]: 'annotation', [`${K}b`]: 'controller', [`${K}c`]: 'controller' },
      { eventMetadata: { a: 'alert', c: 'alert' } },
    );
    expect(result.metadata).toEqual({ a: 'alert', b: 'controller', c: 'controller' });
    expect(result.warnings.filter((w) => 'conflictingKeys' in w)[0]).toMatchObject({
      conflictingKeys: [{ key: 'a' }, { key: 'b' }, { key: 'c' }],
    });
  });

  it('never leaks between Alerts, and drops the token', async () => {
    const queue = recordingQueue();
    const hook = provider('p', providerSpecs.generic as Provider['spec'], 'foo-ns');
    const source = [{ kind: 'Kustomization', name: '*' }];
    const dispatcher = createDispatcher(
      manifests({
        providers: [hook],
        alerts: [
          alert(
            'one',
            { providerRef: { name: 'p' }, eventSources: source, eventMetadata: { team: 'one' } },
            'foo-ns',
          ),
          alert('two', { providerRef: { name: 'p' }, eventSources: source }, 'foo-ns'),
        ],
      }),
      { queue, rateLimit: { intervalMs: 0 } },
    );
    await dispatcher.dispatch(
      rawEvent({ metadata: { [`${K}token`]: 'secret-token', [`${K}revision`]: 'r' } }),
    );
    expect(queue.enqueued.map((d) => d.event.metadata)).toEqual([
      { team: 'one', revision: 'r' },
      { revision: 'r' },
    ]);
    await dispatcher.close();
  });
});

describe('properties', () => {
  const text = fc.string({ maxLength: 12 });
  const metadataArbitrary = fc.dictionary(
    fc.oneof(
      text.map((key) => `${E}${key}`),
      text.map((key) => `${K}${key}`),
      text,
    ),
    text,
    { maxKeys: 6 },
  );
  const eventArbitrary = fc.record({
    kind: fc.constantFrom('Kustomization', 'HelmRelease', ''),
    namespace: fc.constantFrom('foo-ns', 'bar-ns'),
    name: fc.constantFrom('foo', 'bar', '*'),
    severity: fc.constantFrom('info', 'error', 'trace'),
    message: fc.string({ maxLength: 30 }),
    metadata: metadataArbitrary,
  });

  it('every event either matches by the rules or not, and never throws', async () => {
    const hook = provider('p', providerSpecs.generic as Provider['spec'], 'foo-ns');
    const dispatcher = createDispatcher(
      manifests({
        providers: [hook],
        alerts: [
          alert(
            'any',
            { providerRef: { name: 'p' }, eventSources: [{ kind: 'Kustomization', name: '*' }] },
            'foo-ns',
          ),
          alert(
            'errors',
            {
              providerRef: { name: 'p' },
              eventSeverity: 'error',
              eventSources: [{ kind: 'HelmRelease', name: 'foo', namespace: 'bar-ns' }],
              exclusionList: ['(?i)skip'],
            },
            'foo-ns',
          ),
        ],
      }),
      { queue: recordingQueue(), rateLimit: { intervalMs: 0 } },
    );
    await fc.assert(
      fc.asyncProperty(eventArbitrary, async (input) => {
        const event = rawEvent({
          involvedObject: { kind: input.kind, namespace: input.namespace, name: input.name },
          severity: input.severity as Event['severity'],
          message: input.message,
          metadata: input.metadata,
        });
        const expected = [
          input.kind === 'Kustomization' && input.namespace === 'foo-ns' ? 'foo-ns/any' : undefined,
          input.kind === 'HelmRelease' &&
          input.namespace === 'bar-ns' &&
          input.name === 'foo' &&
          input.severity === 'error' &&
          !/skip/i.test(input.message)
            ? 'foo-ns/errors'
            : undefined,
        ].filter(Boolean);
        const result = await dispatcher.dispatch(event);
        const got =
          result.status === 'accepted'
            ? result.deliveries.map((d) => `${d.alert.namespace}/${d.alert.name}`)
            : [];
        expect(result.status).toBe(expected.length > 0 ? 'accepted' : 'no-match');
        expect(got).toEqual(expected);
      }),
      { numRuns: 150 },
    );
    await dispatcher.close();
  });

  it('merged metadata always obeys the precedence', async () => {
    const hook = provider('p', providerSpecs.generic as Provider['spec'], 'foo-ns');
    await fc.assert(
      fc.asyncProperty(
        metadataArbitrary,
        fc.dictionary(text, text, { maxKeys: 3 }),
        fc.dictionary(text, text, { maxKeys: 3 }),
        fc.option(
          text.filter((s) => s !== ''),
          { nil: undefined },
        ),
        async (metadata, eventMetadata, sourceMetadata, summary) => {
          const queue = recordingQueue();
          const dispatcher = createDispatcher(
            manifests({
              providers: [hook],
              alerts: [
                alert(
                  'a',
                  {
                    providerRef: { name: 'p' },
                    eventSources: [{ kind: 'Kustomization', name: '*' }],
                    eventMetadata,
                    ...(summary ? { summary } : {}),
                  },
                  'foo-ns',
                ),
              ],
            }),
            { queue, rateLimit: { intervalMs: 0 } },
          );
          await dispatcher.dispatch(rawEvent({ metadata }), { sourceMetadata });
          await dispatcher.close();
          // A Map, so that a generated key such as `__proto__` stays a key in the oracle too.
          const expected = new Map(Object.entries(sourceMetadata));
          for (const [key, value] of Object.entries(metadata))
            if (key.startsWith(E)) expected.set(key.slice(E.length), value);
          for (const [key, value] of Object.entries(eventMetadata)) expected.set(key, value);
          if (summary) expected.set('summary', summary);
          for (const [key, value] of Object.entries(metadata)) {
            if (!key.startsWith(K) || key.startsWith(E)) continue;
            const suffix = key.slice(K.length);
            if (['checksum', 'digest'].includes(suffix.toLowerCase()) || suffix === 'token') continue;
            expected.set(suffix, value);
          }
          const got = queue.enqueued[0]?.event.metadata;
          expect(got ?? {}).toEqual(Object.fromEntries(expected));
        },
      ),
      {
        numRuns: 60,
        // A key named __proto__ in the Alert's eventMetadata: kept, at its precedence.
        examples: [
          [{}, JSON.parse('{"__proto__":"from the alert"}') as Record<string, string>, {}, undefined],
        ],
      },
    );
  });
});

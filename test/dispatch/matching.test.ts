import { type AlertObjectSpec, createDispatcher, ManifestError } from '@notiflux/dispatch';
import type { Event } from '@notiflux/providers';
import { describe, expect, it } from 'vitest';
import { alert, manifests, provider, rawEvent } from './manifest-builders.js';
import { recordingQueue } from './recording-queue.js';

const hook = provider('hook', { type: 'generic', address: 'http://127.0.0.1:9/hook' }, 'foo-ns');
const kustomizations = (name = '*', namespace?: string) => [
  { kind: 'Kustomization', name, ...(namespace ? { namespace } : {}) },
];

async function explainOne(
  spec: Omit<AlertObjectSpec, 'providerRef'>,
  event: Event = rawEvent(),
  labels?: Record<string, string>,
) {
  const dispatcher = createDispatcher(
    manifests({
      providers: [hook],
      alerts: [alert('a', { providerRef: { name: 'hook' }, ...spec }, 'foo-ns')],
    }),
    { queue: recordingQueue(), rateLimit: { intervalMs: 0 }, ...(labels ? { labels: () => labels } : {}) },
  );
  try {
    const explanation = await dispatcher.explain(event);
    const [only] = explanation.alerts;
    if (!only) throw new Error('no explanation');
    const dispatched = await dispatcher.dispatch(event);
    // explain and dispatch agree on every case.
    expect(dispatched.status === 'accepted').toBe(only.matched);
    return only;
  } finally {
    await dispatcher.close();
  }
}

describe('Alert matching (TestFilterAlertsForEvent, TestEventMatchesAlert)', () => {
  const cases: [string, Omit<AlertObjectSpec, 'providerRef'>, Partial<Event>, false | undefined | string][] =
    [
      ['any name', { eventSources: kustomizations('*') }, {}, undefined],
      ['exact name', { eventSources: kustomizations('foo') }, {}, undefined],
      ['unmatched name', { eventSources: kustomizations('bar') }, {}, 'source'],
      ['suspended Alert', { eventSources: kustomizations(), suspend: true }, {}, 'suspended'],
      [
        'inclusion list unmatched',
        { eventSources: kustomizations(), inclusionList: ['some unmatch include'] },
        {},
        'inclusion',
      ],
      [
        'inclusion list matched',
        { eventSources: kustomizations(), inclusionList: ['some unmatch include', 'some'] },
        {},
        undefined,
      ],
      [
        'exclusion list matched',
        { eventSources: kustomizations('foo'), exclusionList: ['excluded message'] },
        {},
        'exclusion',
      ],
      [
        'inclusion and exclusion both match: exclusion wins',
        {
          eventSources: kustomizations('foo'),
          inclusionList: ['excluded message'],
          exclusionList: ['excluded message'],
        },
        {},
        'exclusion',
      ],
      ['explicit source namespace is kept', { eventSources: kustomizations('*', 'foo-bar') }, {}, 'source'],
      ['source and event namespace mismatch', { eventSources: kustomizations('*', 'test-ns') }, {}, 'source'],
      ['kind mismatch', { eventSources: [{ kind: 'GitRepository', name: '*' }] }, {}, 'source'],
      [
        'kind compared case-sensitively',
        { eventSources: [{ kind: 'kustomization', name: '*' }] },
        {},
        'source',
      ],
      [
        'alert error, event info',
        { eventSources: kustomizations(), eventSeverity: 'error' },
        { severity: 'info' },
        'severity',
      ],
      [
        'alert info, event error',
        { eventSources: kustomizations(), eventSeverity: 'info' },
        { severity: 'error' },
        undefined,
      ],
      [
        'alert error, event error',
        { eventSources: kustomizations(), eventSeverity: 'error' },
        { severity: 'error' },
        undefined,
      ],
      [
        'alert error, event trace',
        { eventSources: kustomizations(), eventSeverity: 'error' },
        { severity: 'trace' },
        'severity',
      ],
      ['missing eventSeverity is info', { eventSources: kustomizations() }, { severity: 'trace' }, undefined],
      ['no event sources', { eventSources: [] }, {}, 'source'],
      [
        'RE2 inline flag',
        { eventSources: kustomizations(), inclusionList: ['(?i)SOME EXCLUDED'] },
        {},
        undefined,
      ],
      ['unanchored search', { eventSources: kustomizations(), inclusionList: ['excluded'] }, {}, undefined],
      [
        'anchored expression',
        { eventSources: kustomizations(), inclusionList: ['^excluded'] },
        {},
        'inclusion',
      ],
    ];
  it.each(cases)('%s', async (_name, spec, event, failed) => {
    const explained = await explainOne(spec, rawEvent(event));
    expect(explained.failed).toBe(failed);
    expect(explained.matched).toBe(failed === undefined);
    expect(explained.detail).not.toBe('');
  });

  it('names the deciding source, severity and expression in the detail', async () => {
    expect((await explainOne({ eventSources: kustomizations('bar') })).detail).toBe(
      'no event source matches Kustomization/foo-ns/foo (sources: Kustomization/foo-ns/bar)',
    );
    expect((await explainOne({ eventSources: kustomizations(), eventSeverity: 'error' })).detail).toBe(
      'source Kustomization/foo-ns/* matches, but the event\'s severity "info" is not the Alert\'s eventSeverity "error"',
    );
    expect(
      (await explainOne({ eventSources: kustomizations(), exclusionList: ['nope', 'excluded'] })).detail,
    ).toBe('the message matches exclusionList "excluded"');
    const matched = await explainOne({ eventSources: kustomizations(), inclusionList: ['some'] });
    expect(matched.detail).toBe(
      'source Kustomization/foo-ns/* matches, the message matches inclusionList "some"; would be queued for generic Provider foo-ns/hook',
    );
    expect(matched.delivery?.state).toBe('queued');
  });

  const labelledSource = { kind: 'Kustomization', name: '*', matchLabels: { app: 'podinfo' } };
  const plainSource = (name: string) => ({ kind: 'Kustomization', name });
  const labelled = { eventSources: [labelledSource] };
  it.each([
    ['label selector match', { app: 'podinfo', other: 'x' }, undefined],
    ['label selector mismatch', { aaa: 'bbb' }, 'labels'],
  ] as const)('%s', async (_name, labels, failed) => {
    expect((await explainOne(labelled, rawEvent(), labels)).failed).toBe(failed);
  });

  it.each([
    [
      'a labelled source misses, a later plain one matches',
      [labelledSource, plainSource('foo')],
      { aaa: 'b' },
      undefined,
    ],
    [
      'a plain source misses, a later labelled one matches',
      [plainSource('bar'), labelledSource],
      { app: 'podinfo' },
      undefined,
    ],
    [
      'two labelled sources, the second matches',
      [labelledSource, { ...labelledSource, matchLabels: { aaa: 'b' } }],
      { aaa: 'b' },
      undefined,
    ],
    ['every source misses', [plainSource('bar'), labelledSource], { aaa: 'b' }, 'labels'],
  ] as const)('several sources: %s (labels looked up once)', async (_name, sources, labels, failed) => {
    let lookups = 0;
    const dispatcher = createDispatcher(
      manifests({
        providers: [hook],
        alerts: [alert('a', { providerRef: { name: 'hook' }, eventSources: [...sources] }, 'foo-ns')],
      }),
      {
        queue: recordingQueue(),
        rateLimit: { intervalMs: 0 },
        labels: () => {
          lookups += 1;
          return labels;
        },
      },
    );
    const [explained] = (await dispatcher.explain(rawEvent())).alerts;
    expect(explained?.failed).toBe(failed);
    expect(lookups).toBe(1);
    const dispatched = await dispatcher.dispatch(rawEvent());
    expect(dispatched.status === 'accepted').toBe(failed === undefined);
    expect(lookups).toBe(2);
    await dispatcher.close();
  });

  it('object not found or no lookup: no match', async () => {
    const notFound = createDispatcher(
      manifests({
        providers: [hook],
        alerts: [alert('a', { providerRef: { name: 'hook' }, ...labelled }, 'foo-ns')],
      }),
      { queue: recordingQueue(), labels: () => undefined },
    );
    const [explained] = (await notFound.explain(rawEvent())).alerts;
    expect(explained?.failed).toBe('labels');
    expect(explained?.detail).toContain('found no object Kustomization/foo-ns/foo');
    await notFound.close();

    const warnings: string[] = [];
    const logger = {
      debug() {},
      info() {},
      error() {},
      warn: (_: object, message?: string) => warnings.push(message ?? ''),
    };
    const noLookup = createDispatcher(
      manifests({
        providers: [hook],
        alerts: [alert('a', { providerRef: { name: 'hook' }, ...labelled }, 'foo-ns')],
      }),
      { queue: recordingQueue(), logger },
    );
    expect(warnings.filter((w) => w.includes('matchLabels'))).toHaveLength(1);
    expect(await noLookup.dispatch(rawEvent())).toMatchObject({ status: 'no-match' });
    await noLookup.close();
  });

  it('a failing lookup is no match and a warning', async () => {
    const warnings: object[] = [];
    const logger = { debug() {}, info() {}, error() {}, warn: (fields: object) => warnings.push(fields) };
    const dispatcher = createDispatcher(
      manifests({
        providers: [hook],
        alerts: [alert('a', { providerRef: { name: 'hook' }, ...labelled }, 'foo-ns')],
      }),
      {
        logger,
        queue: recordingQueue(),
        labels: () => {
          throw new Error('apiserver down');
        },
      },
    );
    expect(await dispatcher.dispatch(rawEvent())).toMatchObject({ status: 'no-match' });
    expect(warnings).toContainEqual({ object: 'Kustomization/foo-ns/foo', error: 'apiserver down' });
    await dispatcher.close();
  });

  it('refuses a regex RE2 cannot compile at creation, naming the field (upstream skips it per event)', () => {
    const build = () =>
      createDispatcher(
        manifests({
          providers: [hook],
          alerts: [
            alert(
              'a',
              { providerRef: { name: 'hook' }, eventSources: kustomizations(), inclusionList: ['['] },
              'foo-ns',
            ),
            alert(
              'b',
              {
                providerRef: { name: 'hook' },
                eventSources: kustomizations(),
                exclusionList: ['ok', '(?<=x)y'],
              },
              'foo-ns',
            ),
          ],
        }),
      );
    expect(build).toThrow(ManifestError);
    try {
      build();
    } catch (error) {
      const issues = (error as ManifestError).issues;
      expect(issues.map((issue) => [issue.object, issue.path])).toEqual([
        ['Alert/foo-ns/a', 'spec.inclusionList[0]'],
        ['Alert/foo-ns/b', 'spec.exclusionList[1]'],
      ]);
    }
  });

  it('merges Alerts on the exact name and on * in Alert order, each once', async () => {
    const queue = recordingQueue();
    const source = (name: string) => ({ kind: 'Kustomization', name, namespace: 'foo-ns' });
    const dispatcher = createDispatcher(
      manifests({
        providers: [hook],
        alerts: [
          alert('d', { providerRef: { name: 'hook' }, eventSources: [source('*')] }, 'foo-ns'),
          alert('c', { providerRef: { name: 'hook' }, eventSources: [source('foo')] }, 'foo-ns'),
          alert('b', { providerRef: { name: 'hook' }, eventSources: [source('foo'), source('*')] }, 'foo-ns'),
          alert('a', { providerRef: { name: 'hook' }, eventSources: [source('*')] }, 'foo-ns'),
          alert('e', { providerRef: { name: 'hook' }, eventSources: [source('bar')] }, 'foo-ns'),
        ],
      }),
      { queue, rateLimit: { intervalMs: 0 } },
    );
    await dispatcher.dispatch(rawEvent());
    expect(queue.enqueued.map((d) => d.alert.name)).toEqual(['a', 'b', 'c', 'd']);
    await dispatcher.close();
  });

  it('lists Alerts in namespace, then name order, and skips Alerts that cannot match', async () => {
    const providers = ['a-ns', 'b-ns'].map((ns) =>
      provider('hook', { type: 'generic', address: 'http://127.0.0.1:9/' }, ns),
    );
    const source = [{ kind: 'Kustomization', name: '*', namespace: 'foo-ns' }];
    const dispatcher = createDispatcher(
      manifests({
        providers,
        alerts: [
          alert('z', { providerRef: { name: 'hook' }, eventSources: source }, 'a-ns'),
          alert('b', { providerRef: { name: 'hook' }, eventSources: source }, 'b-ns'),
          alert('a', { providerRef: { name: 'hook' }, eventSources: source }, 'b-ns'),
          alert(
            'other',
            { providerRef: { name: 'hook' }, eventSources: [{ kind: 'HelmRelease', name: '*' }] },
            'a-ns',
          ),
        ],
      }),
      { queue: recordingQueue(), rateLimit: { intervalMs: 0 } },
    );
    const result = await dispatcher.dispatch(rawEvent());
    expect(
      result.status === 'accepted' && result.deliveries.map((d) => `${d.alert.namespace}/${d.alert.name}`),
    ).toEqual(['a-ns/z', 'b-ns/a', 'b-ns/b']);
    await dispatcher.close();
  });
});

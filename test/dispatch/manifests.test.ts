import type { Alert, Manifests, Provider, Secret } from '@notiflux/dispatch';
import {
  loadManifests,
  ManifestError,
  type ManifestIssue,
  sourceOf,
  validateManifestObjects,
} from '@notiflux/dispatch';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';

/** YAML from lines, so a test can say which line a field is on (line n is `lines[n - 1]`). */
const yaml = (...lines: string[]) => `${lines.join('\n')}\n`;

function issuesOf(text: string, options: { namespace?: string; file?: string } = {}): ManifestIssue[] {
  try {
    loadManifests(text, options);
  } catch (error) {
    expect(error).toBeInstanceOf(ManifestError);
    return [...(error as ManifestError).issues];
  }
  throw new Error('expected a ManifestError');
}

const V1BETA3 = 'notification.toolkit.fluxcd.io/v1beta3';
const V1BETA2 = 'notification.toolkit.fluxcd.io/v1beta2';
const V1BETA1 = 'notification.toolkit.fluxcd.io/v1beta1';

describe('loadManifests: what loads', () => {
  it('loads every field of a v1beta3 Provider, Alert and a Secret, in the v1beta3 shape', () => {
    const manifests = loadManifests(
      yaml(
        `apiVersion: ${V1BETA3}`,
        'kind: Provider',
        'metadata:',
        '  name: github-status',
        '  namespace: flux-system',
        '  uid: 0c9c2e41-d2f9-4f9b-9c41-bebc1984d67a',
        '  labels: { team: platform }',
        '  annotations: { note: "hello" }',
        'spec:',
        '  type: github',
        '  interval: 10m',
        '  channel: general',
        '  username: flux',
        '  address: https://github.com/org/repo',
        '  timeout: 1m30s',
        '  proxy: http://proxy.internal:3128',
        '  secretRef: { name: github-token }',
        '  certSecretRef: { name: github-ca }',
        '  proxySecretRef: { name: github-proxy }',
        '  serviceAccountName: flux',
        '  commitStatusExpr: "event.involvedObject.kind + \'/\' + provider.metadata.uid"',
        '  suspend: false',
        '---',
        `apiVersion: ${V1BETA3}`,
        'kind: Alert',
        'metadata: { name: on-call, namespace: flux-system }',
        'spec:',
        '  providerRef: { name: github-status }',
        '  eventSeverity: error',
        '  eventSources:',
        '    - { kind: Kustomization, name: "*", namespace: apps, apiVersion: kustomize.toolkit.fluxcd.io/v1 }',
        '    - kind: HelmRelease',
        '      name: "*"',
        '      matchLabels: { app: web }',
        '  inclusionList: ["^Reconciliation"]',
        '  exclusionList: ["(?i)dependency.*not ready"]',
        '  eventMetadata: { cluster: prod-eu, env: production }',
        '  summary: production cluster',
        '  suspend: true',
        '---',
        'apiVersion: v1',
        'kind: Secret',
        'metadata: { name: github-token, namespace: flux-system }',
        'type: Opaque',
        'immutable: true',
        'data:',
        '  token: c2VjcmV0LXRva2Vu',
        'stringData:',
        '  username: git',
      ),
    );
    expect(manifests.providers).toEqual([
      {
        apiVersion: V1BETA3,
        kind: 'Provider',
        metadata: {
          name: 'github-status',
          namespace: 'flux-system',
          uid: '0c9c2e41-d2f9-4f9b-9c41-bebc1984d67a',
          labels: { team: 'platform' },
          annotations: { note: 'hello' },
        },
        spec: {
          type: 'github',
          interval: '10m',
          channel: 'general',
          username: 'flux',
          address: 'https://github.com/org/repo',
          timeout: '1m30s',
          proxy: 'http://proxy.internal:3128',
          secretRef: { name: 'github-token' },
          certSecretRef: { name: 'github-ca' },
          proxySecretRef: { name: 'github-proxy' },
          serviceAccountName: 'flux',
          commitStatusExpr: "event.involvedObject.kind + '/' + provider.metadata.uid",
          suspend: false,
        },
      } satisfies Provider,
    ]);
    expect(manifests.alerts).toEqual([
      {
        apiVersion: V1BETA3,
        kind: 'Alert',
        metadata: { name: 'on-call', namespace: 'flux-system' },
        spec: {
          providerRef: { name: 'github-status' },
          eventSeverity: 'error',
          eventSources: [
            {
              kind: 'Kustomization',
              name: '*',
              namespace: 'apps',
              apiVersion: 'kustomize.toolkit.fluxcd.io/v1',
            },
            { kind: 'HelmRelease', name: '*', matchLabels: { app: 'web' } },
          ],
          inclusionList: ['^Reconciliation'],
          exclusionList: ['(?i)dependency.*not ready'],
          eventMetadata: { cluster: 'prod-eu', env: 'production' },
          summary: 'production cluster',
          suspend: true,
        },
      } satisfies Alert,
    ]);
    expect(manifests.secrets).toEqual([
      {
        apiVersion: 'v1',
        kind: 'Secret',
        metadata: { name: 'github-token', namespace: 'flux-system' },
        type: 'Opaque',
        immutable: true,
        data: { token: 'c2VjcmV0LXRva2Vu' },
        stringData: { username: 'git' },
      } satisfies Secret,
    ]);
  });

  it('converts v1beta2 and v1beta1 objects to v1beta3, and fills in the default eventSeverity', () => {
    const manifests = loadManifests(
      yaml(
        `apiVersion: ${V1BETA2}`,
        'kind: Provider',
        'metadata: { name: slack }',
        'spec: { type: slack, interval: 600s, channel: general, secretRef: { name: slack-url } }',
        '---',
        `apiVersion: ${V1BETA2}`,
        'kind: Alert',
        'metadata: { name: v2 }',
        'spec:',
        '  providerRef: { name: slack }',
        '  eventSources: [{ kind: GitRepository, name: flux-system }]',
        '  inclusionList: [".*"]',
        '  eventMetadata: { cluster: dev }',
        '---',
        `apiVersion: ${V1BETA1}`,
        'kind: Provider',
        'metadata: { name: old }',
        'spec: { type: generic, address: "https://example.com/hook", timeout: 5s, certSecretRef: { name: ca } }',
        '---',
        `apiVersion: ${V1BETA1}`,
        'kind: Alert',
        'metadata: { name: v1 }',
        'spec:',
        '  providerRef: { name: old }',
        '  eventSeverity: info',
        '  eventSources: [{ kind: Kustomization, name: "*" }]',
        '  exclusionList: ["skip"]',
        '  summary: old style',
      ),
    );
    expect(manifests.providers.map((provider) => provider.apiVersion)).toEqual([V1BETA3, V1BETA3]);
    expect(manifests.providers[0]?.spec).toEqual({
      type: 'slack',
      interval: '600s',
      channel: 'general',
      secretRef: { name: 'slack-url' },
    });
    expect(manifests.providers[1]?.spec).toEqual({
      type: 'generic',
      address: 'https://example.com/hook',
      timeout: '5s',
      certSecretRef: { name: 'ca' },
    });
    expect(
      manifests.alerts.map((alert) => [alert.apiVersion, alert.metadata.name, alert.spec.eventSeverity]),
    ).toEqual([
      [V1BETA3, 'v2', 'info'],
      [V1BETA3, 'v1', 'info'],
    ]);
    expect(manifests.alerts[0]?.spec.inclusionList).toEqual(['.*']);
    expect(manifests.alerts[1]?.spec.summary).toBe('old style');
  });

  it('takes the namespace from the object, else the option, else default', () => {
    const text = yaml(
      'apiVersion: v1',
      'kind: Secret',
      'metadata: { name: a, namespace: given }',
      '---',
      'apiVersion: v1',
      'kind: Secret',
      'metadata: { name: b }',
    );
    expect(
      loadManifests(text, { namespace: 'flux-system' }).secrets.map((secret) => secret.metadata.namespace),
    ).toEqual(['given', 'flux-system']);
    expect(loadManifests(text).secrets.map((secret) => secret.metadata.namespace)).toEqual([
      'given',
      'default',
    ]);
  });

  it('skips other kinds silently, Flux Receivers and other groups’ Providers included, and opens Lists', () => {
    const manifests = loadManifests(
      yaml(
        'apiVersion: v1',
        'kind: ConfigMap',
        'metadata: { name: settings }',
        'data: { anything: goes, here: [1, 2] }',
        '---',
        'apiVersion: kustomize.toolkit.fluxcd.io/v1',
        'kind: Kustomization',
        'metadata: { name: apps }',
        'spec: { whatever: true }',
        '---',
        'apiVersion: notification.toolkit.fluxcd.io/v1',
        'kind: Receiver',
        'metadata: { name: github }',
        'spec: { type: github }',
        '---',
        'apiVersion: pkg.crossplane.io/v1',
        'kind: Provider',
        'metadata: { name: provider-aws }',
        'spec: { package: xpkg.upbound.io/provider-aws }',
        '---',
        '# only a comment',
        '---',
        'apiVersion: v1',
        'kind: List',
        'items:',
        '  - apiVersion: v1',
        '    kind: Secret',
        '    metadata: { name: in-list }',
        '    stringData: { token: t }',
        `  - apiVersion: ${V1BETA3}`,
        '    kind: ProviderList',
        '    items:',
        `      - apiVersion: ${V1BETA3}`,
        '        kind: Provider',
        '        metadata: { name: nested }',
        '        spec: { type: generic, address: "https://example.com" }',
        '  - { apiVersion: v1, kind: ConfigMap, metadata: { name: skipped } }',
      ),
    );
    expect(manifests.secrets.map((secret) => secret.metadata.name)).toEqual(['in-list']);
    expect(manifests.providers.map((provider) => provider.metadata.name)).toEqual(['nested']);
    expect(manifests.alerts).toEqual([]);
  });

  it('accepts what `kubectl get -o yaml` adds: every metadata field and a status block', () => {
    const manifests = loadManifests(
      yaml(
        `apiVersion: ${V1BETA2}`,
        'kind: Alert',
        'metadata:',
        '  name: dumped',
        '  namespace: flux-system',
        '  uid: 8b5c2d3e-0000-4000-8000-000000000000',
        '  resourceVersion: "12345"',
        '  generation: 3',
        '  creationTimestamp: "2024-01-01T00:00:00Z"',
        '  deletionTimestamp: null',
        '  deletionGracePeriodSeconds: 30',
        '  generateName: dumped-',
        '  selfLink: /apis/x',
        '  finalizers: [finalizers.fluxcd.io]',
        '  labels: { kustomize.toolkit.fluxcd.io/name: flux-system }',
        '  annotations: { kubectl.kubernetes.io/last-applied-configuration: "{}" }',
        '  ownerReferences: [{ apiVersion: v1, kind: Thing, name: owner, uid: x }]',
        '  managedFields: [{ manager: kubectl, operation: Update, fieldsV1: { f:spec: {} } }]',
        'spec:',
        '  providerRef: { name: slack }',
        '  eventSources: [{ kind: Kustomization, name: "*" }]',
        'status:',
        '  observedGeneration: 3',
        '  conditions: [{ type: Ready, status: "True", reason: Succeeded }]',
        '  lastHandledReconcileAt: "2024-01-01T00:00:00Z"',
      ),
    );
    const [alert] = manifests.alerts;
    expect(alert?.metadata.generation).toBe(3);
    expect(alert?.metadata.finalizers).toEqual(['finalizers.fluxcd.io']);
    expect(alert?.metadata).not.toHaveProperty('deletionTimestamp');
    expect(alert).not.toHaveProperty('status');
  });

  it('takes a Uint8Array and JSON text', () => {
    const json = JSON.stringify({
      apiVersion: 'v1',
      kind: 'List',
      items: [{ apiVersion: 'v1', kind: 'Secret', metadata: { name: 'from-json' }, data: { a: 'Yg==' } }],
    });
    expect(loadManifests(new TextEncoder().encode(json)).secrets[0]?.data).toEqual({ a: 'Yg==' });
  });

  it('accepts the incidentio alias and an empty eventSources list', () => {
    const manifests = loadManifests(
      yaml(
        `apiVersion: ${V1BETA3}`,
        'kind: Provider',
        'metadata: { name: incident }',
        'spec: { type: incidentio, address: "https://api.incident.io/v2/alert_events/http/x" }',
        '---',
        `apiVersion: ${V1BETA3}`,
        'kind: Alert',
        'metadata: { name: nothing }',
        'spec: { providerRef: { name: incident }, eventSources: [] }',
      ),
    );
    expect(manifests.providers[0]?.spec.type).toBe('incidentio');
    expect(manifests.alerts[0]?.spec.eventSources).toEqual([]);
  });

  it('records the line of each loaded object and of each of its fields', () => {
    const manifests = loadManifests(
      yaml(
        'apiVersion: v1',
        'kind: ConfigMap',
        '---',
        `apiVersion: ${V1BETA3}`,
        'kind: Alert',
        'metadata:',
        '  name: lines',
        'spec:',
        '  providerRef:',
        '    name: slack',
        '  eventSources:',
        '    - kind: Kustomization',
        '      name: apps',
      ),
      { file: 'alerts.yaml' },
    );
    const source = sourceOf(manifests.alerts[0] as Alert);
    expect(source?.file).toBe('alerts.yaml');
    expect(source?.document).toBe(1);
    expect(source?.line).toBe(4);
    expect(source?.fieldLines?.get('spec.providerRef.name')).toBe(10);
    expect(source?.fieldLines?.get('spec.eventSources[0]')).toBe(12);
    expect(source?.fieldLines?.get('spec.eventSources[0].name')).toBe(13);
  });
});

describe('loadManifests: what is refused, with file, line, document, object and field', () => {
  const provider = (...spec: string[]) =>
    yaml(
      `apiVersion: ${V1BETA3}`,
      'kind: Provider',
      'metadata: { name: p, namespace: ns }',
      'spec:',
      ...spec,
    );
  const alert = (...spec: string[]) =>
    yaml(`apiVersion: ${V1BETA3}`, 'kind: Alert', 'metadata: { name: a, namespace: ns }', 'spec:', ...spec);
  const validAlertSpec = [
    '  providerRef: { name: p }',
    '  eventSources: [{ kind: Kustomization, name: "*" }]',
  ];

  it.each([
    [
      'a misspelt field',
      provider('  type: slack', '  chanel: general'),
      6,
      'spec.chanel',
      'unknown field (did you mean "channel"?)',
    ],
    [
      'an unknown provider type',
      provider('  type: slak'),
      5,
      'spec.type',
      'unknown provider type "slak" (did you mean "slack"?)',
    ],
    [
      'a number where a string belongs',
      provider('  type: telegram', '  channel: 12345'),
      6,
      'spec.channel',
      'must be a string, got the number 12345 (quote it in YAML to make it a string)',
    ],
    [
      'a string where a boolean belongs',
      provider('  type: slack', '  suspend: "yes"'),
      6,
      'spec.suspend',
      'must be true or false, got the string "yes"',
    ],
    [
      'a regex RE2 cannot compile',
      alert(...validAlertSpec, '  exclusionList:', '    - "ok"', '    - "error(?!s)"'),
      9,
      'spec.exclusionList[1]',
      'is not a valid regular expression (Go RE2 syntax): error parsing regexp: invalid or unsupported Perl syntax: `(?!`',
    ],
    [
      'a commitStatusExpr that does not parse',
      provider('  type: github', '  commitStatusExpr: "event.involvedObject.kind + \'/"'),
      6,
      'spec.commitStatusExpr',
      /^failed to parse the CEL expression/,
    ],
    [
      'a commitStatusExpr of a type without commit statuses',
      provider('  type: slack', '  commitStatusExpr: "\'x\'"'),
      6,
      'spec.commitStatusExpr',
      "is only supported for the 'github', 'gitlab', 'gitea', 'bitbucketserver', 'bitbucket', 'azuredevops' provider types",
    ],
    [
      'an eventSeverity other than info and error',
      alert(...validAlertSpec, '  eventSeverity: warning'),
      7,
      'spec.eventSeverity',
      'must be one of "info", "error", got "warning"',
    ],
    [
      'a summary over 255 characters',
      alert(...validAlertSpec, `  summary: ${'x'.repeat(256)}`),
      7,
      'spec.summary',
      'must be at most 255 characters, got 256',
    ],
    [
      'a timeout with hours',
      provider('  type: slack', '  timeout: 1h'),
      6,
      'spec.timeout',
      /^must be a duration such as 30s/,
    ],
    [
      'a zero timeout',
      provider('  type: slack', '  timeout: 0s'),
      6,
      'spec.timeout',
      'must be longer than zero',
    ],
    [
      'a proxy that is not http(s)',
      provider('  type: slack', '  proxy: socks5://p:1080'),
      6,
      'spec.proxy',
      /^must be an http:\/\/ or https:\/\/ URL/,
    ],
    [
      'a channel over 2048 characters',
      provider('  type: slack', `  channel: ${'c'.repeat(2049)}`),
      6,
      'spec.channel',
      'must be at most 2048 characters, got 2049',
    ],
    ['a missing provider type', provider('  channel: general'), 4, 'spec.type', 'is required'],
    [
      'a reference without a name',
      provider('  type: slack', '  secretRef: {}'),
      6,
      'spec.secretRef.name',
      'is required',
    ],
    [
      'an event source without a kind',
      alert('  providerRef: { name: p }', '  eventSources:', '    - name: apps'),
      7,
      'spec.eventSources[0].kind',
      'is required',
    ],
    [
      'an event source with an empty name',
      alert('  providerRef: { name: p }', '  eventSources:', '    - { kind: Bucket, name: "" }'),
      7,
      'spec.eventSources[0].name',
      'must not be empty',
    ],
    [
      'eventMetadata that is not a map of strings',
      alert(...validAlertSpec, '  eventMetadata:', '    replicas: 3'),
      8,
      'spec.eventMetadata.replicas',
      /^must be a string, got the number 3/,
    ],
    [
      'a list where a mapping belongs',
      alert(...validAlertSpec, '  eventMetadata: [a]'),
      7,
      'spec.eventMetadata',
      'must be a mapping of strings, got a list',
    ],
  ])('%s', (_, text, line, path, message) => {
    const issues = issuesOf(text, { file: 'flux.yaml' });
    expect(issues).toHaveLength(1);
    const [issue] = issues as [ManifestIssue];
    expect(issue).toMatchObject({ file: 'flux.yaml', line, document: 0, path });
    expect(issue.object).toMatch(/^(Provider|Alert)\/ns\/[pa]$/);
    if (typeof message === 'string') expect(issue.message).toBe(message);
    else expect(issue.message).toMatch(message);
  });

  it('reports a misspelt required field twice: missing, and unknown with a hint', () => {
    const issues = issuesOf(
      alert('  providerRef: { name: p }', '  evenSources: [{ kind: Kustomization, name: "*" }]'),
    );
    expect(issues.map((issue) => [issue.line, issue.path, issue.message])).toEqual([
      [4, 'spec.eventSources', 'is required'],
      [6, 'spec.evenSources', 'unknown field (did you mean "eventSources"?)'],
    ]);
  });

  it('refuses fields of a later API version, saying where they came in', () => {
    const issues = issuesOf(
      yaml(
        `apiVersion: ${V1BETA1}`,
        'kind: Alert',
        'metadata: { name: old }',
        'spec:',
        '  providerRef: { name: p }',
        '  eventSources: [{ kind: Kustomization, name: "*" }]',
        '  inclusionList: [".*"]',
        '---',
        `apiVersion: ${V1BETA2}`,
        'kind: Provider',
        'metadata: { name: p }',
        'spec:',
        '  type: github',
        '  commitStatusExpr: "\'x\'"',
        '  proxySecretRef: { name: proxy }',
        '---',
        `apiVersion: ${V1BETA1}`,
        'kind: Provider',
        'metadata: { name: q }',
        'spec: { type: slack, interval: 5m }',
      ),
    );
    expect(issues.map((issue) => [issue.line, issue.path, issue.message])).toEqual([
      [
        7,
        'spec.inclusionList',
        `is not a field of ${V1BETA1} Alert (it came in v1beta2; change apiVersion to ${V1BETA3})`,
      ],
      [
        14,
        'spec.commitStatusExpr',
        `is not a field of ${V1BETA2} Provider (it came in v1beta3; change apiVersion to ${V1BETA3})`,
      ],
      [
        15,
        'spec.proxySecretRef',
        `is not a field of ${V1BETA2} Provider (it came in v1beta3; change apiVersion to ${V1BETA3})`,
      ],
      [
        20,
        'spec.interval',
        `is not a field of ${V1BETA1} Provider (it came in v1beta2; change apiVersion to ${V1BETA3})`,
      ],
    ]);
  });

  it('refuses bad base64 in a Secret, a bad Secret key and a wrong Secret version', () => {
    const issues = issuesOf(
      yaml(
        'apiVersion: v1',
        'kind: Secret',
        'metadata: { name: s }',
        'data:',
        '  token: not base64!',
        '  good: dG9rZW4=',
        '  unpadded: dG9rZW4',
        'stringData:',
        '  "bad key": x',
        '---',
        'apiVersion: v2',
        'kind: Secret',
        'metadata: { name: t }',
      ),
    );
    expect(issues.map((issue) => [issue.line, issue.object, issue.path, issue.message])).toEqual([
      [
        5,
        'Secret/default/s',
        'data.token',
        'is not valid base64 (data values are base64-encoded; put plain text under stringData)',
      ],
      [
        7,
        'Secret/default/s',
        'data.unpadded',
        'is not valid base64 (data values are base64-encoded; put plain text under stringData)',
      ],
      [
        9,
        'Secret/default/s',
        'stringData["bad key"]',
        'is not a valid Secret key (letters, digits, "-", "_", ".")',
      ],
      [11, 'Secret/default/t', 'apiVersion', 'must be "v1" for a Secret, got "v2"'],
    ]);
  });

  it('refuses an unsupported Flux apiVersion, an unknown Flux kind and a missing apiVersion', () => {
    const issues = issuesOf(
      yaml(
        'apiVersion: notification.toolkit.fluxcd.io/v1',
        'kind: Alert',
        'metadata: { name: a }',
        'spec: {}',
        '---',
        `apiVersion: ${V1BETA3}`,
        'kind: Alrt',
        'metadata: { name: b }',
        '---',
        'kind: Provider',
        'metadata: { name: c }',
      ),
    );
    expect(issues.map((issue) => [issue.document, issue.line, issue.path, issue.message])).toEqual([
      [
        0,
        1,
        'apiVersion',
        `must be one of ${V1BETA1}, ${V1BETA2}, ${V1BETA3}, got "notification.toolkit.fluxcd.io/v1"`,
      ],
      [1, 7, 'kind', 'must be Provider or Alert (or Receiver, which is left out), got "Alrt"'],
      [2, 10, 'apiVersion', 'is required'],
    ]);
  });

  it('refuses objects defined twice, pointing at both', () => {
    const issues = issuesOf(
      yaml(
        'apiVersion: v1',
        'kind: Secret',
        'metadata: { name: s }',
        '---',
        'apiVersion: v1',
        'kind: Secret',
        'metadata:',
        '  name: s',
        '---',
        'apiVersion: v1',
        'kind: Secret',
        'metadata: { name: s, namespace: other }',
      ),
      { file: 'dup.yaml' },
    );
    expect(issues).toEqual([
      {
        file: 'dup.yaml',
        line: 8,
        document: 1,
        object: 'Secret/default/s',
        path: 'metadata.name',
        message: 'Secret/default/s is defined twice (first at dup.yaml:3)',
      },
    ]);
  });

  it('refuses invalid YAML with its line, and a document that is not a mapping', () => {
    const issues = issuesOf(
      yaml('apiVersion: v1', 'kind: Secret', 'metadata: { name: s', '---', '- a list'),
      {
        file: 'broken.yaml',
      },
    );
    expect(issues.map((issue) => [issue.file, issue.document, issue.line])).toEqual([
      ['broken.yaml', 0, 4],
      ['broken.yaml', 1, 5],
    ]);
    expect(issues[0]?.message).toMatch(/^invalid YAML: /);
    expect(issues[1]?.message).toBe('a document must be a mapping (a Kubernetes object), got a list');
  });

  it('refuses a duplicate key as invalid YAML', () => {
    const [issue] = issuesOf(yaml('apiVersion: v1', 'kind: Secret', 'kind: Secret', 'metadata: { name: s }'));
    expect(issue?.line).toBe(3);
    expect(issue?.message).toMatch(/^invalid YAML: Map keys must be unique/);
  });

  it('reports every problem of every document at once, in document and line order', () => {
    const text = yaml(
      `apiVersion: ${V1BETA3}`,
      'kind: Provider',
      'metadata: { name: Bad_Name }',
      'spec:',
      '  type: slak',
      '  timout: 30s',
      '---',
      `apiVersion: ${V1BETA3}`,
      'kind: Alert',
      'metadata: { name: a }',
      'spec:',
      '  providerRef: {}',
      '  eventSeverity: warn',
      '  eventSources:',
      '    - kind: Kustomization',
      '      name: "*"',
      '      labels: { a: b }',
      '  inclusionList: ["(unclosed"]',
    );
    let error: unknown;
    try {
      loadManifests(text, { file: 'many.yaml' });
    } catch (caught) {
      error = caught;
    }
    expect(error).toBeInstanceOf(ManifestError);
    const { issues, message } = error as ManifestError;
    expect(issues.map((issue) => [issue.line, issue.path])).toEqual([
      [3, 'metadata.name'],
      [5, 'spec.type'],
      [6, 'spec.timout'],
      [12, 'spec.providerRef.name'],
      [13, 'spec.eventSeverity'],
      [17, 'spec.eventSources[0].labels'],
      [18, 'spec.inclusionList[0]'],
    ]);
    expect(message.split('\n')[0]).toBe('invalid manifests (7 problems):');
    expect(message).toContain(
      '  - many.yaml:6, document 0, Provider/default/Bad_Name: spec.timout: unknown field (did you mean "timeout"?)',
    );
    expect(message).toContain(
      '  - many.yaml:17, document 1, Alert/default/a: spec.eventSources[0].labels: unknown field (did you mean "matchLabels"?)',
    );
  });
});

describe('validateManifestObjects: the same rules for objects written in JavaScript', () => {
  const valid: Manifests = {
    providers: [
      {
        apiVersion: V1BETA3,
        kind: 'Provider',
        metadata: { name: 'slack', namespace: 'flux-system' },
        spec: { type: 'slack', channel: 'general', secretRef: { name: 'slack-url' } },
      },
    ],
    alerts: [
      {
        apiVersion: V1BETA3,
        kind: 'Alert',
        metadata: { name: 'all', namespace: 'flux-system' },
        spec: { providerRef: { name: 'slack' }, eventSources: [{ kind: 'Kustomization', name: '*' }] },
      },
    ],
    secrets: [
      {
        apiVersion: 'v1',
        kind: 'Secret',
        metadata: { name: 'slack-url', namespace: 'flux-system' },
        stringData: { address: 'https://hooks.slack.com/services/x' },
      },
    ],
  };

  it('finds nothing wrong with valid objects', () => {
    expect(validateManifestObjects(valid)).toEqual([]);
  });

  it('reports problems with the index of the object in its list, and no line', () => {
    const alert = valid.alerts[0] as Alert;
    const manifests = {
      ...valid,
      alerts: [
        alert,
        {
          ...alert,
          metadata: { name: 'second', namespace: 'flux-system' },
          spec: { ...alert.spec, eventSeverity: 'warning', exclusionList: ['(?<name>x)'], sumary: 'typo' },
        },
      ],
      secrets: [{ ...(valid.secrets[0] as Secret), data: { token: '%%%' } }],
    } as unknown as Manifests;
    expect(validateManifestObjects(manifests)).toEqual([
      {
        document: 1,
        object: 'Alert/flux-system/second',
        path: 'spec.eventSeverity',
        message: 'must be one of "info", "error", got "warning"',
      },
      {
        document: 1,
        object: 'Alert/flux-system/second',
        path: 'spec.sumary',
        message: 'unknown field (did you mean "summary"?)',
      },
      {
        document: 0,
        object: 'Secret/flux-system/slack-url',
        path: 'data.token',
        message: 'is not valid base64 (data values are base64-encoded; put plain text under stringData)',
      },
    ]);
  });

  it('requires the namespace and the right kind in each list', () => {
    const manifests = {
      providers: [{ ...(valid.providers[0] as Provider), metadata: { name: 'slack' } }],
      alerts: [{ ...(valid.alerts[0] as Alert), kind: 'Provider' }],
      secrets: [],
    } as unknown as Manifests;
    expect(
      validateManifestObjects(manifests).map((issue) => [issue.object, issue.path, issue.message]),
    ).toEqual([
      ['Provider/?/slack', 'metadata.namespace', 'is required'],
      ['Alert/flux-system/all', 'kind', 'must be "Alert", got "Provider"'],
    ]);
  });
});

describe('loadManifests: any YAML mapping loads or throws a ManifestError', () => {
  const scalar = fc.oneof(fc.string(), fc.integer(), fc.boolean(), fc.constant(null), fc.double());
  const value = fc.letrec((tie) => ({
    value: fc.oneof(
      { depthSize: 'small' },
      scalar,
      fc.array(tie('value'), { maxLength: 3 }),
      fc.dictionary(fc.string(), tie('value'), { maxKeys: 4 }),
    ),
  })).value;
  const key = fc.constantFrom(
    'apiVersion',
    'kind',
    'metadata',
    'spec',
    'data',
    'stringData',
    'items',
    'status',
    'name',
    'type',
  );
  const apiVersion = fc.constantFrom(
    'v1',
    V1BETA1,
    V1BETA2,
    V1BETA3,
    'notification.toolkit.fluxcd.io/v1',
    'other/v1',
  );
  const kind = fc.constantFrom('Provider', 'Alert', 'Secret', 'List', 'Receiver', 'ConfigMap');

  it('never throws anything else', () => {
    fc.assert(
      fc.property(
        apiVersion,
        kind,
        fc.dictionary(key, value, { maxKeys: 6 }),
        fc.boolean(),
        (version, k, rest, asJson) => {
          const object = { apiVersion: version, kind: k, ...rest };
          const text = asJson ? JSON.stringify(object) : toYaml(object);
          try {
            const manifests = loadManifests(text);
            expect(Array.isArray(manifests.providers)).toBe(true);
          } catch (error) {
            expect(error).toBeInstanceOf(ManifestError);
            expect((error as ManifestError).issues.length).toBeGreaterThan(0);
          }
        },
      ),
      { numRuns: 300 },
    );
  });

  it('never throws anything else on a mapping of any keys and JSON values, one YAML line each', () => {
    fc.assert(
      fc.property(
        apiVersion,
        kind,
        fc.dictionary(fc.string(), fc.jsonValue({ maxDepth: 3 }), { maxKeys: 5 }),
        fc.dictionary(fc.string(), fc.jsonValue({ maxDepth: 3 }), { maxKeys: 5 }),
        (version, k, metadata, spec) => {
          const text = toYaml({
            apiVersion: version,
            kind: k,
            metadata: { name: 'x', ...metadata },
            spec,
          });
          try {
            loadManifests(text);
          } catch (error) {
            expect(error).toBeInstanceOf(ManifestError);
          }
        },
      ),
      { numRuns: 200 },
    );
  });

  it('never throws anything else on arbitrary text', () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 200 }), (text) => {
        try {
          loadManifests(text);
        } catch (error) {
          expect(error).toBeInstanceOf(ManifestError);
        }
      }),
      { numRuns: 300 },
    );
  });
});

function toYaml(value: unknown, indent = ''): string {
  // JSON is YAML; a block rendering of the top level exercises the block parser too.
  if (value === null || typeof value !== 'object' || Array.isArray(value)) return JSON.stringify(value);
  return Object.entries(value)
    .map(([k, v]) => `${indent}${JSON.stringify(k)}: ${JSON.stringify(v)}`)
    .join('\n');
}

describe('the examples of docs/manifests.md', () => {
  it('gives the messages the error table shows', () => {
    const issues = issuesOf(
      yaml(
        `apiVersion: ${V1BETA2}`,
        'kind: Provider',
        'metadata: { name: Bad_Name }',
        'spec: { type: slack, interval: soon, suspend: "yes" }',
      ),
    );
    expect(issues.map((issue) => [issue.path, issue.message])).toEqual([
      ['metadata.name', 'must be a lower-case DNS subdomain name (a-z, 0-9, "-", "."), got "Bad_Name"'],
      ['spec.interval', 'must be a duration such as 30s, 1m30s or 500ms (units ms, s, m, h), got "soon"'],
      ['spec.suspend', 'must be true or false, got the string "yes"'],
    ]);
  });

  it('validates the JavaScript example without issues', () => {
    const manifests: Manifests = {
      providers: [
        {
          apiVersion: 'notification.toolkit.fluxcd.io/v1beta3',
          kind: 'Provider',
          metadata: { name: 'slack', namespace: 'flux-system' },
          spec: { type: 'slack', channel: 'general', secretRef: { name: 'slack-url' } },
        },
      ],
      alerts: [
        {
          apiVersion: 'notification.toolkit.fluxcd.io/v1beta3',
          kind: 'Alert',
          metadata: { name: 'all', namespace: 'flux-system' },
          spec: { providerRef: { name: 'slack' }, eventSources: [{ kind: 'Kustomization', name: '*' }] },
        },
      ],
      secrets: [
        {
          apiVersion: 'v1',
          kind: 'Secret',
          metadata: { name: 'slack-url', namespace: 'flux-system' },
          stringData: { address: 'https://hooks.slack.com/services/T000/B000/XXXX' },
        },
      ],
    };
    expect(validateManifestObjects(manifests)).toEqual([]);
  });
});

import type { Event } from '@notiflux/core';
import { createNotifier, NotifierError } from '@notiflux/providers';
import {
  alertmanagerProvider,
  encodeAlertmanagerAlert,
  encodeAlertmanagerPayload,
  goTitleCase,
} from '@notiflux/providers/alertmanager';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  ALERTMANAGER_TEST_LOGIN,
  type AlertmanagerTestServer,
  startAlertmanager,
} from '../support/alertmanager-server.js';
import { useProviderHarness } from '../support/provider-harness.js';
import { rejection } from '../support/rejection.js';
import { sampleEvent, upstreamTestEvent } from '../support/sample-events.js';
import { describeNeeding } from '../support/test-services.js';

const describeWithAlertmanager = describeNeeding('prometheus-alertmanager');

const { receiver, notifier } = useProviderHarness();
const providers = [alertmanagerProvider];
const TOKEN = 'am-bearer-token-secret';
const PASSWORD = 'am-basic-password-secret';
const basic = (user: string, password: string) =>
  `Basic ${Buffer.from(`${user}:${password}`).toString('base64')}`;

/** Upstream's body for the sample event, as Go writes it. */
const sampleBody =
  '[{"status":"firing","labels":{"alertname":"FluxKustomizationValidationfailed","kind":"Kustomization","name":"webapp","namespace":"apps","reason":"ValidationFailed","reportingcontroller":"kustomize-controller","revision":"main@sha1:731f7eaddfb6af01cb2173e18f0f75b0ba780ef1","severity":"error"},"annotations":{"message":"service/apps/webapp validation error: spec.type: Unsupported value: Ingress","summary":"Cluster: prod-eu"},"startsAt":"2022-10-28T07:26:19Z","endsAt":"0001-01-01T00:00:00Z"}]';

const infoEvent: Event = {
  ...sampleEvent,
  severity: 'info',
  reason: 'ReconciliationSucceeded',
  message: 'Reconciliation finished in 2.5s, next run in 10m0s',
};

/** Posts through a recording server and returns the one alert it received. */
async function postedAlert(event: Event) {
  const server = await receiver();
  await notifier({ type: 'alertmanager', address: `${server.url}/api/v2/alerts` }, { providers }).post(event);
  expect(server.requests).toHaveLength(1);
  const alerts = JSON.parse(server.requests[0]?.body ?? '') as ReturnType<typeof encodeAlertmanagerAlert>[];
  expect(alerts).toHaveLength(1);
  return alerts[0] as ReturnType<typeof encodeAlertmanagerAlert>;
}

describe('alertmanager request (recording server)', () => {
  it('POSTs the sample event as the spec body, byte for byte', async () => {
    const server = await receiver();
    await notifier({ type: 'alertmanager', address: `${server.url}/api/v2/alerts` }, { providers }).post(
      sampleEvent,
    );
    expect(server.requests).toHaveLength(1);
    const [request] = server.requests;
    expect(request?.method).toBe('POST');
    expect(request?.path).toBe('/api/v2/alerts');
    expect(request?.headers['content-type']).toBe('application/json');
    expect(request?.headers.authorization).toBeUndefined();
    expect(request?.body).toBe(sampleBody);
  });

  it('keeps the query string of the address', async () => {
    const server = await receiver();
    await notifier(
      { type: 'alertmanager', address: `${server.url}/am/api/v2/alerts?tenant=prod` },
      { providers },
    ).post(sampleEvent);
    expect(server.requests[0]?.path).toBe('/am/api/v2/alerts?tenant=prod');
  });

  it('sends info, trace and Progressing events as firing alerts too', async () => {
    const info = await postedAlert(infoEvent);
    expect(info.status).toBe('firing');
    expect(info.labels).toMatchObject({
      alertname: 'FluxKustomizationReconciliationsucceeded',
      reason: 'ReconciliationSucceeded',
      severity: 'info',
    });
    expect(info.annotations.message).toBe('Reconciliation finished in 2.5s, next run in 10m0s');

    const progressing = await postedAlert({ ...sampleEvent, severity: 'trace', reason: 'Progressing' });
    expect(progressing.status).toBe('firing');
    expect(progressing.labels.alertname).toBe('FluxKustomizationProgressing');
    expect(progressing.labels.severity).toBe('trace');
  });

  it('labels the upstream test event as upstream expects', async () => {
    const alert = await postedAlert(upstreamTestEvent);
    expect(alert).toEqual({
      status: 'firing',
      labels: {
        alertname: 'FluxGitRepositoryReason',
        kind: 'GitRepository',
        name: 'webapp',
        namespace: 'gitops-system',
        reason: 'reason',
        reportingcontroller: 'source-controller',
        severity: 'info',
        test: 'metadata',
      },
      annotations: { message: 'message' },
      startsAt: '2022-09-30T06:40:29Z',
      endsAt: '0001-01-01T00:00:00Z',
    });
  });

  it('sends multi-line, unicode and markup messages verbatim, escaped as Go does', async () => {
    const message = 'line 1\nline 2 — ünïcödé 🚀\n<b>bold</b> & *stars* _under_ `code` "quoted"';
    const server = await receiver();
    await notifier({ type: 'alertmanager', address: server.url }, { providers }).post({
      ...sampleEvent,
      message,
    });
    const body = server.requests[0]?.body ?? '';
    expect(body).toContain(
      '"message":"line 1\\nline 2 — ünïcödé 🚀\\n\\u003cb\\u003ebold\\u003c/b\\u003e \\u0026 *stars* _under_ `code` \\"quoted\\""',
    );
    expect((JSON.parse(body) as { annotations: { message: string } }[])[0]?.annotations.message).toBe(
      message,
    );
  });

  it('does not shorten long messages (Alertmanager takes them whole)', async () => {
    const message = 'x'.repeat(100_000);
    const alert = await postedAlert({ ...sampleEvent, message });
    expect(alert.annotations.message).toBe(message);
  });

  it('works without metadata: fixed labels only, no summary annotation', async () => {
    const { metadata: _dropped, ...withoutMetadata } = sampleEvent;
    const alert = await postedAlert(withoutMetadata);
    expect(Object.keys(alert.labels)).toEqual([
      'alertname',
      'kind',
      'name',
      'namespace',
      'reason',
      'reportingcontroller',
      'severity',
    ]);
    expect(alert.annotations).toEqual({ message: sampleEvent.message });
  });

  it('sends an empty summary annotation when the key is present, and an empty message', async () => {
    const alert = await postedAlert({ ...sampleEvent, message: '', metadata: { summary: '' } });
    expect(alert.annotations).toEqual({ message: '', summary: '' });
    expect(alert.labels).not.toHaveProperty('summary');
  });

  it('sorts many metadata labels, keeps valid names unchanged, and lets the fixed labels win', async () => {
    const metadata: Record<string, string> = {};
    for (let index = 0; index < 40; index++)
      metadata[`key_${String(39 - index).padStart(2, '0')}`] = `v${index}`;
    Object.assign(metadata, {
      'app-version': '1.2.3',
      'cluster.name': 'prod',
      severity: 'overridden',
      alertname: 'overridden',
      namespace: 'overridden',
      Zeta: 'upper case sorts first',
    });
    const server = await receiver();
    await notifier({ type: 'alertmanager', address: server.url }, { providers }).post({
      ...sampleEvent,
      metadata,
    });
    const body = server.requests[0]?.body ?? '';
    const [alert] = JSON.parse(body) as ReturnType<typeof encodeAlertmanagerAlert>[];
    const keys = Object.keys(alert?.labels ?? {});
    expect(keys).toEqual([...keys].sort());
    expect(keys[0]).toBe('Zeta');
    expect(keys).toHaveLength(40 + 3 + 7);
    expect(alert?.labels).toMatchObject({
      app_version: '1.2.3',
      cluster_name: 'prod',
      key_00: 'v39',
      severity: 'error',
      alertname: 'FluxKustomizationValidationfailed',
      namespace: 'apps',
    });
  });

  it('gives metadata keys that are not label names a valid name, the original key in an annotation (item 22)', async () => {
    const alert = await postedAlert({
      ...sampleEvent,
      metadata: {
        'app-version': '1.2.3',
        'oci-digest': 'sha256:abc',
        '1st': 'first',
        'app.version': 'clash',
        app_version_2: 'taken',
        'name!': 'not the fixed name',
        'emoji 🚀': 'x',
        summary: 'Cluster: prod-eu',
      },
    });
    expect(alert.labels).toMatchObject({
      app_version: '1.2.3',
      app_version_2: 'taken',
      app_version_3: 'clash',
      oci_digest: 'sha256:abc',
      _1st: 'first',
      name_: 'not the fixed name',
      emoji__: 'x',
      name: 'webapp',
    });
    expect(Object.keys(alert.labels).every((name) => /^[a-zA-Z_][a-zA-Z0-9_]*$/.test(name))).toBe(true);
    expect(alert.annotations).toEqual({
      message: sampleEvent.message,
      summary: 'Cluster: prod-eu',
      metadata_key_app_version: 'app-version',
      metadata_key_app_version_3: 'app.version',
      metadata_key_oci_digest: 'oci-digest',
      metadata_key__1st: '1st',
      metadata_key_name_: 'name!',
      metadata_key_emoji__: 'emoji 🚀',
    });
  });

  it('sends an empty namespace label for a cluster-scoped object and an empty alertname suffix for an empty reason', async () => {
    const { namespace: _none, ...clusterScoped } = sampleEvent.involvedObject;
    const alert = await postedAlert({ ...sampleEvent, involvedObject: clusterScoped, reason: '' });
    expect(alert.labels.namespace).toBe('');
    expect(alert.labels.alertname).toBe('FluxKustomization');
    expect(alert.labels.reason).toBe('');
  });

  it('converts startsAt to UTC whole seconds', async () => {
    const alert = await postedAlert({ ...sampleEvent, timestamp: '2022-10-28T09:26:19.987+02:00' });
    expect(alert.startsAt).toBe('2022-10-28T07:26:19Z');
    expect(alert.endsAt).toBe('0001-01-01T00:00:00Z');
  });

  it('never mutates the caller event, even when its encoder is used directly', async () => {
    const metadata = Object.freeze({ summary: 'Cluster: prod-eu', revision: 'main@sha1:abc' });
    const event = Object.freeze({ ...sampleEvent, metadata });
    const snapshot = structuredClone(event);
    expect(() => encodeAlertmanagerAlert(event)).not.toThrow();
    const server = await receiver();
    await notifier({ type: 'alertmanager', address: server.url }, { providers }).post(event);
    expect(event).toEqual(snapshot);
    expect(Object.keys(event.metadata)).toEqual(['summary', 'revision']);
  });

  it('exports its payload encoder: the request body', () => {
    expect(encodeAlertmanagerPayload(sampleEvent)).toBe(sampleBody);
  });
});

describe('alertmanager title-casing of the reason (Go cases.Title)', () => {
  it.each([
    ['ValidationFailed', 'Validationfailed'],
    ['ReconciliationSucceeded', 'Reconciliationsucceeded'],
    ['HealthCheckFailed', 'Healthcheckfailed'],
    ['Progressing', 'Progressing'],
    ['dependency-not-ready', 'Dependency-Not-Ready'],
    ['v1beta2', 'V1beta2'],
    ['', ''],
    ['snake_case_reason', 'Snake_case_reason'],
    ["it's a.b", "It's A.b"],
    ['a..b', 'A..B'],
    ['ÉCHEC été', 'Échec Été'],
    ['UPPER lower', 'Upper Lower'],
  ])('%j → %j', (reason, expected) => {
    expect(goTitleCase(reason)).toBe(expected);
  });
});

describe('alertmanager auth', () => {
  it('sends Basic auth when username and password are set, ignoring the token (as upstream)', async () => {
    const server = await receiver();
    await notifier(
      { type: 'alertmanager', address: server.url, username: 'flux', password: PASSWORD, token: TOKEN },
      { providers },
    ).post(sampleEvent);
    expect(server.requests[0]?.headers.authorization).toBe(basic('flux', PASSWORD));
  });

  it('sends the token as Bearer when Basic credentials are incomplete', async () => {
    const server = await receiver();
    await notifier({ type: 'alertmanager', address: server.url, token: TOKEN }, { providers }).post(
      sampleEvent,
    );
    await notifier(
      { type: 'alertmanager', address: server.url, token: TOKEN, username: 'flux' },
      { providers },
    ).post(sampleEvent);
    await notifier({ type: 'alertmanager', address: server.url, password: PASSWORD }, { providers }).post(
      sampleEvent,
    );
    expect(server.requests.map((request) => request.headers.authorization)).toEqual([
      `Bearer ${TOKEN}`,
      `Bearer ${TOKEN}`,
      undefined,
    ]);
  });

  it('turns userinfo in the address into Basic auth and strips it from the request', async () => {
    const server = await receiver();
    const address = `${server.url.replace('://', '://flux:p%40ss@')}/api/v2/alerts`;
    await notifier({ type: 'alertmanager', address }, { providers }).post(sampleEvent);
    await notifier({ type: 'alertmanager', address, token: TOKEN }, { providers }).post(sampleEvent);
    expect(server.requests[0]?.headers.authorization).toBe(basic('flux', 'p@ss'));
    expect(server.requests[0]?.path).toBe('/api/v2/alerts');
    expect(server.requests[1]?.headers.authorization).toBe(`Bearer ${TOKEN}`);
  });

  it('trims secret values and takes them from the Secret', async () => {
    const server = await receiver();
    await notifier(
      {
        type: 'alertmanager',
        address: 'https://ignored.example/api/v2/alerts',
        secret: { address: server.url, username: ' flux ', password: ` ${PASSWORD}\n` },
      },
      { providers },
    ).post(sampleEvent);
    expect(server.requests[0]?.headers.authorization).toBe(basic('flux', PASSWORD));
  });
});

describe('alertmanager encode', () => {
  it('returns the one request, Authorization and userinfo redacted', async () => {
    const withCredentials = createNotifier(
      {
        type: 'alertmanager',
        address: 'https://am.example.com/api/v2/alerts',
        username: 'flux',
        password: PASSWORD,
        token: TOKEN,
      },
      { providers },
    );
    const expected = {
      transport: 'http',
      method: 'POST',
      url: 'https://am.example.com/api/v2/alerts',
      headers: { 'Content-Type': 'application/json', Authorization: '<redacted>' },
      body: sampleBody,
    };
    expect(await withCredentials.encode(sampleEvent)).toEqual([expected]);

    const withUserinfo = createNotifier(
      { type: 'alertmanager', address: 'https://flux:url-secret@am.example.com/api/v2/alerts' },
      { providers },
    );
    const encoded = await withUserinfo.encode(sampleEvent);
    expect(encoded).toEqual([expected]);
    const shown = JSON.stringify([await withCredentials.encode(sampleEvent), encoded]);
    for (const secret of [TOKEN, PASSWORD, 'url-secret']) expect(shown).not.toContain(secret);
  });

  it('shows no Authorization header without credentials', async () => {
    const [message] = await createNotifier(
      { type: 'alertmanager', address: 'http://am.example.com/api/v2/alerts' },
      { providers },
    ).encode(infoEvent);
    expect(message).toMatchObject({ headers: { 'Content-Type': 'application/json' } });
    expect(message && 'headers' in message ? message.headers : {}).not.toHaveProperty('Authorization');
  });
});

describe('alertmanager spec validation', () => {
  it.each([
    ['', /address: invalid Alertmanager URL: required/],
    ['not a url', /address: invalid Alertmanager URL not a url: 'not an absolute URL'/],
    ['invalid-url', /address: invalid Alertmanager URL invalid-url: /],
    ['host.example/path', /address: invalid Alertmanager URL host\.example\/path: /],
    ['https://bad url :)', /address: invalid Alertmanager URL https:\/\/bad url :\): /],
    ['/api/v2/alerts', /address: invalid Alertmanager URL \/api\/v2\/alerts: /],
    [
      'localhost:9093/api',
      /address: invalid Alertmanager URL localhost:9093\/api: 'unsupported protocol scheme "localhost"'/,
    ],
    ['ftp://am.example.com', /unsupported protocol scheme "ftp"/],
  ])('rejects %j with INVALID_SPEC naming address', (address, message) => {
    const attempt = () => createNotifier({ type: 'alertmanager', address }, { providers });
    expect(attempt).toThrow(NotifierError);
    expect(attempt).toThrow(/^invalid alertmanager provider spec: address: invalid Alertmanager URL/);
    expect(attempt).toThrow(message);
    try {
      attempt();
    } catch (error) {
      expect((error as NotifierError).code).toBe('INVALID_SPEC');
    }
  });

  it('rejects a missing address', () => {
    expect(() => createNotifier({ type: 'alertmanager' }, { providers })).toThrow(
      /^invalid alertmanager provider spec: address: invalid Alertmanager URL: required/,
    );
  });

  it('hides userinfo of a rejected address', () => {
    const attempt = () =>
      createNotifier(
        { type: 'alertmanager', address: 'ftp://flux:url-secret@am.example.com' },
        { providers },
      );
    expect(attempt).toThrow('invalid Alertmanager URL ftp://<redacted>@am.example.com');
    expect(attempt).not.toThrow(/url-secret/);
    const unparsable = () =>
      createNotifier({ type: 'alertmanager', address: 'https://flux:url-secret@bad host' }, { providers });
    expect(unparsable).toThrow(NotifierError);
    expect(unparsable).not.toThrow(/url-secret/);
  });

  it('accepts an address with userinfo and needs nothing else', () => {
    expect(() =>
      createNotifier(
        { type: 'alertmanager', address: 'https://flux:pw@am.example.com/api/v2/alerts' },
        { providers },
      ),
    ).not.toThrow();
  });
});

describeWithAlertmanager('alertmanager against a real Prometheus Alertmanager', () => {
  let open: AlertmanagerTestServer;
  let secured: AlertmanagerTestServer;
  beforeAll(async () => {
    [open, secured] = await Promise.all([startAlertmanager(), startAlertmanager({ basicAuth: true })]);
  });
  afterAll(async () => {
    await Promise.all([open?.dispose(), secured?.dispose()]);
  });

  it('stores the posted alert with its labels, annotations and start time', async () => {
    await notifier({ type: 'alertmanager', address: open.alertsUrl }, { providers }).post(sampleEvent);
    const alerts = await open.alerts();
    const alert = alerts.find(
      (candidate) => candidate.labels.alertname === 'FluxKustomizationValidationfailed',
    );
    expect(alert?.labels).toEqual({
      alertname: 'FluxKustomizationValidationfailed',
      kind: 'Kustomization',
      name: 'webapp',
      namespace: 'apps',
      reason: 'ValidationFailed',
      reportingcontroller: 'kustomize-controller',
      revision: 'main@sha1:731f7eaddfb6af01cb2173e18f0f75b0ba780ef1',
      severity: 'error',
    });
    expect(alert?.annotations).toEqual({
      message: 'service/apps/webapp validation error: spec.type: Unsupported value: Ingress',
      summary: 'Cluster: prod-eu',
    });
    expect(Date.parse(alert?.startsAt ?? '')).toBe(Date.parse('2022-10-28T07:26:19Z'));
    // The zero endsAt is read as unset: Alertmanager sets its own resolve time in the future.
    expect(Date.parse(alert?.endsAt ?? '')).toBeGreaterThan(Date.now());
    expect(alert?.status.state).toBe('active');
  });

  it('accepts info events and events without metadata, dropping empty labels', async () => {
    const { metadata: _dropped, ...withoutMetadata } = infoEvent;
    const { namespace: _none, ...clusterScoped } = sampleEvent.involvedObject;
    const am = notifier({ type: 'alertmanager', address: open.alertsUrl }, { providers });
    await am.post(withoutMetadata);
    await am.post({ ...sampleEvent, involvedObject: { ...clusterScoped, kind: 'ClusterThing' } });
    const alerts = await open.alerts();
    const info = alerts.find(
      (alert) => alert.labels.alertname === 'FluxKustomizationReconciliationsucceeded',
    );
    expect(info?.labels.severity).toBe('info');
    expect(info?.annotations).toEqual({ message: infoEvent.message });
    const clusterAlert = alerts.find((alert) => alert.labels.kind === 'ClusterThing');
    expect(clusterAlert).toBeDefined();
    expect(clusterAlert?.labels).not.toHaveProperty('namespace');
  });

  it('stores an alert whose metadata keys are not label names, renamed (item 22)', async () => {
    await notifier({ type: 'alertmanager', address: open.alertsUrl }, { providers }).post({
      ...sampleEvent,
      reason: 'LabelNamesRenamed',
      metadata: { 'app-version': '1.2.3', 'oci-digest': 'sha256:abc', '1st': 'first' },
    });
    const alert = (await open.alerts()).find(
      (candidate) => candidate.labels.alertname === 'FluxKustomizationLabelnamesrenamed',
    );
    expect(alert?.labels).toMatchObject({ app_version: '1.2.3', oci_digest: 'sha256:abc', _1st: 'first' });
    expect(alert?.annotations).toMatchObject({
      metadata_key_app_version: 'app-version',
      metadata_key_oci_digest: 'oci-digest',
      metadata_key__1st: '1st',
    });
  });

  it('authenticates with username and password against its web config', async () => {
    const { username, password } = ALERTMANAGER_TEST_LOGIN;
    await notifier(
      { type: 'alertmanager', address: secured.alertsUrl, username, password },
      { providers },
    ).post({
      ...sampleEvent,
      reason: 'BasicAuthWorked',
    });
    const alerts = await secured.alerts();
    expect(alerts.map((alert) => alert.labels.alertname)).toContain('FluxKustomizationBasicauthworked');
  });

  it('authenticates with userinfo in the address', async () => {
    const { username, password } = ALERTMANAGER_TEST_LOGIN;
    const address = secured.alertsUrl.replace('://', `://${username}:${encodeURIComponent(password)}@`);
    await notifier({ type: 'alertmanager', address }, { providers }).post({
      ...sampleEvent,
      reason: 'UserinfoWorked',
    });
    const alerts = await secured.alerts();
    expect(alerts.map((alert) => alert.labels.alertname)).toContain('FluxKustomizationUserinfoworked');
  });

  it('fails with 401 and no secret shown when the password is wrong', async () => {
    const wrong = 'wrong-password-secret';
    const error = await rejection(
      notifier(
        { type: 'alertmanager', address: secured.alertsUrl, username: 'flux', password: wrong },
        { providers },
      ).post(sampleEvent),
    );
    expect(error.code).toBe('HTTP_STATUS');
    expect(error.status).toBe(401);
    expect(error.retryable).toBe(false);
    expect(error.message).not.toContain(wrong);
  });
});

import type { CreateOptions, Event, ProviderType } from '@notiflux/core';
import { createTelegramProvider } from '@notiflux/providers/telegram';
import { Agent, type Dispatcher } from 'undici';
import type { RecordedRequest, ScriptedResponse } from './recording-server.js';
import { sampleEvent } from './sample-events.js';

/**
 * The provider contract table: one row per way an HTTP provider is set up, read by
 * test/providers/provider-contract.test.ts, which runs every row through every clause of the
 * shared contract. How rows differ by design is data here, never a branch in the tests; how to
 * add a row: docs/design/testing.md.
 */
export interface ContractRow {
  /** The row's name in test titles: the type, with the mode where one type has several. */
  name: string;
  type: ProviderType;
  /** A valid spec for a service at `base` ('http(s)://127.0.0.1:PORT'), credentials included. */
  spec(base: string): Record<string, unknown>;
  /** createNotifier options a row needs to reach the local server (a fixed API host moved there). */
  options?(base: string): CreateOptions;
  /** The event the clauses post. */
  event: Event;
  /** The service's answer to each request of a successful post (reads and the delivery alike). */
  answer(request: RecordedRequest): ScriptedResponse;
  /**
   * `METHOD /path?query` of each request a successful post makes, in order (git types read first).
   * The last is the delivery, the request faults are scripted on.
   */
  calls: RegExp[];
  /** Where the credential shows on the wire, for the reader of the table. */
  credentialOnWire: string;
  /** Every credential of `spec`, as configured and as it may be encoded on the wire. */
  secrets: string[];
  /**
   * Headers the provider sets itself (lower-case name -> value sent). A custom header of the same
   * name never replaces them. The generic types let custom headers win by design: theirs is empty.
   */
  ownHeaders: Record<string, string>;
  /**
   * Whether spec.headers reach the wire. The git types send only their API's headers, as upstream's
   * SDK clients do; their own auth and content type must still survive a spec that sets both.
   */
  sendsCustomHeaders: boolean;
  /**
   * How a 4xx of the delivery fails. Every row fails at once; the code differs by design
   * (a service whose 4xx carries its own refusal is REJECTED).
   */
  clientError: { code: 'HTTP_STATUS' | 'REJECTED'; answer: ScriptedResponse };
  /** Encode shows `origin/<redacted>` for this row: the whole path and query are a credential. */
  encodeHidesPath?: boolean;
  /** The origin encode shows when the API host is fixed and `options` moved it to the local server. */
  apiOrigin?: string;
  /** Clauses the row does not take part in, with the reason. */
  outOfScope?: Partial<Record<ContractClause, string>>;
}

export type ContractClause =
  | 'customHeaders'
  | 'retries'
  | 'noRetryOn4xx'
  | 'timeout'
  | 'proxy'
  | 'customCa'
  | 'secrets'
  | 'encodeEqualsPost';

/** Types in the catalog that do not send through the core HTTP transport, and where they are tested. */
export const notOnHttpTransport: Partial<Record<ProviderType, string>> = {
  nats: 'NATS protocol to a real nats-server (test/providers/nats.test.ts: TLS, timeout, secrets)',
  googlepubsub:
    'gRPC to the Pub/Sub emulator (test/providers/googlepubsub.test.ts: timeout, secrets in errors and encode)',
  azureeventhub:
    'AMQP to a test peer (test/providers/azureeventhub.test.ts: timeout, TLS, secrets in errors and encode)',
};

const uid = '0c9c2e41-d2f9-4f9b-9c41-bebc1984d67a';
const provider = { uid, name: 'flux-contract', namespace: 'flux-system' };
const basic = (user: string, password: string) =>
  `Basic ${Buffer.from(`${user}:${password}`).toString('base64')}`;
const json = (status: number, body: unknown): ScriptedResponse => ({
  status,
  headers: { 'content-type': 'application/json' },
  body: JSON.stringify(body),
});
const accepted = (): ScriptedResponse => ({ status: 200, body: '' });
const plainRefusal: ScriptedResponse = { status: 400, body: 'bad request' };
const httpStatus = { code: 'HTTP_STATUS', answer: plainRefusal } as const;
const withChangeRequest = (id: string): Event => ({
  ...sampleEvent,
  metadata: { ...sampleEvent.metadata, change_request: id },
});
const call = (method: string, path: string) => new RegExp(`^${method} ${path}`);

// One credential per row, each distinct, so a leak names the row it came from.
const secret = {
  userinfo: 'userinfo-s3cret-pw',
  hmac: 'hmac-s3cret-key',
  slackWebhook: 'XXXXslackS3cretXXXX',
  slackToken: 'xoxb-slack-s3cret-token',
  discord: 'discord-webhook-s3cret',
  rocket: 'rocket-integration-s3cret',
  teamsSig: 'teamsSigS3cret',
  chatKey: 'chatKeyS3cret',
  chatToken: 'chatTokenS3cret',
  webex: 'webex-bot-s3cret',
  telegram: '123456789:AAH-telegram-s3cret',
  lark: 'lark-bot-s3cret-token',
  matrix: 'syt_matrix_s3cret_token',
  zulip: 'zulip-api-key-s3cret',
  zoom: 'zoom-verification-s3cret',
  github: 'ghp_github_s3cret_token',
  gitlab: 'glpat-gitlab-s3cret',
  gitea: 'gitea-s3cret-token',
  bitbucket: 'bitbucket-app-s3cret',
  bitbucketServer: 'BBDC-bitbucket-s3cret',
  azure: 'azure-devops-s3cret-pat',
  opsgenie: 'opsgenie-s3cret-key',
  pagerduty: 'R0UT1NGKEYs3cret0123456789abcdef',
  alertmanager: 'alertmanager-s3cret-pw',
  datadog: 'datadog-s3cret-api-key',
  grafana: 'glsa_grafana_s3cret',
  incident: 'incident-io-s3cret-token',
  sentryKey: 'f00dfeeds3cretpublickey',
  sentrySecret: 'sentrys3cretkey0a1b',
  otel: 'otel-s3cret-bearer-token',
  otelTenant: 'otel-tenant-s3cret',
};

/** Chat and alerting services: one POST, answered 2xx. */
function webhookRow(
  row: Omit<ContractRow, 'event' | 'answer' | 'sendsCustomHeaders' | 'clientError'> &
    Partial<Pick<ContractRow, 'answer' | 'sendsCustomHeaders' | 'clientError' | 'event'>>,
): ContractRow {
  return { event: sampleEvent, answer: accepted, sendsCustomHeaders: true, clientError: httpStatus, ...row };
}

/** Git services: reads first, then the write; only their API's headers; a 4xx is HTTP_STATUS. */
function gitRow(
  row: Omit<ContractRow, 'type' | 'event' | 'sendsCustomHeaders' | 'clientError'> &
    Partial<Pick<ContractRow, 'event'>>,
): ContractRow {
  return {
    type: row.name as ProviderType,
    event: sampleEvent,
    sendsCustomHeaders: false,
    clientError: httpStatus,
    ...row,
  };
}

const githubApi = (request: RecordedRequest): ScriptedResponse => {
  const path = request.path.split('?')[0] ?? '';
  if (request.method === 'GET' && path === '/api/v3/user') return json(200, { login: 'flux-bot' });
  if (request.method === 'GET') return json(200, []);
  return json(201, { id: 1 });
};
const gitlabApi = (request: RecordedRequest): ScriptedResponse => {
  const path = request.path.split('?')[0] ?? '';
  if (request.method === 'GET' && path === '/api/v4/user') return json(200, { id: 1, username: 'flux-bot' });
  if (request.method === 'GET') return json(200, []);
  return json(201, { id: 1 });
};
const giteaApi = (request: RecordedRequest): ScriptedResponse => {
  const path = request.path.split('?')[0] ?? '';
  if (request.method === 'GET' && path === '/api/v1/version') return json(200, { version: '1.21.5' });
  if (request.method === 'GET' && path === '/api/v1/user') return json(200, { id: 1, login: 'flux-bot' });
  if (request.method === 'GET') return json(200, []);
  return json(201, { id: 1 });
};

/** A dispatcher that sends requests for `origin` to `base` instead, for providers with a fixed API host. */
function redirectOrigin(origin: string, base: string): Dispatcher {
  const agent = new Agent();
  const dispatch = agent.dispatch.bind(agent);
  agent.dispatch = (options, handler) =>
    dispatch(String(options.origin) === origin ? { ...options, origin: base } : options, handler);
  return agent;
}

const sha = '731f7eaddfb6af01cb2173e18f0f75b0ba780ef1';

export const contractRows: ContractRow[] = [
  webhookRow({
    name: 'generic',
    type: 'generic',
    spec: (base) => ({ address: `${base.replace('://', `://flux:${secret.userinfo}@`)}/hook` }),
    calls: [/^POST \/hook$/],
    credentialOnWire: 'address userinfo as Authorization: Basic',
    secrets: [secret.userinfo, basic('flux', secret.userinfo).slice(6)],
    ownHeaders: {},
  }),
  webhookRow({
    name: 'generic-hmac',
    type: 'generic-hmac',
    spec: (base) => ({ address: `${base}/hook`, token: secret.hmac }),
    calls: [/^POST \/hook$/],
    credentialOnWire: 'the key signs the body: X-Signature (the key itself is never sent)',
    secrets: [secret.hmac],
    ownHeaders: {},
  }),
  webhookRow({
    name: 'slack (webhook)',
    type: 'slack',
    spec: (base) => ({
      address: `${base}/services/T000/B000/${secret.slackWebhook}`,
      token: secret.slackToken,
    }),
    calls: [/^POST \/services\/T000\/B000\//],
    encodeHidesPath: true,
    credentialOnWire: 'the webhook path; token as Authorization: Bearer',
    secrets: [secret.slackWebhook, secret.slackToken],
    ownHeaders: { authorization: `Bearer ${secret.slackToken}`, 'content-type': 'application/json' },
  }),
  webhookRow({
    name: 'slack (Web API chat.postMessage)',
    type: 'slack',
    spec: (base) => ({
      address: `${base}/api/chat.postMessage`,
      token: secret.slackToken,
      channel: 'general',
    }),
    answer: () => json(200, { ok: true }),
    calls: [/^POST \/api\/chat\.postMessage$/],
    credentialOnWire: 'token as Authorization: Bearer',
    secrets: [secret.slackToken],
    ownHeaders: {
      authorization: `Bearer ${secret.slackToken}`,
      'content-type': 'application/x-www-form-urlencoded',
    },
    // Slack's own refusal (ok:false in a JSON body) is REJECTED, on a 2xx or a 4xx.
    clientError: { code: 'REJECTED', answer: json(400, { ok: false, error: 'invalid_arguments' }) },
  }),
  webhookRow({
    name: 'discord',
    type: 'discord',
    spec: (base) => ({ address: `${base}/api/webhooks/123456/${secret.discord}` }),
    calls: [/^POST \/api\/webhooks\/123456\/[^/]+\/slack$/],
    encodeHidesPath: true,
    credentialOnWire: 'the webhook path',
    secrets: [secret.discord],
    ownHeaders: { 'content-type': 'application/json' },
  }),
  webhookRow({
    name: 'rocket',
    type: 'rocket',
    spec: (base) => ({ address: `${base}/hooks/65f1a2b3/${secret.rocket}` }),
    calls: [/^POST \/hooks\/65f1a2b3\//],
    encodeHidesPath: true,
    credentialOnWire: 'the integration path',
    secrets: [secret.rocket],
    ownHeaders: { 'content-type': 'application/json' },
  }),
  webhookRow({
    name: 'msteams',
    type: 'msteams',
    spec: (base) => ({
      address: `${base}/workflows/8f2c1e/triggers/manual/paths/invoke?api-version=2016-06-01&sig=${secret.teamsSig}`,
    }),
    calls: [/^POST \/workflows\/8f2c1e\//],
    encodeHidesPath: true,
    credentialOnWire: 'the sig query parameter of the workflow URL',
    secrets: [secret.teamsSig],
    ownHeaders: { 'content-type': 'application/json' },
  }),
  webhookRow({
    name: 'googlechat',
    type: 'googlechat',
    spec: (base) => ({
      address: `${base}/v1/spaces/AAAA/messages?key=${secret.chatKey}&token=${secret.chatToken}`,
    }),
    calls: [/^POST \/v1\/spaces\/AAAA\/messages\?/],
    encodeHidesPath: true,
    credentialOnWire: 'the key and token query parameters',
    secrets: [secret.chatKey, secret.chatToken],
    ownHeaders: { 'content-type': 'application/json' },
  }),
  webhookRow({
    name: 'webex',
    type: 'webex',
    spec: (base) => ({ address: `${base}/v1/messages`, channel: 'room-id', token: secret.webex }),
    calls: [/^POST \/v1\/messages$/],
    credentialOnWire: 'token as Authorization: Bearer',
    secrets: [secret.webex],
    ownHeaders: { authorization: `Bearer ${secret.webex}`, 'content-type': 'application/json' },
  }),
  webhookRow({
    name: 'telegram',
    type: 'telegram',
    spec: () => ({ channel: '-1001234567890:42', token: secret.telegram }),
    // The Bot API host is fixed; the provider factory moves it to the local server.
    options: (base) => ({ providers: [createTelegramProvider({ apiBaseUrl: base })] }),
    calls: [/^POST \/bot[^/]+\/sendMessage$/],
    credentialOnWire: 'the bot token in the path (/bot<token>/sendMessage)',
    secrets: [secret.telegram],
    ownHeaders: { 'content-type': 'application/json' },
  }),
  webhookRow({
    name: 'lark',
    type: 'lark',
    spec: (base) => ({ address: `${base}/open-apis/bot/v2/hook/${secret.lark}` }),
    answer: () => json(200, { code: 0, msg: 'success' }),
    calls: [/^POST \/open-apis\/bot\/v2\/hook\//],
    encodeHidesPath: true,
    credentialOnWire: 'the webhook path',
    secrets: [secret.lark],
    ownHeaders: { 'content-type': 'application/json' },
  }),
  webhookRow({
    name: 'matrix',
    type: 'matrix',
    spec: (base) => ({ address: base, channel: '!room:example.org', token: secret.matrix }),
    answer: () => json(200, { event_id: '$abc' }),
    calls: [/^PUT \/_matrix\/client\/v3\/rooms\/[^/]+\/send\/m\.room\.message\//],
    credentialOnWire: 'token as Authorization: Bearer',
    secrets: [secret.matrix],
    ownHeaders: { authorization: `Bearer ${secret.matrix}`, 'content-type': 'application/json' },
  }),
  webhookRow({
    name: 'zulip',
    type: 'zulip',
    spec: (base) => ({
      address: base,
      channel: 'general/alerts',
      username: 'flux-bot@example.org',
      password: secret.zulip,
    }),
    calls: [/^POST \/api\/v1\/messages$/],
    credentialOnWire: 'username and password as Authorization: Basic',
    secrets: [secret.zulip, basic('flux-bot@example.org', secret.zulip).slice(6)],
    ownHeaders: {
      authorization: basic('flux-bot@example.org', secret.zulip),
      'content-type': 'application/x-www-form-urlencoded',
    },
  }),
  webhookRow({
    name: 'zoom',
    type: 'zoom',
    spec: (base) => ({ address: `${base}/inbound/webhook`, token: secret.zoom }),
    calls: [/^POST \/inbound\/webhook\?format=full$/],
    encodeHidesPath: true,
    credentialOnWire: 'the verification token as the raw Authorization value',
    secrets: [secret.zoom],
    ownHeaders: { authorization: secret.zoom, 'content-type': 'application/json' },
  }),
  webhookRow({
    name: 'opsgenie',
    type: 'opsgenie',
    spec: (base) => ({ address: `${base}/v2/alerts`, token: secret.opsgenie }),
    calls: [/^POST \/v2\/alerts$/],
    credentialOnWire: 'token as Authorization: GenieKey',
    secrets: [secret.opsgenie],
    ownHeaders: { authorization: `GenieKey ${secret.opsgenie}`, 'content-type': 'application/json' },
  }),
  webhookRow({
    name: 'pagerduty',
    type: 'pagerduty',
    spec: (base) => ({ address: base, channel: secret.pagerduty }),
    calls: [/^POST \/v2\/enqueue$/],
    credentialOnWire: 'the routing key (channel) in the JSON body',
    secrets: [secret.pagerduty],
    ownHeaders: { 'content-type': 'application/json' },
  }),
  webhookRow({
    name: 'alertmanager',
    type: 'alertmanager',
    spec: (base) => ({
      address: `${base}/api/v2/alerts`,
      username: 'flux',
      password: secret.alertmanager,
    }),
    calls: [/^POST \/api\/v2\/alerts$/],
    credentialOnWire: 'username and password as Authorization: Basic',
    secrets: [secret.alertmanager, basic('flux', secret.alertmanager).slice(6)],
    ownHeaders: { authorization: basic('flux', secret.alertmanager), 'content-type': 'application/json' },
  }),
  webhookRow({
    name: 'alertmanager (userinfo)',
    type: 'alertmanager',
    spec: (base) => ({ address: `${base.replace('://', `://flux:${secret.userinfo}@`)}/api/v2/alerts` }),
    calls: [/^POST \/api\/v2\/alerts$/],
    credentialOnWire: 'user:password@ of the address as Authorization: Basic, stripped from the URL',
    secrets: [secret.userinfo, basic('flux', secret.userinfo).slice(6)],
    ownHeaders: { authorization: basic('flux', secret.userinfo), 'content-type': 'application/json' },
  }),
  webhookRow({
    name: 'datadog',
    type: 'datadog',
    spec: (base) => ({ address: base, token: secret.datadog }),
    answer: () => json(202, { status: 'ok' }),
    calls: [/^POST \/api\/v1\/events$/],
    credentialOnWire: 'token as DD-API-KEY',
    secrets: [secret.datadog],
    ownHeaders: { 'dd-api-key': secret.datadog, 'content-type': 'application/json' },
  }),
  webhookRow({
    name: 'grafana',
    type: 'grafana',
    spec: (base) => ({ address: `${base}/api/annotations`, token: secret.grafana }),
    calls: [/^POST \/api\/annotations$/],
    credentialOnWire: 'token as Authorization: Bearer',
    secrets: [secret.grafana],
    ownHeaders: { authorization: `Bearer ${secret.grafana}`, 'content-type': 'application/json' },
  }),
  webhookRow({
    name: 'grafana (userinfo)',
    type: 'grafana',
    spec: (base) => ({ address: `${base.replace('://', `://admin:${secret.userinfo}@`)}/api/annotations` }),
    calls: [/^POST \/api\/annotations$/],
    credentialOnWire: 'user:password@ of the address as Authorization: Basic, stripped from the URL',
    secrets: [secret.userinfo, basic('admin', secret.userinfo).slice(6)],
    ownHeaders: { authorization: basic('admin', secret.userinfo), 'content-type': 'application/json' },
  }),
  webhookRow({
    name: 'incident.io',
    type: 'incident.io',
    spec: (base) => ({ address: `${base}/v2/alert_events/http/source`, token: secret.incident }),
    answer: () => json(202, { status: 'success' }),
    calls: [/^POST \/v2\/alert_events\/http\/source$/],
    credentialOnWire: 'token as Authorization: Bearer',
    secrets: [secret.incident],
    ownHeaders: { authorization: `Bearer ${secret.incident}`, 'content-type': 'application/json' },
  }),
  webhookRow({
    name: 'sentry',
    type: 'sentry',
    spec: (base) => ({
      address: `${base.replace('://', `://${secret.sentryKey}:${secret.sentrySecret}@`)}/42`,
      channel: 'production',
    }),
    calls: [/^POST \/api\/42\/envelope\/$/],
    credentialOnWire: 'the DSN keys in X-Sentry-Auth',
    secrets: [secret.sentryKey, secret.sentrySecret],
    ownHeaders: { 'content-type': 'application/x-sentry-envelope' },
    sendsCustomHeaders: false,
    outOfScope: {
      customHeaders:
        'the Sentry SDK sends its own header set; spec.headers are not part of the DSN transport',
      encodeEqualsPost:
        'the wire form is an envelope with fresh ids around the encoded event (test/providers/sentry.test.ts, item 20)',
    },
  }),
  webhookRow({
    name: 'otel',
    type: 'otel',
    spec: (base) => ({
      address: `${base}/v1/traces`,
      token: secret.otel,
      secret: { headers: `X-Tenant: ${secret.otelTenant}` },
      provider,
    }),
    calls: [/^POST \/v1\/traces$/],
    credentialOnWire: 'token as Authorization: Bearer; a Secret header as sent',
    secrets: [secret.otel, secret.otelTenant],
    ownHeaders: { authorization: `Bearer ${secret.otel}`, 'content-type': 'application/x-protobuf' },
    outOfScope: {
      encodeEqualsPost:
        'encode shows OTLP/JSON, the wire is protobuf with a fresh span id (test/providers/otel.test.ts decodes and compares)',
    },
  }),
  gitRow({
    name: 'github',
    spec: (base) => ({ address: `${base}/my-org/my-repo`, token: secret.github, provider }),
    answer: githubApi,
    calls: [
      call('GET', `/api/v3/repos/my-org/my-repo/commits/${sha}/statuses\\?`),
      call('POST', `/api/v3/repos/my-org/my-repo/statuses/${sha}$`),
    ],
    credentialOnWire: 'token as Authorization: Bearer',
    secrets: [secret.github],
    ownHeaders: {
      authorization: `Bearer ${secret.github}`,
      'content-type': 'application/json; charset=utf-8',
    },
  }),
  gitRow({
    name: 'githubdispatch',
    spec: (base) => ({ address: `${base}/my-org/my-repo`, token: secret.github }),
    answer: () => ({ status: 204 }),
    calls: [call('POST', '/api/v3/repos/my-org/my-repo/dispatches$')],
    credentialOnWire: 'token as Authorization: Bearer',
    secrets: [secret.github],
    ownHeaders: { authorization: `Bearer ${secret.github}`, 'content-type': 'application/json' },
  }),
  gitRow({
    name: 'githubpullrequestcomment',
    spec: (base) => ({ address: `${base}/my-org/my-repo`, token: secret.github, provider }),
    event: withChangeRequest('42'),
    answer: githubApi,
    calls: [
      call('GET', '/api/v3/user$'),
      call('GET', '/api/v3/repos/my-org/my-repo/issues/42/comments\\?'),
      call('POST', '/api/v3/repos/my-org/my-repo/issues/42/comments$'),
    ],
    credentialOnWire: 'token as Authorization: Bearer',
    secrets: [secret.github],
    ownHeaders: {
      authorization: `Bearer ${secret.github}`,
      'content-type': 'application/json; charset=utf-8',
    },
  }),
  gitRow({
    name: 'gitlab',
    spec: (base) => ({ address: `${base}/my-group/my-project`, token: secret.gitlab, provider }),
    answer: gitlabApi,
    calls: [
      call('GET', `/api/v4/projects/my-group%2Fmy-project/repository/commits/${sha}/statuses\\?`),
      call('POST', `/api/v4/projects/my-group%2Fmy-project/statuses/${sha}$`),
    ],
    credentialOnWire: 'token as PRIVATE-TOKEN',
    secrets: [secret.gitlab],
    ownHeaders: { 'private-token': secret.gitlab, 'content-type': 'application/json' },
  }),
  gitRow({
    name: 'gitlabmergerequestcomment',
    spec: (base) => ({ address: `${base}/my-group/my-project`, token: secret.gitlab, provider }),
    event: withChangeRequest('7'),
    answer: gitlabApi,
    calls: [
      call('GET', '/api/v4/user$'),
      call('GET', '/api/v4/projects/my-group%2Fmy-project/merge_requests/7/notes\\?'),
      call('POST', '/api/v4/projects/my-group%2Fmy-project/merge_requests/7/notes$'),
    ],
    credentialOnWire: 'token as PRIVATE-TOKEN',
    secrets: [secret.gitlab],
    ownHeaders: { 'private-token': secret.gitlab, 'content-type': 'application/json' },
  }),
  gitRow({
    name: 'gitea',
    spec: (base) => ({ address: `${base}/my-org/my-repo`, token: secret.gitea, provider }),
    answer: giteaApi,
    calls: [
      call('GET', '/api/v1/version$'),
      call('GET', `/api/v1/repos/my-org/my-repo/commits/${sha}/statuses\\?`),
      call('POST', `/api/v1/repos/my-org/my-repo/statuses/${sha}$`),
    ],
    credentialOnWire: 'token as Authorization: token',
    secrets: [secret.gitea],
    ownHeaders: { authorization: `token ${secret.gitea}`, 'content-type': 'application/json' },
  }),
  gitRow({
    name: 'giteapullrequestcomment',
    spec: (base) => ({ address: `${base}/my-org/my-repo`, token: secret.gitea, provider }),
    event: withChangeRequest('42'),
    answer: giteaApi,
    calls: [
      call('GET', '/api/v1/version$'),
      call('GET', '/api/v1/user$'),
      call('GET', '/api/v1/repos/my-org/my-repo/issues/42/comments\\?'),
      call('POST', '/api/v1/repos/my-org/my-repo/issues/42/comments$'),
    ],
    credentialOnWire: 'token as Authorization: token',
    secrets: [secret.gitea],
    ownHeaders: { authorization: `token ${secret.gitea}`, 'content-type': 'application/json' },
  }),
  gitRow({
    name: 'bitbucket',
    spec: () => ({
      address: 'https://bitbucket.org/my-workspace/my-repo',
      token: `flux:${secret.bitbucket}`,
      provider,
    }),
    // The API host is fixed: a dispatcher sends what goes to api.bitbucket.org to the local server.
    options: (base) => ({ dispatcher: redirectOrigin('https://api.bitbucket.org', base) }),
    apiOrigin: 'https://api.bitbucket.org',
    answer: (request) =>
      request.method === 'GET' ? { status: 404, body: '{"type":"error"}' } : json(201, { key: 'x' }),
    calls: [
      call('GET', `/2.0/repositories/my-workspace/my-repo/commit/${sha}/statuses/build/[0-9a-f]+$`),
      call('POST', `/2.0/repositories/my-workspace/my-repo/commit/${sha}/statuses/build$`),
    ],
    credentialOnWire: 'the user:password token as Authorization: Basic',
    secrets: [secret.bitbucket, basic('flux', secret.bitbucket).slice(6)],
    ownHeaders: { authorization: basic('flux', secret.bitbucket), 'content-type': 'application/json' },
    outOfScope: {
      proxy:
        'the API host is fixed (https://api.bitbucket.org); the test reaches it through a caller dispatcher, which replaces proxy and TLS settings',
      customCa: 'the API host is fixed (https://api.bitbucket.org); the test certificate cannot stand for it',
    },
  }),
  gitRow({
    name: 'bitbucketserver',
    spec: (base) => ({ address: `${base}/scm/PROJ/my-repo.git`, token: secret.bitbucketServer, provider }),
    answer: (request) =>
      request.method === 'GET'
        ? { status: 404, body: '{"errors":[{"message":"No build status"}]}' }
        : { status: 204 },
    calls: [
      call('GET', `/rest/api/latest/projects/PROJ/repos/my-repo/commits/${sha}/builds\\?key=`),
      call('POST', `/rest/api/latest/projects/PROJ/repos/my-repo/commits/${sha}/builds$`),
    ],
    credentialOnWire: 'token as Authorization: Bearer',
    secrets: [secret.bitbucketServer],
    ownHeaders: { authorization: `Bearer ${secret.bitbucketServer}`, 'content-type': 'application/json' },
  }),
  gitRow({
    name: 'azuredevops',
    spec: (base) => ({ address: `${base}/my-org/my-project/_git/my-repo`, token: secret.azure, provider }),
    answer: (request) =>
      request.method === 'GET' ? json(200, { count: 0, value: [] }) : { status: 201, body: request.body },
    calls: [
      call('GET', `/my-org/my-project/_apis/git/repositories/my-repo/commits/${sha}/statuses$`),
      call('POST', `/my-org/my-project/_apis/git/repositories/my-repo/commits/${sha}/statuses$`),
    ],
    credentialOnWire: 'the PAT as Authorization: Basic with an empty user',
    secrets: [secret.azure, basic('', secret.azure).slice(6)],
    ownHeaders: { authorization: basic('', secret.azure), 'content-type': 'application/json;charset=utf-8' },
  }),
];

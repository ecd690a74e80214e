// One valid minimal spec per provider type, for the registry test and the bench's cold-start and
// loaded-module checks, which create a notifier of every type in `providerTypes`. A new provider
// type must add its spec here: the registry test and the cold-start child fail, naming the type,
// until it does. Nothing is ever sent to these addresses (createNotifier does not connect); they
// are local all the same.

const address = 'http://127.0.0.1:9/flux';

/** Provider type -> a spec `createNotifier` accepts. */
export const sampleSpecs = {
  generic: { type: 'generic', address },
  'generic-hmac': { type: 'generic-hmac', address, token: 'my-hmac-token' },
  slack: { type: 'slack', address: 'http://127.0.0.1:9/services/T000/B000/XXXX' },
  discord: { type: 'discord', address: 'http://127.0.0.1:9/api/webhooks/1/token' },
  rocket: { type: 'rocket', address: 'http://127.0.0.1:9/hooks/token' },
  msteams: { type: 'msteams', address: 'http://127.0.0.1:9/webhookb2/flux' },
  googlechat: { type: 'googlechat', address: 'http://127.0.0.1:9/v1/spaces/AAAA/messages?key=k&token=t' },
  webex: {
    type: 'webex',
    address: 'http://127.0.0.1:9/v1/messages',
    channel: 'room-id',
    token: 'webex-token',
  },
  telegram: { type: 'telegram', channel: '@flux', token: '123456:telegram-token' },
  lark: { type: 'lark', address: 'http://127.0.0.1:9/open-apis/bot/v2/hook/flux' },
  matrix: {
    type: 'matrix',
    address: 'http://127.0.0.1:9',
    channel: '!room:example.org',
    token: 'matrix-token',
  },
  zulip: {
    type: 'zulip',
    address: 'http://127.0.0.1:9',
    channel: 'flux/alerts',
    username: 'bot@example.org',
    password: 'zulip-key',
  },
  zoom: { type: 'zoom', address: 'http://127.0.0.1:9/inbound/webhook', token: 'zoom-token' },
  github: { type: 'github', address: 'http://127.0.0.1:9/org/repo', token: 'github-token' },
  githubdispatch: { type: 'githubdispatch', address: 'http://127.0.0.1:9/org/repo', token: 'github-token' },
  githubpullrequestcomment: {
    type: 'githubpullrequestcomment',
    address: 'http://127.0.0.1:9/org/repo',
    token: 'github-token',
    provider: { uid: '0c9c2e41-d2f9', name: 'github-comments', namespace: 'flux-system' },
  },
  gitlab: { type: 'gitlab', address: 'http://127.0.0.1:9/group/project', token: 'gitlab-token' },
  gitlabmergerequestcomment: {
    type: 'gitlabmergerequestcomment',
    address: 'http://127.0.0.1:9/group/project',
    token: 'gitlab-token',
    provider: { uid: '0c9c2e41-d2f9', name: 'gitlab-comments', namespace: 'flux-system' },
  },
  gitea: { type: 'gitea', address: 'http://127.0.0.1:9/org/repo', token: 'gitea-token' },
  giteapullrequestcomment: {
    type: 'giteapullrequestcomment',
    address: 'http://127.0.0.1:9/org/repo',
    token: 'gitea-token',
    provider: { uid: '0c9c2e41-d2f9', name: 'gitea-comments', namespace: 'flux-system' },
  },
  bitbucket: { type: 'bitbucket', address: 'http://127.0.0.1:9/workspace/repo', token: 'user:app-password' },
  bitbucketserver: {
    type: 'bitbucketserver',
    address: 'http://127.0.0.1:9/scm/proj/repo.git',
    token: 'bitbucket-server-token',
  },
  azuredevops: {
    type: 'azuredevops',
    address: 'http://127.0.0.1:9/org/project/_git/repo',
    token: 'azure-devops-pat',
  },
  opsgenie: { type: 'opsgenie', address: 'http://127.0.0.1:9/v2/alerts', token: 'opsgenie-key' },
  pagerduty: { type: 'pagerduty', address: 'http://127.0.0.1:9', channel: 'pagerduty-routing-key' },
  alertmanager: { type: 'alertmanager', address: 'http://127.0.0.1:9/api/v2/alerts' },
  datadog: { type: 'datadog', address: 'http://127.0.0.1:9', token: 'datadog-api-key' },
  grafana: { type: 'grafana', address: 'http://127.0.0.1:9/api/annotations', token: 'grafana-token' },
  'incident.io': {
    type: 'incident.io',
    address: 'http://127.0.0.1:9/v2/alert_events/http/source',
    token: 'incident-token',
  },
  sentry: { type: 'sentry', address: 'http://publickey@127.0.0.1:9/42', channel: 'production' },
  otel: {
    type: 'otel',
    address: 'http://127.0.0.1:9/v1/traces',
    provider: { uid: '0c9c2e41-d2f9', name: 'otel', namespace: 'flux-system' },
  },
  nats: { type: 'nats', address: 'nats://127.0.0.1:4222', channel: 'flux.events' },
  googlepubsub: { type: 'googlepubsub', address: 'my-project', channel: 'flux-events' },
  azureeventhub: {
    type: 'azureeventhub',
    address: 'Endpoint=sb://127.0.0.1/;SharedAccessKeyName=k;SharedAccessKey=v;EntityPath=hub',
  },
};

/** The sample spec of `type`; throws, naming it, when there is none. */
export function sampleSpecFor(type) {
  if (!Object.hasOwn(sampleSpecs, type)) {
    throw new Error(`test/support/sample-specs.mjs has no sample spec for provider type '${type}': add one`);
  }
  return sampleSpecs[type];
}

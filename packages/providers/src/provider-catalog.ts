/** What a provider type is for, as the README's provider table groups them. */
export type ProviderKind =
  | 'generic webhook'
  | 'generic webhook, signed'
  | 'chat'
  | 'git commit status'
  | 'git dispatch'
  | 'git comment'
  | 'incident'
  | 'events'
  | 'annotations'
  | 'tracing'
  | 'broker';

/** An optional peer dependency a type loads on first use, and when it needs it. */
export interface ProviderCatalogPeer {
  package: string;
  /** Set when only some specs of the type need the package. */
  when?: string;
}

export interface ProviderCatalogEntry {
  type: string;
  kind: ProviderKind;
  /** Empty when the type needs nothing beyond this package. */
  sdks: readonly ProviderCatalogPeer[];
}

const octokit: ProviderCatalogPeer[] = [{ package: '@octokit/rest' }];
const gitbeaker: ProviderCatalogPeer[] = [{ package: '@gitbeaker/rest' }];

/**
 * Every built-in type with its kind and the SDK it needs, in the order of `providerTypes`; for
 * tools that list the types (`notiflux types`) without loading any provider.
 */
export const providerCatalog: readonly ProviderCatalogEntry[] = [
  { type: 'generic', kind: 'generic webhook', sdks: [] },
  { type: 'generic-hmac', kind: 'generic webhook, signed', sdks: [] },
  {
    type: 'slack',
    kind: 'chat',
    sdks: [{ package: '@slack/web-api', when: 'with a bot token (chat.postMessage)' }],
  },
  { type: 'discord', kind: 'chat', sdks: [] },
  { type: 'rocket', kind: 'chat', sdks: [] },
  { type: 'msteams', kind: 'chat', sdks: [] },
  { type: 'googlechat', kind: 'chat', sdks: [] },
  { type: 'webex', kind: 'chat', sdks: [] },
  { type: 'telegram', kind: 'chat', sdks: [] },
  { type: 'lark', kind: 'chat', sdks: [] },
  { type: 'matrix', kind: 'chat', sdks: [] },
  { type: 'zulip', kind: 'chat', sdks: [] },
  { type: 'zoom', kind: 'chat', sdks: [] },
  { type: 'github', kind: 'git commit status', sdks: octokit },
  { type: 'githubdispatch', kind: 'git dispatch', sdks: octokit },
  { type: 'githubpullrequestcomment', kind: 'git comment', sdks: octokit },
  { type: 'gitlab', kind: 'git commit status', sdks: gitbeaker },
  { type: 'gitlabmergerequestcomment', kind: 'git comment', sdks: gitbeaker },
  { type: 'gitea', kind: 'git commit status', sdks: [] },
  { type: 'giteapullrequestcomment', kind: 'git comment', sdks: [] },
  { type: 'bitbucket', kind: 'git commit status', sdks: [] },
  { type: 'bitbucketserver', kind: 'git commit status', sdks: [] },
  { type: 'azuredevops', kind: 'git commit status', sdks: [] },
  { type: 'opsgenie', kind: 'incident', sdks: [] },
  { type: 'pagerduty', kind: 'incident', sdks: [] },
  { type: 'alertmanager', kind: 'incident', sdks: [] },
  { type: 'datadog', kind: 'events', sdks: [] },
  { type: 'grafana', kind: 'annotations', sdks: [] },
  { type: 'incident.io', kind: 'incident', sdks: [] },
  { type: 'sentry', kind: 'tracing', sdks: [{ package: '@sentry/node' }] },
  { type: 'otel', kind: 'tracing', sdks: [] },
  { type: 'nats', kind: 'broker', sdks: [{ package: 'nats' }] },
  { type: 'googlepubsub', kind: 'broker', sdks: [{ package: '@google-cloud/pubsub' }] },
  {
    type: 'azureeventhub',
    kind: 'broker',
    sdks: [
      { package: '@azure/event-hubs' },
      { package: '@azure/identity', when: 'when neither a connection string nor a token is given' },
    ],
  },
];

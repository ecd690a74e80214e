/** Every provider type of Flux's notification-controller (v1beta3 enum). */
export const fluxProviderTypes = [
  'generic',
  'generic-hmac',
  'slack',
  'discord',
  'msteams',
  'rocket',
  'googlechat',
  'webex',
  'telegram',
  'lark',
  'matrix',
  'zulip',
  'zoom',
  'sentry',
  'otel',
  'opsgenie',
  'pagerduty',
  'alertmanager',
  'grafana',
  'datadog',
  'incident.io',
  'azureeventhub',
  'googlepubsub',
  'nats',
  'github',
  'githubdispatch',
  'githubpullrequestcomment',
  'gitlab',
  'gitlabmergerequestcomment',
  'gitea',
  'giteapullrequestcomment',
  'bitbucket',
  'bitbucketserver',
  'azuredevops',
] as const;

export type BuiltinProviderType = (typeof fluxProviderTypes)[number];
/** A built-in type, or the type of a provider registered with `defineProvider`. */
export type ProviderType = BuiltinProviderType | (string & {});

/** Alternative spellings accepted for a type (the type string changed before release upstream). */
export const providerTypeAliases: Readonly<Record<string, BuiltinProviderType>> = {
  incidentio: 'incident.io',
};

/** How the dispatcher routes events to a provider (docs/design/events-and-metadata.md#delivery-rules). */
export type ProviderCategory = 'generic' | 'commit-status' | 'change-request' | 'alerting';

export const commitStatusProviderTypes: ReadonlySet<ProviderType> = new Set([
  'github',
  'gitlab',
  'gitea',
  'bitbucketserver',
  'bitbucket',
  'azuredevops',
]);

export const changeRequestProviderTypes: ReadonlySet<ProviderType> = new Set([
  'githubpullrequestcomment',
  'gitlabmergerequestcomment',
  'giteapullrequestcomment',
]);

export function providerCategoryOf(type: ProviderType): ProviderCategory {
  if (type === 'generic' || type === 'generic-hmac') return 'generic';
  if (commitStatusProviderTypes.has(type)) return 'commit-status';
  if (changeRequestProviderTypes.has(type)) return 'change-request';
  return 'alerting';
}

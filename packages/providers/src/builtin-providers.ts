import type { AnyProviderDefinition, ProviderSpecOf } from '@notiflux/core';
import { alertmanagerProvider } from './providers/alertmanager.js';
import { azuredevopsProvider } from './providers/azuredevops.js';
import { azureeventhubProvider } from './providers/azureeventhub.js';
import { bitbucketProvider } from './providers/bitbucket.js';
import { bitbucketserverProvider } from './providers/bitbucketserver.js';
import { datadogProvider } from './providers/datadog.js';
import { discordProvider } from './providers/discord.js';
import { genericProvider } from './providers/generic.js';
import { genericHmacProvider } from './providers/generic-hmac.js';
import { giteaProvider } from './providers/gitea.js';
import { giteapullrequestcommentProvider } from './providers/giteapullrequestcomment.js';
import { githubProvider } from './providers/github.js';
import { githubdispatchProvider } from './providers/githubdispatch.js';
import { githubpullrequestcommentProvider } from './providers/githubpullrequestcomment.js';
import { gitlabProvider } from './providers/gitlab.js';
import { gitlabmergerequestcommentProvider } from './providers/gitlabmergerequestcomment.js';
import { googlechatProvider } from './providers/googlechat.js';
import { googlepubsubProvider } from './providers/googlepubsub.js';
import { grafanaProvider } from './providers/grafana.js';
import { incidentIoProvider } from './providers/incident.io.js';
import { larkProvider } from './providers/lark.js';
import { matrixProvider } from './providers/matrix.js';
import { msteamsProvider } from './providers/msteams.js';
import { natsProvider } from './providers/nats.js';
import { opsgenieProvider } from './providers/opsgenie.js';
import { otelProvider } from './providers/otel.js';
import { pagerdutyProvider } from './providers/pagerduty.js';
import { rocketProvider } from './providers/rocket.js';
import { sentryProvider } from './providers/sentry.js';
import { slackProvider } from './providers/slack.js';
import { telegramProvider } from './providers/telegram.js';
import { webexProvider } from './providers/webex.js';
import { zoomProvider } from './providers/zoom.js';
import { zulipProvider } from './providers/zulip.js';

/**
 * Every provider type this package implements, in the order of the README table; typed one by
 * one, so that each type's spec is known (`ProviderSpecFor<'slack'>`).
 */
export const builtinProviders = [
  genericProvider,
  genericHmacProvider,
  slackProvider,
  discordProvider,
  rocketProvider,
  msteamsProvider,
  googlechatProvider,
  webexProvider,
  telegramProvider,
  larkProvider,
  matrixProvider,
  zulipProvider,
  zoomProvider,
  githubProvider,
  githubdispatchProvider,
  githubpullrequestcommentProvider,
  gitlabProvider,
  gitlabmergerequestcommentProvider,
  giteaProvider,
  giteapullrequestcommentProvider,
  bitbucketProvider,
  bitbucketserverProvider,
  azuredevopsProvider,
  opsgenieProvider,
  pagerdutyProvider,
  alertmanagerProvider,
  datadogProvider,
  grafanaProvider,
  incidentIoProvider,
  sentryProvider,
  otelProvider,
  natsProvider,
  googlepubsubProvider,
  azureeventhubProvider,
] as const satisfies readonly AnyProviderDefinition[];

type BuiltinDefinition = (typeof builtinProviders)[number];

/** A built-in `type` value, aliases included (`incidentio`). */
export type BuiltinSpecType = BuiltinDefinition extends infer Definition
  ? Definition extends { type: infer Type; aliases?: readonly (infer Alias)[] }
    ? Type | Alias
    : never
  : never;

type DefinitionOf<Type extends BuiltinSpecType> = BuiltinDefinition extends infer Definition
  ? Definition extends { type: infer Own; aliases?: readonly (infer Alias)[] }
    ? Type extends Own | Alias
      ? Definition
      : never
    : never
  : never;

/**
 * The spec of one built-in type: the common `ProviderSpec` fields and that type's own, with
 * `type: Type`. A field the type requires is required here unless a Flux Secret may supply it
 * (`address`, `token`, `username`, `password`, `proxy`, `headers`): `{ type: 'pagerduty' }`
 * lacks its `channel` and does not compile, `{ type: 'slack' }` compiles, since `secret.address`
 * may hold the webhook, and `createNotifier` says at run time when neither has it.
 */
export type ProviderSpecFor<Type extends BuiltinSpecType> = ProviderSpecOf<DefinitionOf<Type>> & {
  type: Type;
};

/** Any built-in type's spec, told apart by `type`: what `createNotifier` takes. */
export type BuiltinProviderSpec = { [Type in BuiltinSpecType]: ProviderSpecFor<Type> }[BuiltinSpecType];

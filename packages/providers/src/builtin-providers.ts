import type { AnyProviderDefinition } from '@notiflux/core';
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

/** Every provider type this package implements, in the order of the README table. */
export const builtinProviders: readonly AnyProviderDefinition[] = [
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
];

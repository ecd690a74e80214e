/**
 * `githubdispatch`: fires a GitHub `repository_dispatch` event carrying the whole Flux event as
 * `client_payload`, so a GitHub Actions workflow can react to it (upstream
 * `internal/notifier/github_dispatch.go`; shared algorithms in docs/design/git-providers.md).
 */
import {
  bearerAuth,
  defineProvider,
  type Event,
  encodeFluxEventJson,
  type HttpRequest,
  REDACTED,
  type ResolvedSpec,
  requiredString,
  type SendContext,
} from '@notiflux/core';
import { GITHUB_APP_PUBLIC_SECRET_KEYS } from '../git/github-app-token.js';
import {
  createOctokit,
  GITHUB_HEADERS,
  githubCall,
  githubHttpOptions,
  type OctokitModule,
  octokitSdk,
  resolveGitHubToken,
} from '../git/github-octokit.js';
import { type GitHubRepository, githubTargetOf, validateGitHubSpec } from '../git/github-repository.js';

const githubDispatchSpec = { address: requiredString('the repository URL') };

/** `<Kind>/<name>.<namespace>`, case kept, unescaped (`Kustomization/webapp.apps`). */
export function githubDispatchEventType(event: Event): string {
  const { kind, name, namespace = '' } = event.involvedObject;
  return `${kind}/${name}.${namespace}`;
}

/**
 * The dispatch body: `event_type`, then the event in its canonical JSON (the generic webhook's
 * serialisation) as `client_payload`, embedded as an object.
 */
export function encodeGitHubDispatchPayload(event: Event): string {
  return `{"event_type":${JSON.stringify(githubDispatchEventType(event))},"client_payload":${encodeFluxEventJson(event)}}`;
}

function dispatchUrl({ apiBaseUrl, owner, repo }: GitHubRepository): string {
  return `${apiBaseUrl}repos/${encodeURIComponent(owner)}/${encodeURIComponent(repo)}/dispatches`;
}

type GitHubDispatchConfig = ResolvedSpec & { address: string };

export const githubdispatchProvider = defineProvider({
  type: 'githubdispatch',
  http: githubHttpOptions,
  spec: githubDispatchSpec,
  publicSecretKeys: GITHUB_APP_PUBLIC_SECRET_KEYS,
  validate: validateGitHubSpec,
  encode(event, spec): HttpRequest[] {
    const { auth, repository } = githubTargetOf(spec);
    // An App's installation token is only known after an exchange: show that one is sent.
    const authorization = bearerAuth(auth.kind === 'token' ? auth.token : REDACTED);
    return [
      {
        transport: 'http',
        method: 'POST',
        url: dispatchUrl(repository),
        headers: { Authorization: authorization, ...GITHUB_HEADERS, 'Content-Type': 'application/json' },
        body: encodeGitHubDispatchPayload(event),
      },
    ];
  },
  sdk: octokitSdk,
  send: sendGitHubDispatch,
});

async function sendGitHubDispatch(
  event: Event,
  context: SendContext<GitHubDispatchConfig, OctokitModule>,
): Promise<void> {
  const { auth, repository } = githubTargetOf(context.spec);
  const send = context.http.send;
  const { token } = await resolveGitHubToken('githubdispatch', auth, send);
  const octokit = createOctokit(await context.sdk(), { apiBaseUrl: repository.apiBaseUrl, token, send });
  const redact = (text: string) => context.redactor.with([token]).text(text);
  const { owner, repo } = repository;
  // `data` sends the body as encoded, so the payload keeps the canonical key order.
  await githubCall('githubdispatch', 'could not send github repository dispatch webhook', redact, () =>
    // A plain route string: the typed route would want `client_payload` as an object.
    octokit.request('POST /repos/{owner}/{repo}/dispatches' as string, {
      owner,
      repo,
      data: encodeGitHubDispatchPayload(event),
      headers: { 'content-type': 'application/json' },
    }),
  );
}

export default githubdispatchProvider;

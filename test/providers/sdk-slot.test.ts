// The SDK slot: an injected SDK module is the one used (the optional peer is never imported), a
// missing peer still fails as MISSING_DEPENDENCY, and every SDK's requests go through the core
// transport (a 503 retried by core, one onAttempt report per attempt, no secret in errors).
import type { AttemptInfo, Event } from '@notiflux/core';
import { type AnyProviderDefinition, defineProvider, httpAddress, NotifierError } from '@notiflux/core';
import type { BuiltinProviderSpec } from '@notiflux/providers';
import { githubProvider } from '@notiflux/providers/github';
import { gitlabProvider } from '@notiflux/providers/gitlab';
import { sentryProvider } from '@notiflux/providers/sentry';
import { slackProvider } from '@notiflux/providers/slack';
import { describe, expect, it, vi } from 'vitest';
import { notInstalled, withoutPeer, withPeerMissing } from '../support/missing-peer.js';
import { useProviderHarness } from '../support/provider-harness.js';
import type { RecordedRequest, ScriptedResponse } from '../support/recording-server.js';
import { rejection } from '../support/rejection.js';
import { sampleEvent } from '../support/sample-events.js';

const { receiver, notifier } = useProviderHarness();
const SECRET = 'tok_5ecret_value_4242';
const DSN_KEY = 'f00dfeed1234publickey';
const fast = { retries: 2, minDelayMs: 1, maxDelayMs: 2 };
const json = (status: number, body: unknown): ScriptedResponse => ({
  status,
  headers: { 'content-type': 'application/json' },
  body: JSON.stringify(body),
});

describe('sdk slot: loading and injecting', () => {
  /** A provider whose SDK greets; `seen` collects what `send` got from it. */
  function greeterProvider(load: () => Promise<{ greet(name: string): string }>, seen: string[]) {
    return defineProvider({
      type: 'greeter',
      spec: { address: httpAddress },
      sdk: { package: 'greeter-sdk', load },
      encode: () => [],
      send: async (_event, context) => {
        seen.push((await context.sdk()).greet('flux'));
      },
    });
  }

  it('loads the declared SDK once, on the first post that asks for it, and gives it typed', async () => {
    const load = vi.fn(async () => ({ greet: (name: string) => `hello ${name}` }));
    const seen: string[] = [];
    const greeter = greeterProvider(load, seen);
    const created = notifier({ type: 'greeter', address: 'http://127.0.0.1:9' }, { providers: [greeter] });
    expect(load).not.toHaveBeenCalled();
    await created.post(sampleEvent);
    await created.post(sampleEvent);
    expect(seen).toEqual(['hello flux', 'hello flux']);
    expect(load).toHaveBeenCalledTimes(1);
  });

  it('uses the module given in CreateOptions.sdk and never calls the loader', async () => {
    const load = vi.fn(async () => ({ greet: (_name: string) => 'from the peer' }));
    const seen: string[] = [];
    const injected = { greet: (name: string) => `injected ${name}` };
    await notifier(
      { type: 'greeter', address: 'http://127.0.0.1:9' },
      { providers: [greeterProvider(load, seen)], sdk: { 'greeter-sdk': injected } },
    ).post(sampleEvent);
    expect(seen).toEqual(['injected flux']);
    expect(load).not.toHaveBeenCalled();
  });

  it('keeps the MISSING_DEPENDENCY error of a missing peer, and tries again on the next post', async () => {
    const load = vi.fn(async (): Promise<{ version: string }> => {
      throw notInstalled('greeter-sdk');
    });
    const greeter = defineProvider({
      type: 'greeter',
      spec: { address: httpAddress },
      sdk: { package: 'greeter-sdk', load, install: 'npm install greeter-sdk greeter-extras' },
      encode: () => [],
      send: async (_event, context) => void (await context.sdk()),
    });
    const created = notifier({ type: 'greeter', address: 'http://127.0.0.1:9' }, { providers: [greeter] });
    const error = await rejection(created.post(sampleEvent));
    expect(error).toMatchObject({ code: 'MISSING_DEPENDENCY', providerType: 'greeter', retryable: false });
    expect(error.message).toBe(
      'the greeter provider needs the optional package "greeter-sdk", which is not installed: run `npm install greeter-sdk greeter-extras`',
    );
    await rejection(created.post(sampleEvent));
    expect(load).toHaveBeenCalledTimes(2);
  });

  it("slack: an injected @slack/web-api is used; the optional peer's import never happens", async () => {
    const real = await vi.importActual<typeof import('@slack/web-api')>('@slack/web-api');
    await withPeerMissing('@slack/web-api', async (imports) => {
      const fresh = await import('@notiflux/providers/slack');
      const server = await receiver({ respondWith: json(200, { ok: true }) });
      const constructed = vi.fn();
      class RecordingWebClient extends real.WebClient {
        constructor(...args: ConstructorParameters<typeof real.WebClient>) {
          constructed();
          super(...args);
        }
      }
      await notifier(
        { type: 'slack', address: `${server.url}/api/chat.postMessage`, token: SECRET, channel: 'general' },
        { providers: [fresh.slackProvider], sdk: { '@slack/web-api': { WebClient: RecordingWebClient } } },
      ).post(sampleEvent);
      expect(imports).not.toHaveBeenCalled();
      expect(constructed).toHaveBeenCalledTimes(1);
      expect(server.requests).toHaveLength(1);
      expect(server.requests[0]?.headers['user-agent']).toContain('@slack:web-api');

      // Without the injection, the notifier imports the peer (which the mock refuses).
      await rejection(
        notifier(
          { type: 'slack', address: `${server.url}/api/chat.postMessage`, token: SECRET },
          { providers: [fresh.slackProvider] },
        ).post(sampleEvent),
      );
      expect(imports).toHaveBeenCalledTimes(1);
      expect(server.requests).toHaveLength(1);
    });
  });
});

/** One SDK-backed type: its spec against a server, and the answer its SDK takes as success. */
interface SdkCase {
  name: string;
  spec(url: string): BuiltinProviderSpec;
  providers: { providers: AnyProviderDefinition[] };
  ok(request: RecordedRequest): ScriptedResponse;
  /** What the server echoes back in a refusal, and must never be shown. */
  secret: string;
}

const SHA = '731f7eaddfb6af01cb2173e18f0f75b0ba780ef1';
const gitUid = { uid: '0c9c2e41-d2f9-4f9b-9c41-bebc1984d67a', name: 'flux-status', namespace: 'flux-system' };

const sdkCases: SdkCase[] = [
  {
    name: 'slack (WebClient)',
    spec: (url) => ({ type: 'slack', address: `${url}/api/chat.postMessage`, token: SECRET, channel: 'c' }),
    providers: { providers: [slackProvider] },
    ok: () => json(200, { ok: true }),
    secret: SECRET,
  },
  {
    name: 'github (Octokit)',
    spec: (url) => ({ type: 'github', address: `${url}/my-org/my-repo`, token: SECRET, provider: gitUid }),
    providers: { providers: [githubProvider] },
    ok: (request) => (request.method === 'GET' ? json(200, []) : json(201, { id: 1 })),
    secret: SECRET,
  },
  {
    name: 'gitlab (Gitbeaker)',
    spec: (url) => ({
      type: 'gitlab',
      address: `${url}/my-group/my-project`,
      token: SECRET,
      provider: gitUid,
    }),
    providers: { providers: [gitlabProvider] },
    ok: (request) => (request.method === 'GET' ? json(200, []) : json(201, { id: 1 })),
    secret: SECRET,
  },
  {
    name: 'sentry (@sentry/node)',
    spec: (url) => ({ type: 'sentry', address: url.replace('://', `://${DSN_KEY}@`).concat('/42') }),
    providers: { providers: [sentryProvider] },
    ok: () => json(200, { id: SHA.slice(0, 32) }),
    secret: DSN_KEY,
  },
];

describe.each(sdkCases)('sdk slot: $name sends through the core transport', (sdkCase) => {
  it('a 503 is retried once by core, and each attempt is reported exactly once', async () => {
    const server = await receiver({
      respondWith: (request, index) => (index === 0 ? { status: 503, body: 'busy' } : sdkCase.ok(request)),
    });
    const attempts: AttemptInfo[] = [];
    await notifier(
      { ...sdkCase.spec(server.url), retry: fast },
      { ...sdkCase.providers, onAttempt: (info) => attempts.push(info) },
    ).post(sampleEvent as Event);
    // One request per report: the SDK added no attempt of its own, and core saw every one.
    expect(attempts).toHaveLength(server.requests.length);
    expect(attempts[0]).toMatchObject({ attempt: 1, status: 503, method: server.requests[0]?.method });
    expect(attempts[0]?.retryInMs).toBeGreaterThanOrEqual(0);
    expect(attempts[1]).toMatchObject({ attempt: 2, method: server.requests[0]?.method });
    expect(attempts[1]?.status).toBeGreaterThanOrEqual(200);
    expect(attempts[1]?.status).toBeLessThan(300);
    expect(server.requests[1]?.path).toBe(server.requests[0]?.path);
    for (const report of attempts.slice(2)) expect(report.attempt).toBe(1);
  });

  it('fails as MISSING_DEPENDENCY, naming the package, when the peer is not installed', async () => {
    const [definition] = sdkCase.providers?.providers ?? [];
    if (!definition?.sdk) throw new Error('expected a definition with an sdk');
    const pkg = definition.sdk.package;
    const server = await receiver();
    const error = await rejection(
      notifier(sdkCase.spec(server.url), { providers: [withoutPeer(definition)] }).post(sampleEvent),
    );
    expect(error).toMatchObject({ code: 'MISSING_DEPENDENCY', providerType: definition.type });
    expect(error.message).toBe(
      `the ${definition.type} provider needs the optional package "${pkg}", which is not installed: run \`npm install ${pkg}\``,
    );
    expect(server.requests).toHaveLength(0);
  });

  it('gives up after the spec retries, the SDK retrying nothing itself', async () => {
    const server = await receiver({ defaultResponse: { status: 503, body: 'busy' } });
    const error = await rejection(
      notifier({ ...sdkCase.spec(server.url), retry: { ...fast, retries: 1 } }, sdkCase.providers).post(
        sampleEvent,
      ),
    );
    expect(error).toBeInstanceOf(NotifierError);
    expect(error).toMatchObject({ code: 'HTTP_STATUS', status: 503, retryable: true });
    expect(server.requests).toHaveLength(2);
  });

  it('never shows a secret the server echoes back in a refusal', async () => {
    const server = await receiver({
      defaultResponse: json(401, {
        ok: false,
        error: 'not_authed',
        message: `bad credentials ${sdkCase.secret}`,
      }),
    });
    const reports: string[] = [];
    const error = await rejection(
      notifier(sdkCase.spec(server.url), {
        ...sdkCase.providers,
        onAttempt: (info) => reports.push(String(info.error?.message), info.url),
      }).post(sampleEvent),
    );
    expect(error.status).toBe(401);
    const causes: string[] = [];
    for (let cause: unknown = error; cause instanceof Error; cause = cause.cause) causes.push(cause.message);
    const shown = [...causes, ...reports].join('\n');
    expect(shown).not.toContain(sdkCase.secret);
    expect(server.requests).toHaveLength(1);
  });
});

import { getEventListeners } from 'node:events';
import http from 'node:http';
import type { AttemptInfo, NotifierError, ProviderSpec } from '@notiflux/core';
import { createNotifierFactory, defineProvider, httpAddress } from '@notiflux/core';
import { genericProvider } from '@notiflux/providers/generic';
import { MockAgent } from 'undici';
import { afterEach, describe, expect, it } from 'vitest';
import { startProxy } from '../support/auth-proxy.js';
import { listenOnLoopback } from '../support/listen-on-loopback.js';
import { startRecordingServer } from '../support/recording-server.js';
import { sampleEvent } from '../support/sample-events.js';
import { createTestPki } from '../support/test-certificates.js';

const createNotifier = createNotifierFactory([genericProvider]);
const cleanups: (() => Promise<unknown> | unknown)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

/** Fast back-off so the retry tests take milliseconds. */
const quickRetry = { retries: 4, minDelayMs: 5, maxDelayMs: 40 };

async function server(...args: Parameters<typeof startRecordingServer>) {
  const started = await startRecordingServer(...args);
  cleanups.push(() => started.close());
  return started;
}

function notifierFor(spec: Omit<ProviderSpec, 'type'>, attempts: AttemptInfo[] = []) {
  const notifier = createNotifier(
    { type: 'generic', retry: quickRetry, ...spec },
    { onAttempt: (info) => attempts.push(info) },
  );
  cleanups.push(() => notifier.close());
  return notifier;
}

const failure = (promise: Promise<unknown>) =>
  promise.then(
    () => {
      throw new Error('expected the post to fail');
    },
    (error: unknown) => error as NotifierError,
  );

describe('retries (Flux policy)', () => {
  it('retries a 500 and succeeds on the next 200', async () => {
    const target = await server();
    target.respondWith([{ status: 500, body: 'oops' }, { status: 200 }]);
    const attempts: AttemptInfo[] = [];
    await notifierFor({ address: `${target.url}/hook` }, attempts).post(sampleEvent);
    expect(target.requests).toHaveLength(2);
    expect(target.requests[1]?.body).toBe(target.requests[0]?.body);
    expect(attempts.map(({ attempt, status, retryInMs }) => ({ attempt, status, retryInMs }))).toEqual([
      { attempt: 1, status: 500, retryInMs: 5 },
      { attempt: 2, status: 200, retryInMs: undefined },
    ]);
    expect(attempts[0]?.error?.code).toBe('HTTP_STATUS');
  });

  it('backs off exponentially up to maxDelayMs and reports the last status', async () => {
    const target = await server();
    target.respondWith(() => ({ status: 502 }));
    const attempts: AttemptInfo[] = [];
    const error = await failure(notifierFor({ address: target.url }, attempts).post(sampleEvent));
    expect(target.requests).toHaveLength(5);
    expect(attempts.map((info) => info.retryInMs)).toEqual([5, 10, 20, 40, undefined]);
    expect(error).toMatchObject({
      code: 'HTTP_STATUS',
      status: 502,
      retryable: true,
      providerType: 'generic',
    });
    expect(error.message).toContain('after 5 attempts');
  });

  it('honours Retry-After on 429', async () => {
    const target = await server();
    target.respondWith([{ status: 429, headers: { 'retry-after': '1' } }, { status: 204 }]);
    const attempts: AttemptInfo[] = [];
    await notifierFor({ address: target.url }, attempts).post(sampleEvent);
    expect(attempts[0]?.retryInMs).toBe(1000);
    const [first, second] = target.requests;
    expect((second?.receivedAt ?? 0) - (first?.receivedAt ?? 0)).toBeGreaterThanOrEqual(900);
  });

  it('fails at once with TIMEOUT when Retry-After reaches past the timeout', async () => {
    const target = await server();
    target.respondWith([{ status: 503, headers: { 'retry-after': '120' } }]);
    const started = Date.now();
    const error = await failure(notifierFor({ address: target.url, timeout: '5s' }).post(sampleEvent));
    expect(Date.now() - started).toBeLessThan(4000);
    expect(error).toMatchObject({ code: 'TIMEOUT', status: 503, retryable: true, retryAfterMs: 120_000 });
    expect(error.message).toContain('the next attempt was due in 120s');
    expect(target.requests).toHaveLength(1);
  });

  it('carries the Retry-After wait on the error when the retries run out', async () => {
    const target = await server();
    target.respondWith(() => ({ status: 429, headers: { 'retry-after': '7' } }));
    const error = await failure(
      notifierFor({ address: target.url, retry: { retries: 0 } }).post(sampleEvent),
    );
    expect(error).toMatchObject({ code: 'HTTP_STATUS', status: 429, retryable: true, retryAfterMs: 7000 });
  });

  it.each([400, 401, 404, 501])('does not retry HTTP %d', async (status) => {
    const target = await server();
    target.respondWith(() => ({ status, body: 'nope' }));
    const error = await failure(notifierFor({ address: target.url }).post(sampleEvent));
    expect(target.requests).toHaveLength(1);
    expect(error).toMatchObject({ code: 'HTTP_STATUS', status, retryable: false });
    expect(error.message).toContain(`HTTP ${status}: nope`);
  });

  it('accepts every 2xx', async () => {
    const target = await server();
    target.respondWith([{ status: 201 }, { status: 202 }, { status: 204 }]);
    const notifier = notifierFor({ address: target.url });
    for (let i = 0; i < 3; i++) await notifier.post(sampleEvent);
    expect(target.requests).toHaveLength(3);
  });

  it('retries a connection reset', async () => {
    const target = await server();
    target.respondWith([{ destroy: true }, { status: 200 }]);
    const attempts: AttemptInfo[] = [];
    await notifierFor({ address: target.url }, attempts).post(sampleEvent);
    expect(attempts[0]?.error?.code).toBe('NETWORK');
    expect(attempts[0]?.error?.retryable).toBe(true);
    expect(attempts[1]?.status).toBe(200);
  });

  it('reports a refused connection as NETWORK after the retries', async () => {
    const target = await server();
    const address = target.url;
    await target.close();
    const error = await failure(
      notifierFor({ address, retry: { retries: 1, minDelayMs: 1 } }).post(sampleEvent),
    );
    expect(error).toMatchObject({ code: 'NETWORK', retryable: true });
    expect(error.message).toMatch(/ECONNREFUSED/);
  });
});

describe('timeout and abort', () => {
  it('bounds the whole post: a server slower than the timeout is a TIMEOUT', async () => {
    const target = await server();
    target.respondWith(() => ({ status: 200, delayMs: 3000 }));
    const started = Date.now();
    const error = await failure(notifierFor({ address: target.url, timeout: '300ms' }).post(sampleEvent));
    expect(error).toMatchObject({ code: 'TIMEOUT', retryable: true });
    expect(error.message).toContain('timed out after 300ms');
    expect(Date.now() - started).toBeLessThan(2500);
  });

  it("stops at the caller's abort", async () => {
    const target = await server();
    target.respondWith(() => ({ status: 200, delayMs: 3000 }));
    const controller = new AbortController();
    setTimeout(() => controller.abort(), 100);
    const error = await failure(
      notifierFor({ address: target.url }).post(sampleEvent, { signal: controller.signal }),
    );
    expect(error).toMatchObject({ code: 'ABORTED', retryable: false });
  });

  it('stops waiting between retries when aborted', async () => {
    const target = await server();
    target.respondWith(() => ({ status: 503 }));
    const controller = new AbortController();
    const notifier = createNotifier(
      { type: 'generic', address: target.url, retry: { retries: 4, minDelayMs: 10_000 } },
      // Abort once the first answer is in and the 10 s wait has begun, however loaded the machine.
      { onAttempt: (info) => info.retryInMs !== undefined && setTimeout(() => controller.abort(), 50) },
    );
    cleanups.push(() => notifier.close());
    const started = Date.now();
    const error = await failure(notifier.post(sampleEvent, { signal: controller.signal }));
    expect(error.code).toBe('ABORTED');
    expect(Date.now() - started).toBeLessThan(2000);
    expect((error.cause as NotifierError).status).toBe(503);
  });
});

describe('response validation', () => {
  // A Slack-like API: 200 with `{"ok": false}` is a refusal.
  const okFalseProvider = defineProvider({
    type: 'ok-api',
    spec: { address: httpAddress },
    encode: (event, spec) => [
      {
        transport: 'http',
        method: 'POST',
        url: spec.address,
        headers: { 'Content-Type': 'application/json' },
        body: JSON.stringify({ text: event.message }),
        rejectReason: (response) => {
          const answer = JSON.parse(response.body) as { ok: boolean; error?: string };
          return answer.ok ? undefined : (answer.error ?? 'unknown error');
        },
      },
    ],
  });
  const createOkNotifier = createNotifierFactory([okFalseProvider]);

  it('turns a 2xx the service refused into REJECTED, without retrying', async () => {
    const target = await server();
    target.respondWith(() => ({ status: 200, body: '{"ok":false,"error":"channel_not_found"}' }));
    const notifier = createOkNotifier({ type: 'ok-api', address: target.url });
    cleanups.push(() => notifier.close());
    const error = await failure(notifier.post(sampleEvent));
    expect(error).toMatchObject({ code: 'REJECTED', status: 200, retryable: false, providerType: 'ok-api' });
    expect(error.message).toContain('channel_not_found');
    expect(target.requests).toHaveLength(1);
  });

  it('accepts the 2xx the validator approves', async () => {
    const target = await server();
    target.respondWith(() => ({ status: 200, body: '{"ok":true}' }));
    const notifier = createOkNotifier({ type: 'ok-api', address: target.url });
    cleanups.push(() => notifier.close());
    await notifier.post(sampleEvent);
    expect(JSON.parse(target.requests[0]?.body ?? '')).toEqual({ text: sampleEvent.message });
  });
});

describe('per-attempt cap (attemptTimeoutMs)', () => {
  const cappedProvider = defineProvider({
    type: 'capped',
    spec: { address: httpAddress },
    encode: (event, spec) => [
      {
        transport: 'http',
        method: 'POST',
        url: spec.address,
        headers: {},
        body: event.message,
        attemptTimeoutMs: 150,
      },
    ],
  });
  const createCappedNotifier = createNotifierFactory([cappedProvider]);

  function cappedNotifier(address: string, timeout: string, attempts: AttemptInfo[]) {
    const notifier = createCappedNotifier(
      { type: 'capped', address, timeout, retry: quickRetry },
      { onAttempt: (info) => attempts.push(info) },
    );
    cleanups.push(() => notifier.close());
    return notifier;
  }

  it('gives up on an attempt that outlives its cap and retries within the deadline', async () => {
    const target = await server();
    target.respondWith([{ status: 200, delayMs: 3000 }, { status: 200 }]);
    const attempts: AttemptInfo[] = [];
    await cappedNotifier(target.url, '5s', attempts).post(sampleEvent);
    expect(target.requests).toHaveLength(2);
    expect(attempts.map(({ attempt, status }) => ({ attempt, status }))).toEqual([
      { attempt: 1, status: undefined },
      { attempt: 2, status: 200 },
    ]);
    expect(attempts[0]?.error).toMatchObject({ code: 'TIMEOUT', retryable: true });
    expect(attempts[0]?.error?.message).toContain('attempt timed out after 150ms');
    expect(attempts[0]?.retryInMs).toBe(5);
  });

  it('names the cap and the attempts when every attempt runs out', async () => {
    const target = await server();
    target.respondWith(() => ({ status: 200, delayMs: 3000 }));
    const error = await failure(cappedNotifier(target.url, '5s', []).post(sampleEvent));
    expect(error).toMatchObject({ code: 'TIMEOUT', retryable: true });
    expect(error.message).toContain('attempt timed out after 150ms (after 5 attempts)');
    expect(target.requests).toHaveLength(5);
  });

  it('leaves the post deadline in charge when it ends first', async () => {
    const target = await server();
    target.respondWith(() => ({ status: 200, delayMs: 3000 }));
    const error = await failure(cappedNotifier(target.url, '100ms', []).post(sampleEvent));
    expect(error).toMatchObject({ code: 'TIMEOUT' });
    expect(error.message).toContain('timed out after 100ms');
    expect(target.requests).toHaveLength(1);
  });
});

describe('credentials a provider computes', () => {
  // A provider that derives its credential (as a JWT or an exchanged token would be): the
  // redactor knows the spec's token, not this value.
  const derivedAuthProvider = defineProvider({
    type: 'derived-auth',
    spec: { address: httpAddress },
    encode: (event, spec) => [
      {
        transport: 'http',
        method: 'POST',
        url: spec.address,
        headers: {
          Authorization: `Bearer ${[...(spec.token ?? '')].reverse().join('')}`,
          'PRIVATE-TOKEN': `pt-${spec.token ?? ''}-derived`,
        },
        body: event.message,
      },
    ],
  });
  const createDerivedNotifier = createNotifierFactory([derivedAuthProvider]);

  it('are hidden when a server echoes them, in errors and onAttempt reports', async () => {
    const target = await server();
    target.respondWith((request) => ({
      status: 500,
      body: `denied: ${request.headers.authorization} / ${request.headers['private-token']}`,
    }));
    const attempts: AttemptInfo[] = [];
    const notifier = createDerivedNotifier(
      {
        type: 'derived-auth',
        address: target.url,
        token: 'abcdefgh12345',
        retry: { retries: 1, minDelayMs: 1 },
      },
      { onAttempt: (info) => attempts.push(info) },
    );
    cleanups.push(() => notifier.close());
    const error = await failure(notifier.post(sampleEvent));
    expect(target.requests[0]?.headers.authorization).toBe('Bearer 54321hgfedcba');
    expect(error.message).toContain('denied: Bearer <redacted> / <redacted>');
    const shown = JSON.stringify({
      message: error.message,
      cause: String(error.cause),
      attempts: attempts.map((attempt) => attempt.error?.message),
    });
    expect(shown).not.toContain('54321hgfedcba');
    expect(shown).not.toContain('abcdefgh12345');
    expect(attempts).toHaveLength(2);
  });
});

describe('Secret keys a provider declares public', () => {
  const echoProvider = (publicSecretKeys?: string[]) =>
    defineProvider({
      type: 'app-auth',
      spec: { address: httpAddress },
      ...(publicSecretKeys ? { publicSecretKeys } : {}),
      encode: (event, spec) => [
        { transport: 'http', method: 'POST', url: spec.address, headers: {}, body: event.message },
      ],
    });

  async function messageFor(publicSecretKeys?: string[]) {
    const target = await server();
    target.respondWith(() => ({
      status: 400,
      body: 'app 731 with key sekrit-private-key: no such commit 731f7ea',
    }));
    const notifier = createNotifierFactory([echoProvider(publicSecretKeys)])({
      type: 'app-auth',
      address: target.url,
      secret: { appId: '731', privateKey: 'sekrit-private-key' },
    });
    cleanups.push(() => notifier.close());
    return (await failure(notifier.post(sampleEvent))).message;
  }

  it('are shown (an App id), while the other keys stay hidden', async () => {
    const message = await messageFor(['appId']);
    expect(message).toContain('app 731 with key <redacted>: no such commit 731f7ea');
  });

  it('are hidden like any Secret value when not declared', async () => {
    // A short value is hidden where it stands alone, never inside another word (the commit id).
    expect(await messageFor()).toContain('app <redacted> with key <redacted>: no such commit 731f7ea');
  });
});

describe('secret webhook paths', () => {
  const secretPathProvider = defineProvider({
    type: 'secret-path',
    spec: { address: httpAddress },
    encode: (event, spec) => [
      {
        transport: 'http',
        method: 'POST',
        url: spec.address,
        headers: {},
        body: event.message,
        secretPath: true,
      },
    ],
  });

  it('hides the path in the URL and wherever the server echoes it', async () => {
    const target = await server();
    const secretPath = '/services/T000/B000/XXXXXXXXXXXXXXXXXXXXXXXX';
    target.respondWith(() => ({
      status: 404,
      body: `no hook at ${secretPath} (segment XXXXXXXXXXXXXXXXXXXXXXXX)`,
    }));
    const notifier = createNotifierFactory([secretPathProvider])({
      type: 'secret-path',
      address: `${target.url}${secretPath}`,
    });
    cleanups.push(() => notifier.close());
    const error = await failure(notifier.post(sampleEvent));
    expect(error.message).toContain(`POST ${target.url}/<redacted>: HTTP 404: no hook at <redacted>`);
    expect(error.message).not.toContain('XXXXXXXXXXXXXXXXXXXXXXXX');
  });
});

describe('redirects', () => {
  it('does not follow a 3xx and names the redacted Location', async () => {
    const target = await server();
    target.respondWith(() => ({
      status: 302,
      headers: { location: 'https://user:pw-secret@elsewhere.example/next?token=t0k' },
    }));
    const error = await failure(notifierFor({ address: target.url }).post(sampleEvent));
    expect(error).toMatchObject({ code: 'HTTP_STATUS', status: 302, retryable: false });
    expect(error.message).toContain(
      'redirect to https://<redacted>@elsewhere.example/next?token=<redacted> not followed',
    );
    expect(error.message).not.toMatch(/pw-secret|t0k/);
    expect(target.requests).toHaveLength(1);
  });
});

describe('connections', () => {
  it('keeps connections alive and reuses them across posts of a notifier', async () => {
    const target = await server();
    const notifier = notifierFor({ address: target.url });
    for (let i = 0; i < 20; i++) await notifier.post(sampleEvent);
    expect(target.requests).toHaveLength(20);
    // undici's pool may open a second socket when a post follows the previous answer within
    // the same tick (the first is not yet marked free); after that both are reused.
    expect(target.connections).toBeLessThanOrEqual(2);
  });

  it('opens new connections after close()', async () => {
    const target = await server();
    const notifier = notifierFor({ address: target.url });
    await notifier.post(sampleEvent);
    await notifier.close();
    await notifier.post(sampleEvent);
    expect(target.requests).toHaveLength(2);
    expect(target.connections).toBe(2);
  });

  it("sends through the caller's dispatcher (undici MockAgent)", async () => {
    const agent = new MockAgent();
    agent.disableNetConnect();
    agent
      .get('https://hooks.example.com')
      .intercept({
        path: '/flux',
        method: 'POST',
        body: (body) => JSON.parse(body).reason === 'ValidationFailed',
      })
      .reply(200, 'ok');
    const notifier = createNotifier(
      { type: 'generic', address: 'https://hooks.example.com/flux' },
      { dispatcher: agent },
    );
    await notifier.post(sampleEvent);
    await notifier.close();
    agent.assertNoPendingInterceptors();
    await agent.close();
  });
});

describe('shared pools (sharedDispatcher)', () => {
  it('asks for a pool with the spec proxy and TLS, once per notifier, and leaves it open on close', async () => {
    const target = await server();
    const { Agent } = await import('undici');
    const shared = new Agent({ connections: 1 });
    cleanups.push(() => shared.close());
    const asked: unknown[] = [];
    const sharedDispatcher = (settings: unknown) => {
      asked.push(settings);
      return shared;
    };
    const notifiers = [1, 2, 3].map(() =>
      createNotifier({ type: 'generic', address: target.url }, { sharedDispatcher }),
    );
    for (const notifier of notifiers) await notifier.post(sampleEvent);
    for (const notifier of notifiers) await notifier.close();
    expect(asked).toEqual([{}, {}, {}].map(() => ({ proxy: undefined, tls: undefined })));
    expect(target.connections).toBe(1);
    // Still open: the notifiers do not close what they did not make.
    await createNotifier({ type: 'generic', address: target.url }, { dispatcher: shared }).post(sampleEvent);
    expect(target.requests).toHaveLength(4);
  });

  it("gives way to the caller's own dispatcher", async () => {
    const target = await server();
    const { Agent } = await import('undici');
    const own = new Agent();
    cleanups.push(() => own.close());
    const notifier = createNotifier(
      { type: 'generic', address: target.url },
      {
        dispatcher: own,
        sharedDispatcher: () => {
          throw new Error('not asked');
        },
      },
    );
    await notifier.post(sampleEvent);
    expect(target.requests).toHaveLength(1);
  });
});

describe('TLS', () => {
  it('trusts a custom CA and presents a client certificate', async () => {
    const pki = await createTestPki();
    const target = await server({ tls: { ...pki.server, requestCert: true, ca: pki.ca.cert } });
    const notifier = notifierFor({
      address: target.url,
      tls: { ca: pki.ca.cert, cert: pki.client.cert, key: pki.client.key },
    });
    await notifier.post(sampleEvent);
    expect(target.requests).toHaveLength(1);
    expect(target.requests[0]?.clientCertSubject).toBeTruthy();
  });

  it('refuses an untrusted certificate at once, without retrying', async () => {
    const pki = await createTestPki();
    const target = await server({ tls: pki.server });
    const error = await failure(notifierFor({ address: target.url }).post(sampleEvent));
    expect(error).toMatchObject({ code: 'NETWORK', retryable: false });
    expect(target.requests).toHaveLength(0);
  });
});

describe('requests the definition sends without the spec tls (http.withoutSpecTls)', () => {
  const splitTlsProvider = defineProvider({
    type: 'split-tls',
    spec: { address: httpAddress },
    http: { withoutSpecTls: (url) => url.pathname === '/public' },
    encode: (event, spec) => [
      { transport: 'http', method: 'POST', url: spec.address, headers: {}, body: event.message },
      { transport: 'http', method: 'POST', url: `${spec.address}/public`, headers: {}, body: event.message },
    ],
  });

  it('use neither the custom CA nor the client certificate, the others both', async () => {
    const pki = await createTestPki();
    const target = await server({ tls: { ...pki.server, requestCert: true, ca: pki.ca.cert } });
    const notifier = createNotifierFactory([splitTlsProvider])({
      type: 'split-tls',
      address: target.url,
      tls: { ca: pki.ca.cert, cert: pki.client.cert, key: pki.client.key },
    });
    cleanups.push(() => notifier.close());
    const error = await failure(notifier.post(sampleEvent));
    // The first request went out with the spec's CA and certificate; the second, with the
    // system roots only, cannot trust the test CA.
    expect(target.requests.map((request) => request.path)).toEqual(['/']);
    expect(target.requests[0]?.clientCertSubject).toBeTruthy();
    expect(error).toMatchObject({ code: 'NETWORK', retryable: false });
    expect(error.message).toContain(`${target.url}/public`);
  });
});

describe('proxies', () => {
  it('goes through an authenticating proxy given in the spec', async () => {
    const target = await server();
    const proxy = await startProxy({ username: 'proxy-user', password: 'proxy-pass' });
    cleanups.push(() => proxy.close());
    await notifierFor({
      address: `${target.url}/via-proxy`,
      proxy: proxy.url.replace('://', '://proxy-user:proxy-pass@'),
    }).post(sampleEvent);
    expect(target.requests[0]?.path).toBe('/via-proxy');
    expect(proxy.authHeaders).toContain(`Basic ${Buffer.from('proxy-user:proxy-pass').toString('base64')}`);
  });

  it('fails without retrying when the proxy refuses the credentials, and hides them', async () => {
    const target = await server();
    const proxy = await startProxy({ username: 'proxy-user', password: 'proxy-pass' });
    cleanups.push(() => proxy.close());
    const error = await failure(
      notifierFor({
        address: target.url,
        proxy: proxy.url.replace('://', '://proxy-user:wrong-secret@'),
      }).post(sampleEvent),
    );
    expect(error).toMatchObject({ code: 'NETWORK', status: 407, retryable: false });
    expect(JSON.stringify({ message: error.message, cause: String(error.cause) })).not.toContain(
      'wrong-secret',
    );
    expect(target.requests).toHaveLength(0);
  });

  it('uses HTTP_PROXY from the environment when the spec has no proxy', async () => {
    const target = await server();
    const proxy = await startProxy({});
    cleanups.push(() => proxy.close());
    process.env.HTTP_PROXY = proxy.url;
    cleanups.push(() => {
      delete process.env.HTTP_PROXY;
    });
    await notifierFor({ address: `${target.url}/env` }).post(sampleEvent);
    expect(target.requests[0]?.path).toBe('/env');
    expect([...proxy.connectRequests, ...proxy.forwardedRequests].join(' ')).toContain(
      new URL(target.url).host,
    );
  });
});

describe('onAttempt observers', () => {
  it('never change the outcome when they throw: warned once, the delivered post resolves', async () => {
    const target = await server();
    target.respondWith(() => ({ status: 200 }));
    const warnings: Error[] = [];
    const onWarning = (warning: Error) => warnings.push(warning);
    process.on('warning', onWarning);
    cleanups.push(() => process.off('warning', onWarning));
    const notifier = createNotifier(
      { type: 'generic', address: target.url, retry: quickRetry },
      {
        onAttempt: () => {
          throw new Error('observer bug');
        },
      },
    );
    cleanups.push(() => notifier.close());
    await notifier.post(sampleEvent);
    await notifier.post(sampleEvent);
    await new Promise((resolve) => setImmediate(resolve));
    expect(target.requests).toHaveLength(2);
    const ours = warnings.filter((warning) => warning.message.includes('observer bug'));
    expect(ours).toHaveLength(1);
    expect(ours[0]?.message).toContain('onAttempt');
  });

  it('hear of the attempt the deadline cut off', async () => {
    const target = await server();
    target.respondWith(() => ({ status: 200, delayMs: 3000 }));
    const attempts: AttemptInfo[] = [];
    const error = await failure(
      notifierFor({ address: target.url, timeout: '200ms' }, attempts).post(sampleEvent),
    );
    expect(error.message).toContain('(1 attempt)');
    expect(attempts).toHaveLength(1);
    expect(attempts[0]).toMatchObject({ attempt: 1, error: { code: 'TIMEOUT' } });
  });
});

describe('errors of the dispatcher itself', () => {
  it('are not retried: a MockAgent without a matching interceptor fails at once', async () => {
    const agent = new MockAgent();
    agent.disableNetConnect();
    cleanups.push(() => agent.close());
    const attempts: AttemptInfo[] = [];
    const notifier = createNotifier(
      {
        type: 'generic',
        address: 'https://hooks.example.com/flux',
        retry: { retries: 4, minDelayMs: 5_000 },
      },
      { dispatcher: agent, onAttempt: (info) => attempts.push(info) },
    );
    const error = await failure(notifier.post(sampleEvent));
    expect(error).toMatchObject({ code: 'NETWORK', retryable: false });
    expect(error.message).toContain('Mock dispatch not matched');
    expect(attempts).toHaveLength(1);
  });
});

describe('error response bodies', () => {
  it('are read only as far as the message needs: an endless error body fails at once', async () => {
    let closedByClient = false;
    const endless = http.createServer((_request, response) => {
      response.writeHead(500, { 'content-type': 'text/plain' });
      const chunk = 'x'.repeat(16 * 1024);
      const pump = () => {
        while (response.write(chunk)) {}
      };
      response.on('drain', pump);
      response.on('close', () => {
        closedByClient = true;
      });
      pump();
    });
    const port = await listenOnLoopback(endless);
    cleanups.push(() => {
      endless.closeAllConnections();
      return new Promise((resolve) => endless.close(resolve));
    });
    const error = await failure(
      notifierFor({ address: `http://127.0.0.1:${port}/`, retry: { retries: 0 }, timeout: '20s' }).post(
        sampleEvent,
      ),
    );
    expect(error).toMatchObject({ code: 'HTTP_STATUS', status: 500 });
    expect(error.message).toContain('HTTP 500: xxxx');
    expect(error.message.length).toBeLessThan(8 * 1024);
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(closedByClient).toBe(true);
  });
});

describe("a caller's AbortSignal shared by many posts", () => {
  it('gets one abort listener, not one per post, and still aborts them all', async () => {
    const target = await server();
    target.respondWith(() => ({ status: 200, delayMs: 3000 }));
    const controller = new AbortController();
    const notifier = notifierFor({ address: target.url });
    const posts = Array.from({ length: 12 }, () =>
      failure(notifier.post(sampleEvent, { signal: controller.signal })),
    );
    expect(getEventListeners(controller.signal, 'abort')).toHaveLength(1);
    await new Promise((resolve) => setTimeout(resolve, 50));
    controller.abort();
    const errors = await Promise.all(posts);
    expect(errors.map((error) => error.code)).toEqual(Array(12).fill('ABORTED'));
    expect(getEventListeners(controller.signal, 'abort')).toHaveLength(0);
  });

  it('is let go once the posts are done', async () => {
    const target = await server();
    const controller = new AbortController();
    const notifier = notifierFor({ address: target.url });
    await Promise.all(
      Array.from({ length: 3 }, () => notifier.post(sampleEvent, { signal: controller.signal })),
    );
    expect(getEventListeners(controller.signal, 'abort')).toHaveLength(0);
  });
});

describe('header values', () => {
  it('above U+00FF are sent as their UTF-8 bytes, as Go sends them', async () => {
    const target = await server();
    await notifierFor({ address: target.url }).post({ ...sampleEvent, reportingController: 'контроллер' });
    const raw = target.requests[0]?.rawHeaders ?? [];
    const value = raw[raw.findIndex((name) => name.toLowerCase() === 'gotk-component') + 1] ?? '';
    expect(Buffer.from(value, 'latin1').toString('utf8')).toBe('контроллер');
  });
});

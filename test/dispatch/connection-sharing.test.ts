import { createDispatcher, type Dispatcher, type Manifests, memoryQueue } from '@notiflux/dispatch';
import { MockAgent } from 'undici';
import { afterEach, describe, expect, it } from 'vitest';
import { startProxy } from '../support/auth-proxy.js';
import { startRecordingServer } from '../support/recording-server.js';
import { alert, manifests, provider, rawEvent } from './manifest-builders.js';

const cleanups: (() => Promise<unknown>)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

/** `count` generic Providers in `ns`, each with its own Alert on Kustomization `foo`. */
function many(count: number, address: (i: number) => string, extra: object = {}): Manifests {
  const indexes = Array.from({ length: count }, (_, i) => i);
  return manifests({
    providers: indexes.map((i) =>
      provider(`p${i}`, { type: 'generic', address: address(i), ...extra }, 'foo-ns'),
    ),
    alerts: indexes.map((i) =>
      alert(
        `a${i}`,
        { providerRef: { name: `p${i}` }, eventSources: [{ kind: 'Kustomization', name: 'foo' }] },
        'foo-ns',
      ),
    ),
  });
}

function track(dispatcher: Dispatcher): Dispatcher {
  cleanups.push(() => dispatcher.close());
  return dispatcher;
}

describe('connection sharing', () => {
  it('Providers on one host share one pool capped at 128 sockets', async () => {
    const target = await startRecordingServer({ defaultResponse: { status: 200, delayMs: 100 } });
    cleanups.push(() => target.close());
    const dispatcher = track(
      createDispatcher(
        many(300, (i) => `${target.url}/hook/${i}`),
        {
          queue: memoryQueue({ concurrency: 300 }),
          rateLimit: { intervalMs: 0 },
        },
      ),
    );
    const result = await dispatcher.dispatch(rawEvent());
    expect(result.status === 'accepted' && result.deliveries).toHaveLength(300);
    await dispatcher.drain();
    expect(target.requests).toHaveLength(300);
    // All 300 posts were in flight together, yet the pool opened no more than its cap.
    expect(target.connections).toBeLessThanOrEqual(128);
    expect(target.connections).toBeGreaterThan(32);
    const paths = new Set(target.requests.map((request) => request.path));
    expect(paths.size).toBe(300);
  });

  it("keeps each Provider's proxy: equal settings share a pool, others get their own", async () => {
    const proxied = await startRecordingServer();
    const direct = await startRecordingServer();
    const proxy = await startProxy();
    cleanups.push(
      () => proxied.close(),
      () => direct.close(),
      () => proxy.close(),
    );
    // Providers 0 and 1 go through the proxy to one server, 2 and 3 straight to another.
    const config = many(4, (i) => `${i < 2 ? proxied.url : direct.url}/hook/${i}`);
    for (const p of config.providers.slice(0, 2)) p.spec.proxy = proxy.url;
    const dispatcher = track(createDispatcher(config, { rateLimit: { intervalMs: 0 } }));
    await dispatcher.dispatch(rawEvent());
    await dispatcher.drain();
    expect(proxied.requests.map((r) => r.path).sort()).toEqual(['/hook/0', '/hook/1']);
    expect(direct.requests.map((r) => r.path).sort()).toEqual(['/hook/2', '/hook/3']);
    const through = [...proxy.connectRequests, ...proxy.forwardedRequests];
    expect(through.length).toBeGreaterThan(0);
    expect(through.every((target) => target.includes(`:${proxied.port}`))).toBe(true);
  });

  it('honours HTTP_PROXY and NO_PROXY for Providers without a proxy of their own', async () => {
    const viaProxy = await startRecordingServer();
    const excluded = await startRecordingServer();
    const proxy = await startProxy();
    cleanups.push(
      () => viaProxy.close(),
      () => excluded.close(),
      () => proxy.close(),
    );
    const saved = { HTTP_PROXY: process.env.HTTP_PROXY, NO_PROXY: process.env.NO_PROXY };
    process.env.HTTP_PROXY = proxy.url;
    process.env.NO_PROXY = `127.0.0.1:${excluded.port}`;
    try {
      const dispatcher = track(
        createDispatcher(
          many(2, (i) => `${i === 0 ? viaProxy.url : excluded.url}/hook/${i}`),
          { rateLimit: { intervalMs: 0 } },
        ),
      );
      await dispatcher.dispatch(rawEvent());
      await dispatcher.drain();
    } finally {
      for (const [name, value] of Object.entries(saved)) {
        if (value === undefined) delete process.env[name];
        else process.env[name] = value;
      }
    }
    expect(viaProxy.requests).toHaveLength(1);
    expect(excluded.requests).toHaveLength(1);
    const through = [...proxy.connectRequests, ...proxy.forwardedRequests];
    expect(through.length).toBeGreaterThan(0);
    expect(through.every((target) => target.includes(`:${viaProxy.port}`))).toBe(true);
  });

  it("uses the caller's own dispatcher when createOptions has one", async () => {
    const agent = new MockAgent();
    agent.disableNetConnect();
    const pool = agent.get('https://hooks.example.com');
    pool.intercept({ path: '/hook/0', method: 'POST' }).reply(200, 'ok');
    pool.intercept({ path: '/hook/1', method: 'POST' }).reply(200, 'ok');
    const dispatcher = track(
      createDispatcher(
        many(2, (i) => `https://hooks.example.com/hook/${i}`),
        {
          createOptions: { dispatcher: agent },
          rateLimit: { intervalMs: 0 },
        },
      ),
    );
    const reports: string[] = [];
    dispatcher.on('delivery', (report) => reports.push(report.state));
    await dispatcher.dispatch(rawEvent());
    await dispatcher.drain();
    expect(reports).toEqual(['delivered', 'delivered']);
    agent.assertNoPendingInterceptors();
    await dispatcher.close();
    await agent.close();
  });
});

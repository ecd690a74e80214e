import { githubSignatureScheme, honoVerifier, SignatureError, sign, verifyRequest } from '@notiflux/hmac';
import { Hono } from 'hono';
import { describe, expect, it } from 'vitest';
import { countingStream } from './http-harness.js';
import { github, sampleBody } from './vectors.js';

const key = 'hono-key';

function app() {
  const hono = new Hono();
  hono.post('/hook', honoVerifier(key), async (c) => {
    const event = await c.req.json<{ reason: string }>();
    const text = await c.req.text();
    return c.json({ reason: event.reason, same: text === sampleBody });
  });
  hono.onError((error, c) => c.json({ name: error.name, message: error.message }, 500));
  return hono;
}

describe('honoVerifier (app.request, no network)', () => {
  it('runs the route with the verified body available to c.req.json() / text()', async () => {
    const response = await app().request('/hook', {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-signature': sign(sampleBody, key) },
      body: sampleBody,
    });
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ reason: 'ValidationFailed', same: true });
  });

  it('answers 401 with the reason on a bad signature', async () => {
    for (const [headers, reason] of [
      [{ 'x-signature': sign(sampleBody, 'wrong') }, 'mismatch'],
      [{}, 'missing'],
      [{ 'x-signature': 'sha256:abc' }, 'malformed'],
    ] as const) {
      const response = await app().request('/hook', { method: 'POST', headers, body: sampleBody });
      expect(response.status).toBe(401);
      expect(((await response.json()) as { reason: string }).reason).toBe(reason);
    }
  });

  it('answers 413 and stops pulling an oversized streamed body', async () => {
    const hono = new Hono();
    hono.post('/hook', honoVerifier(key, { maxBodyBytes: 10_000 }), (c) => c.text('ran'));
    const { stream, stats } = countingStream(4096);
    const response = await hono.request('/hook', {
      method: 'POST',
      headers: { 'x-signature': sign('x', key) },
      body: stream,
      duplex: 'half',
    } as RequestInit);
    expect(response.status).toBe(413);
    expect(response.headers.get('connection')).toBe('close');
    expect(stats.pulledBytes).toBeLessThanOrEqual(10_000 + 2 * 4096);
    expect(stats.cancelled).toBe(true);
  });

  it('reports a body an earlier middleware read', async () => {
    const hono = new Hono();
    hono.use('/hook', async (c, next) => {
      await c.req.raw.text();
      await next();
    });
    hono.post('/hook', honoVerifier(key), (c) => c.text('ran'));
    hono.onError((error, c) => c.text(error.name, 500));
    const response = await hono.request('/hook', {
      method: 'POST',
      headers: { 'x-signature': sign(sampleBody, key) },
      body: sampleBody,
    });
    expect(response.status).toBe(500);
    expect(await response.text()).toBe('BodyAlreadyReadError');
  });

  it('supports other schemes through options', async () => {
    const hono = new Hono();
    hono.post('/gh', honoVerifier(github.secret, { scheme: githubSignatureScheme }), async (c) =>
      c.text(await c.req.text()),
    );
    const response = await hono.request('/gh', {
      method: 'POST',
      headers: { 'x-hub-signature-256': github.signature },
      body: github.body,
    });
    expect(await response.text()).toBe(github.body);
  });
});

describe('fetch Request handlers (Next.js route handler style)', () => {
  /** A route handler as a Next.js app would export it. */
  async function POST(request: Request): Promise<Response> {
    try {
      const body = await verifyRequest(request, key);
      const event = JSON.parse(new TextDecoder().decode(body)) as { reason: string };
      return Response.json({ reason: event.reason });
    } catch (error) {
      if (error instanceof SignatureError) return Response.json({ reason: error.reason }, { status: 401 });
      throw error;
    }
  }

  it('verifies a plain Request', async () => {
    const ok = await POST(
      new Request('http://127.0.0.1/api/flux', {
        method: 'POST',
        headers: { 'x-signature': sign(sampleBody, key) },
        body: sampleBody,
      }),
    );
    expect(await ok.json()).toEqual({ reason: 'ValidationFailed' });
    const bad = await POST(
      new Request('http://127.0.0.1/api/flux', {
        method: 'POST',
        headers: { 'x-signature': sign(sampleBody, key) },
        body: sampleBody.replace('error', 'info'),
      }),
    );
    expect(bad.status).toBe(401);
  });
});

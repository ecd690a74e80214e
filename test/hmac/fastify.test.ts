import { fastifyVerifier, jobServSignatureScheme, sign, signJobServPayload } from '@notiflux/hmac';
import Fastify, { type FastifyInstance } from 'fastify';
import { afterEach, describe, expect, it } from 'vitest';
import { sendRequest } from './http-harness.js';
import { jobServ, sampleBody } from './vectors.js';

const key = 'fastify-key';
const apps: FastifyInstance[] = [];
afterEach(async () => {
  await Promise.all(apps.splice(0).map((app) => app.close()));
});

/** The recommended set-up: a buffer content-type parser keeps the raw bytes for the hook. */
function appWithBufferParser(hookOptions?: Parameters<typeof fastifyVerifier>[1]) {
  const app = Fastify({ bodyLimit: 3 * 1024 * 1024 });
  apps.push(app);
  app.addContentTypeParser('application/json', { parseAs: 'buffer' }, (_request, body, done) =>
    done(null, body),
  );
  app.post('/hook', { preHandler: fastifyVerifier(key, hookOptions) }, async (request) => {
    const body = request.body as Buffer;
    return { isBuffer: Buffer.isBuffer(body), reason: JSON.parse(body.toString('utf8')).reason };
  });
  return app;
}

describe('fastifyVerifier', () => {
  it('lets a correctly signed request through to the handler, with the raw Buffer body', async () => {
    const app = appWithBufferParser();
    const response = await app.inject({
      method: 'POST',
      url: '/hook',
      headers: { 'content-type': 'application/json', 'x-signature': sign(sampleBody, key) },
      payload: sampleBody,
    });
    expect(response.statusCode).toBe(200);
    expect(response.json()).toEqual({ isBuffer: true, reason: 'ValidationFailed' });
  });

  it('answers 401 with the reason and skips the handler', async () => {
    const app = appWithBufferParser();
    const cases: [Record<string, string>, string, string][] = [
      [{ 'x-signature': sign(sampleBody, key) }, `${sampleBody}\n`, 'mismatch'],
      [{}, sampleBody, 'missing'],
      [{ 'x-signature': `sha256=${'0'.repeat(63)}` }, sampleBody, 'malformed'],
      [{ 'x-signature': sign(sampleBody, key, 'sha1') }, sampleBody, 'unsupported-algorithm'],
    ];
    for (const [headers, payload, reason] of cases) {
      const response = await app.inject({
        method: 'POST',
        url: '/hook',
        headers: { 'content-type': 'application/json', ...headers },
        payload,
      });
      expect(response.statusCode).toBe(401);
      expect(response.json().reason).toBe(reason);
      expect(response.body).not.toContain(key);
    }
  });

  it('answers 413 past maxBodyBytes', async () => {
    const app = appWithBufferParser({ maxBodyBytes: 100 });
    const response = await app.inject({
      method: 'POST',
      url: '/hook',
      headers: { 'content-type': 'application/json', 'x-signature': sign(sampleBody, key) },
      payload: sampleBody,
    });
    expect(response.statusCode).toBe(413);
    expect(response.json().reason).toBe('too-large');
  });

  it('fails clearly when Fastify parsed the JSON itself', async () => {
    const app = Fastify();
    apps.push(app);
    app.post('/hook', { preHandler: fastifyVerifier(key) }, async () => 'ran');
    const response = await app.inject({
      method: 'POST',
      url: '/hook',
      headers: { 'content-type': 'application/json', 'x-signature': sign(sampleBody, key) },
      payload: sampleBody,
    });
    expect(response.statusCode).toBe(500);
    expect(response.json().message).toMatch(
      /already consumed.*addContentTypeParser\('application\/json', \{ parseAs: 'buffer' \}/,
    );
  });

  it('uses request.rawBody when a raw-body plugin set it', async () => {
    const app = Fastify();
    apps.push(app);
    // What fastify-raw-body does: keep the bytes on request.rawBody, parse as usual.
    app.addContentTypeParser('application/json', { parseAs: 'buffer' }, (request, body, done) => {
      (request as unknown as { rawBody: Buffer }).rawBody = body as Buffer;
      done(null, JSON.parse((body as Buffer).toString('utf8')));
    });
    app.post('/hook', { preHandler: fastifyVerifier(key) }, async (request) => ({
      name: (request.body as { involvedObject: { name: string } }).involvedObject.name,
    }));
    const ok = await app.inject({
      method: 'POST',
      url: '/hook',
      headers: { 'content-type': 'application/json', 'x-signature': sign(sampleBody, key) },
      payload: sampleBody,
    });
    expect(ok.json()).toEqual({ name: 'webapp' });
    const bad = await app.inject({
      method: 'POST',
      url: '/hook',
      headers: { 'content-type': 'application/json', 'x-signature': sign('{}', key) },
      payload: sampleBody,
    });
    expect(bad.statusCode).toBe(401);
  });

  it('verifies a bodiless request against the empty payload', async () => {
    const app = Fastify();
    apps.push(app);
    app.get('/ping', { preHandler: fastifyVerifier(key) }, async () => 'pong');
    const ok = await app.inject({ method: 'GET', url: '/ping', headers: { 'x-signature': sign('', key) } });
    expect(ok.body).toBe('pong');
    const bad = await app.inject({ method: 'GET', url: '/ping', headers: { 'x-signature': sign('x', key) } });
    expect(bad.statusCode).toBe(401);
  });

  it('works over a real connection on 127.0.0.1, with the jobserv scheme', async () => {
    const app = Fastify();
    apps.push(app);
    app.addContentTypeParser('application/json', { parseAs: 'buffer' }, (_request, body, done) =>
      done(null, body),
    );
    app.post(
      '/jobserv',
      { preHandler: fastifyVerifier(jobServ.secret, { scheme: jobServSignatureScheme }) },
      async (request) => JSON.parse((request.body as Buffer).toString('utf8')),
    );
    await app.listen({ host: '127.0.0.1', port: 0 });
    const address = app.server.address();
    const port = typeof address === 'object' && address ? address.port : 0;
    const ok = await sendRequest({
      port,
      path: '/jobserv',
      headers: { 'content-type': 'application/json', 'X-JobServ-Sig': jobServ.signature },
      chunks: [jobServ.body],
    });
    expect(ok.status).toBe(200);
    expect(JSON.parse(ok.body.toString()).build_id).toBe(67);
    const wrong = await sendRequest({
      port,
      path: '/jobserv',
      headers: {
        'content-type': 'application/json',
        'X-JobServ-Sig': signJobServPayload(jobServ.body, 'other'),
      },
      chunks: [jobServ.body],
    });
    expect(wrong.status).toBe(401);
  });
});

import { createServer } from 'node:http';
import { BodyAlreadyReadError, expressVerifier, githubSignatureScheme, sign } from '@notiflux/hmac';
import express, { type ErrorRequestHandler, type Request, type Response } from 'express';
import { afterEach, describe, expect, it } from 'vitest';
import { sendRequest, serveOnLoopback, type TestServer } from './http-harness.js';
import { sampleBody } from './vectors.js';

const key = 'express-key';
const servers: TestServer[] = [];
afterEach(async () => {
  await Promise.all(servers.splice(0).map((server) => server.close()));
});

/** What the route handler saw, echoed back as JSON. */
function echo(req: Request, res: Response) {
  res.json({
    isBuffer: Buffer.isBuffer(req.body),
    text: Buffer.isBuffer(req.body) ? req.body.toString('utf8') : null,
    parsed: Buffer.isBuffer(req.body) ? JSON.parse(req.body.toString('utf8')) : null,
  });
}

const errorHandler: ErrorRequestHandler = (error, _req, res, _next) => {
  res
    .status(500)
    .json({ name: error.name, message: error.message, isBodyRead: error instanceof BodyAlreadyReadError });
};

async function serve(app: express.Express): Promise<TestServer> {
  app.use(errorHandler);
  const server = await serveOnLoopback(createServer(app));
  servers.push(server);
  return server;
}

const json = (body: Buffer) => JSON.parse(body.toString('utf8'));

describe('expressVerifier (real express app on 127.0.0.1)', () => {
  it('hands the handler the verified raw bytes as a Buffer in req.body', async () => {
    const app = express();
    app.post('/hook', expressVerifier(key), echo);
    // Inline handlers get `req.body: Buffer` inferred from the middleware (checked by tsc).
    app.post('/inline', expressVerifier(key), (req, res) => {
      const body: Buffer = req.body;
      res.type('text/plain').send(body.toString('utf8'));
    });
    const server = await serve(app);
    const response = await sendRequest({
      port: server.port,
      headers: { 'content-type': 'application/json', 'x-signature': sign(sampleBody, key) },
      chunks: [sampleBody],
    });
    expect(response.status).toBe(200);
    const inline = await sendRequest({
      port: server.port,
      path: '/inline',
      headers: { 'content-type': 'application/json', 'x-signature': sign(sampleBody, key) },
      chunks: [sampleBody],
    });
    expect(inline.body.toString('utf8')).toBe(sampleBody);
    const seen = json(response.body);
    expect(seen.isBuffer).toBe(true);
    expect(seen.text).toBe(sampleBody);
    expect(seen.parsed.involvedObject.name).toBe('webapp');
  });

  it('answers 401 with the reason for a tampered body, without secrets, and skips the handler', async () => {
    let handlerRan = false;
    const app = express();
    app.post('/hook', expressVerifier(key), (_req, res) => {
      handlerRan = true;
      res.send('ran');
    });
    const server = await serve(app);
    const signature = sign(sampleBody, key);
    const response = await sendRequest({
      port: server.port,
      headers: { 'content-type': 'application/json', 'x-signature': signature },
      chunks: [sampleBody.replace('ValidationFailed', 'Succeeded')],
    });
    expect(response.status).toBe(401);
    expect(response.headers['content-type']).toMatch(/application\/json/);
    const answer = json(response.body);
    expect(answer.reason).toBe('mismatch');
    expect(answer.error).toMatch(/does not match/);
    const text = response.body.toString();
    expect(text).not.toContain(key);
    expect(text).not.toContain(signature.slice(7));
    expect(handlerRan).toBe(false);
  });

  it('answers 401 missing / malformed / unsupported-algorithm', async () => {
    const app = express();
    app.post('/hook', expressVerifier(key), echo);
    const server = await serve(app);
    const cases: [Record<string, string>, string][] = [
      [{}, 'missing'],
      [{ 'x-signature': 'sha256' }, 'malformed'],
      [{ 'x-signature': sign(sampleBody, key, 'sha1') }, 'unsupported-algorithm'],
    ];
    for (const [headers, reason] of cases) {
      const response = await sendRequest({ port: server.port, headers, chunks: [sampleBody] });
      expect(response.status).toBe(401);
      expect(json(response.body).reason).toBe(reason);
    }
  });

  it('fails clearly when express.json() consumed the body first', async () => {
    const app = express();
    app.use(express.json());
    app.post('/hook', expressVerifier(key), echo);
    const server = await serve(app);
    const response = await sendRequest({
      port: server.port,
      headers: { 'content-type': 'application/json', 'x-signature': sign(sampleBody, key) },
      chunks: [sampleBody],
    });
    expect(response.status).toBe(500);
    const error = json(response.body);
    expect(error.isBodyRead).toBe(true);
    expect(error.name).toBe('BodyAlreadyReadError');
    expect(error.message).toContain('express.json()');
    expect(error.message).toMatch(/Mount expressVerifier\(\) before them/);
    expect(error.message).toContain('express.raw()');
  });

  it('verifies the Buffer left by express.raw() mounted before it', async () => {
    const app = express();
    app.use(express.raw({ type: () => true }));
    app.post('/hook', expressVerifier(key), echo);
    const server = await serve(app);
    const ok = await sendRequest({
      port: server.port,
      headers: { 'content-type': 'application/json', 'x-signature': sign(sampleBody, key) },
      chunks: [sampleBody],
    });
    expect(ok.status).toBe(200);
    expect(json(ok.body).text).toBe(sampleBody);
    const bad = await sendRequest({
      port: server.port,
      headers: { 'content-type': 'application/json', 'x-signature': sign(`${sampleBody} `, key) },
      chunks: [sampleBody],
    });
    expect(bad.status).toBe(401);
  });

  it('leaves the Buffer in place when express.json() runs after it', async () => {
    const app = express();
    app.use('/hook', expressVerifier(key));
    app.use(express.json());
    app.post('/hook', echo);
    const server = await serve(app);
    const response = await sendRequest({
      port: server.port,
      headers: { 'content-type': 'application/json', 'x-signature': sign(sampleBody, key) },
      chunks: [sampleBody],
    });
    expect(response.status).toBe(200);
    expect(json(response.body).isBuffer).toBe(true);
  });

  it('answers 413 with Connection: close past maxBodyBytes', async () => {
    const app = express();
    app.post('/hook', expressVerifier(key, { maxBodyBytes: 1000 }), echo);
    const server = await serve(app);
    const announced = await sendRequest({
      port: server.port,
      headers: { 'x-signature': sign('x', key), 'content-length': 5000 },
      end: false,
    });
    expect(announced.status).toBe(413);
    expect(announced.headers.connection).toBe('close');
    expect(json(announced.body).reason).toBe('too-large');
    const streamed = await sendRequest({
      port: server.port,
      headers: { 'x-signature': sign('x', key), 'transfer-encoding': 'chunked' },
      chunks: [Buffer.alloc(800), Buffer.alloc(800)],
      end: false,
    });
    expect(streamed.status).toBe(413);
  });

  it('takes the other schemes, e.g. GitHub', async () => {
    const app = express();
    app.post('/github', expressVerifier(key, { scheme: githubSignatureScheme }), echo);
    const server = await serve(app);
    const response = await sendRequest({
      port: server.port,
      path: '/github',
      headers: { 'content-type': 'application/json', 'x-hub-signature-256': sign(sampleBody, key) },
      chunks: [sampleBody],
    });
    expect(response.status).toBe(200);
  });

  it('refuses an empty key or bad options when the middleware is created', () => {
    expect(() => expressVerifier('')).toThrow(TypeError);
    expect(() => expressVerifier(key, { maxBodyBytes: -5 })).toThrow(RangeError);
    expect(() => expressVerifier(key, { algorithms: ['sha3' as 'sha256'] })).toThrow(TypeError);
  });
});

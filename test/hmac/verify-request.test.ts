import type { IncomingMessage, ServerResponse } from 'node:http';
import { setTimeout as delay } from 'node:timers/promises';
import {
  BodyAlreadyReadError,
  defaultMaxBodyBytes,
  githubSignatureScheme,
  SignatureError,
  sign,
  type VerifyRequestOptions,
  verifyRequest,
} from '@notiflux/hmac';
import { afterEach, describe, expect, it } from 'vitest';
import { countingStream, sendRequest, startServer, type TestServer } from './http-harness.js';
import { github, sampleBody, sampleKey, sampleMacs } from './vectors.js';

const key = 'request-key';

interface Outcome {
  body?: Uint8Array;
  error?: unknown;
  request: IncomingMessage;
}

/** A real node:http server on 127.0.0.1 that runs verifyRequest and reports what happened. */
async function verifyingServer(
  options?: VerifyRequestOptions,
  before?: (req: IncomingMessage) => Promise<void>,
) {
  const outcomes: Outcome[] = [];
  let notify: (outcome: Outcome) => void = () => undefined;
  const server = await startServer(async (req: IncomingMessage, res: ServerResponse) => {
    let outcome: Outcome;
    try {
      await before?.(req);
      outcome = { body: await verifyRequest(req, key, options), request: req };
      res.writeHead(200, { 'content-type': 'text/plain' }).end(`verified ${outcome.body?.byteLength}`);
    } catch (error) {
      outcome = { error, request: req };
      const tooLarge = error instanceof SignatureError && error.reason === 'too-large';
      res
        .writeHead(
          tooLarge ? 413 : error instanceof SignatureError ? 401 : 500,
          tooLarge ? { connection: 'close' } : {},
        )
        .end(error instanceof SignatureError ? error.reason : 'server error');
    }
    outcomes.push(outcome);
    notify(outcome);
  });
  servers.push(server);
  const next = () =>
    new Promise<Outcome>((resolve) => {
      notify = resolve;
    });
  return { server, outcomes, next };
}

const servers: TestServer[] = [];
afterEach(async () => {
  await Promise.all(servers.splice(0).map((server) => server.close()));
});

function reasonOf(error: unknown): string | undefined {
  return error instanceof SignatureError ? error.reason : undefined;
}

describe('verifyRequest with a node:http IncomingMessage (real server on 127.0.0.1)', () => {
  it('resolves to the exact raw bytes, sent in several chunks', async () => {
    const { server, next } = await verifyingServer();
    const body = Buffer.from(sampleBody);
    const outcome = next();
    const response = await sendRequest({
      port: server.port,
      headers: { 'x-signature': sign(body, key), 'content-type': 'application/json' },
      chunks: [body.subarray(0, 100), body.subarray(100, 300), body.subarray(300)],
    });
    expect(response.status).toBe(200);
    const { body: verified, error } = await outcome;
    expect(error).toBeUndefined();
    expect(verified).toBeInstanceOf(Uint8Array);
    expect(Buffer.from(verified!).equals(body)).toBe(true);
  });

  it('reads the header case-insensitively and verifies the spec vector', async () => {
    const { server } = await verifyingServer();
    const response = await sendRequest({
      port: server.port,
      headers: { 'X-SIGNATURE': `sha256=${sign(sampleBody, key).slice(7).toUpperCase()}` },
      chunks: [sampleBody],
    });
    expect(response.status).toBe(200);
    expect(response.body.toString()).toBe('verified 549');
  });

  it('rejects a tampered body with mismatch', async () => {
    const { server, next } = await verifyingServer();
    const outcome = next();
    const response = await sendRequest({
      port: server.port,
      headers: { 'x-signature': sign(sampleBody, key) },
      chunks: [sampleBody.replace('"error"', '"info"')],
    });
    expect(response.status).toBe(401);
    expect(reasonOf((await outcome).error)).toBe('mismatch');
  });

  it('rejects a missing header before reading the body', async () => {
    const { server, next } = await verifyingServer();
    const outcome = next();
    // Announces a body and never sends it: only a verifier that does not wait for it can answer.
    const response = await sendRequest({ port: server.port, headers: { 'content-length': 100 }, end: false });
    expect(response.status).toBe(401);
    expect(response.body.toString()).toBe('missing');
    expect(reasonOf((await outcome).error)).toBe('missing');
  });

  it('rejects joined duplicate headers as malformed', async () => {
    const { server } = await verifyingServer();
    const signature = sign(sampleBody, key);
    const response = await sendRequest({
      port: server.port,
      headers: { 'x-signature': `${signature}, ${signature}` },
      chunks: [sampleBody],
    });
    expect(response.body.toString()).toBe('malformed');
  });

  it('refuses an announced Content-Length over the limit without reading', async () => {
    const { server, next } = await verifyingServer({ maxBodyBytes: 1024 });
    const outcome = next();
    const response = await sendRequest({
      port: server.port,
      headers: { 'x-signature': sign('x', key), 'content-length': 10 * 1024 * 1024 },
      end: false,
    });
    expect(response.status).toBe(413);
    expect(response.headers.connection).toBe('close');
    expect(reasonOf((await outcome).error)).toBe('too-large');
  });

  it('stops reading a chunked body at the limit, without waiting for its end', async () => {
    const { server, next } = await verifyingServer({ maxBodyBytes: 4096 });
    const outcome = next();
    // 12 KiB sent, then the request is left open: reading to the end would hang this test.
    const response = await sendRequest({
      port: server.port,
      headers: { 'x-signature': sign('x', key) },
      chunks: [Buffer.alloc(3000, 1), Buffer.alloc(3000, 2), Buffer.alloc(6000, 3)],
      end: false,
    });
    expect(response.status).toBe(413);
    const { error, request } = await outcome;
    expect(reasonOf(error)).toBe('too-large');
    expect((error as Error).message).toContain('4096-byte limit');
    // It let go of the stream: no listener left and no longer flowing.
    expect(request.listenerCount('data')).toBe(0);
    expect(request.readableFlowing).toBe(false);
  });

  it('accepts a body of exactly maxBodyBytes and refuses one byte more', async () => {
    const { server } = await verifyingServer({ maxBodyBytes: 2048 });
    const exact = Buffer.alloc(2048, 7);
    const over = Buffer.alloc(2049, 7);
    const ok = await sendRequest({
      port: server.port,
      headers: { 'x-signature': sign(exact, key) },
      chunks: [exact],
    });
    expect(ok.status).toBe(200);
    const chunked = await sendRequest({
      port: server.port,
      headers: { 'x-signature': sign(over, key), 'transfer-encoding': 'chunked' },
      chunks: [over.subarray(0, 1000), over.subarray(1000)],
    });
    expect(chunked.status).toBe(413);
  });

  it('defaults to a 3 MiB limit', async () => {
    expect(defaultMaxBodyBytes).toBe(3 * 1024 * 1024);
    const { server } = await verifyingServer();
    const big = Buffer.alloc(defaultMaxBodyBytes, 0x20);
    const ok = await sendRequest({
      port: server.port,
      headers: { 'x-signature': sign(big, key) },
      chunks: [big],
    });
    expect(ok.status).toBe(200);
    const tooBig = await sendRequest({
      port: server.port,
      headers: { 'x-signature': sign(big, key), 'content-length': defaultMaxBodyBytes + 1 },
      end: false,
    });
    expect(tooBig.status).toBe(413);
  });

  it('reports a body that something else already read', async () => {
    const { server, next } = await verifyingServer(undefined, async (req) => {
      for await (const _chunk of req) {
        // drain, as a body parser would
      }
    });
    const outcome = next();
    const response = await sendRequest({
      port: server.port,
      headers: { 'x-signature': sign(sampleBody, key) },
      chunks: [sampleBody],
    });
    expect(response.status).toBe(500);
    const { error } = await outcome;
    expect(error).toBeInstanceOf(BodyAlreadyReadError);
    expect((error as Error).message).toMatch(/already consumed/);
  });

  it('takes another scheme, header or algorithm list through options', async () => {
    const { server: githubServer } = await verifyingServer({ scheme: githubSignatureScheme });
    const fromGitHub = await sendRequest({
      port: githubServer.port,
      headers: { 'X-Hub-Signature-256': github.signature },
      chunks: [github.body],
    });
    // The key differs from GitHub's vector: the server's key is `key`.
    expect(fromGitHub.status).toBe(401);
    const ours = await sendRequest({
      port: githubServer.port,
      headers: { 'X-Hub-Signature-256': sign(github.body, key), 'x-signature': 'ignored' },
      chunks: [github.body],
    });
    expect(ours.status).toBe(200);

    const { server: custom } = await verifyingServer({ header: 'X-Custom-Sig', algorithms: ['sha1'] });
    const sha1 = await sendRequest({
      port: custom.port,
      headers: { 'x-custom-sig': sign(sampleBody, key, 'sha1') },
      chunks: [sampleBody],
    });
    expect(sha1.status).toBe(200);
    const sha256 = await sendRequest({
      port: custom.port,
      headers: { 'x-custom-sig': sign(sampleBody, key) },
      chunks: [sampleBody],
    });
    expect(sha256.body.toString()).toBe('unsupported-algorithm');
  });

  it('refuses bad options and keys before touching the request', async () => {
    const request = new Request('http://127.0.0.1/hook', {
      method: 'POST',
      body: 'x',
      headers: { 'x-signature': sign('x', key) },
    });
    await expect(verifyRequest(request, '')).rejects.toThrow(TypeError);
    await expect(verifyRequest(request, key, { maxBodyBytes: -1 })).rejects.toThrow(RangeError);
    await expect(verifyRequest(request, key, { maxBodyBytes: 1.5 })).rejects.toThrow(RangeError);
    await expect(verifyRequest(request, key, { header: 'bad header' })).rejects.toThrow(TypeError);
    expect(request.bodyUsed).toBe(false);
    expect(Buffer.from(await verifyRequest(request, key)).toString('utf8')).toBe('x');
  });
});

describe('verifyRequest with a fetch Request', () => {
  const url = 'http://127.0.0.1/hook';

  it('verifies a string body and resolves to its bytes', async () => {
    const request = new Request(url, {
      method: 'POST',
      body: sampleBody,
      headers: { 'X-Signature': `sha256=${sampleMacs.sha256}` },
    });
    const bytes = await verifyRequest(request, sampleKey);
    expect(Buffer.from(bytes).toString('utf8')).toBe(sampleBody);
    expect(request.bodyUsed).toBe(true);
  });

  it('verifies a bodiless request against the empty payload', async () => {
    const request = new Request(url, { headers: { 'x-signature': sign('', key) } });
    expect((await verifyRequest(request, key)).byteLength).toBe(0);
    await expect(
      verifyRequest(new Request(url, { headers: { 'x-signature': sign('a', key) } }), key),
    ).rejects.toMatchObject({
      reason: 'mismatch',
    });
  });

  it('stops pulling a streamed body past the limit and cancels the stream', async () => {
    const chunkSize = 16 * 1024;
    const limit = 64 * 1024;
    const { stream, stats } = countingStream(chunkSize);
    const request = new Request(url, {
      method: 'POST',
      body: stream,
      headers: { 'x-signature': sign('anything', key) },
      duplex: 'half',
    } as RequestInit);
    const error = await verifyRequest(request, key, { maxBodyBytes: limit }).catch((e: unknown) => e);
    expect(reasonOf(error)).toBe('too-large');
    await delay(20);
    // The infinite stream was read to one chunk past the limit and no further.
    expect(stats.pulledBytes).toBeGreaterThan(limit);
    expect(stats.pulledBytes).toBeLessThanOrEqual(limit + 2 * chunkSize);
    expect(stats.cancelled).toBe(true);
  });

  it('reads a streamed body that fits', async () => {
    const { stream, stats } = countingStream(1000, 5);
    const expected = Buffer.alloc(5000, 0x61);
    const request = new Request(url, {
      method: 'POST',
      body: stream,
      headers: { 'x-signature': sign(expected, key) },
      duplex: 'half',
    } as RequestInit);
    const bytes = await verifyRequest(request, key, { maxBodyBytes: 5000 });
    expect(Buffer.from(bytes).equals(expected)).toBe(true);
    expect(stats.pulls).toBe(5);
  });

  it('does not pull a byte when the header is missing or malformed', async () => {
    for (const headers of [
      {},
      { 'x-signature': 'sha256=nothex' },
      { 'x-signature': `md5=${'0'.repeat(32)}` },
    ]) {
      const { stream, stats } = countingStream(1024);
      const request = new Request(url, {
        method: 'POST',
        body: stream,
        headers,
        duplex: 'half',
      } as RequestInit);
      const error = await verifyRequest(request, key).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(SignatureError);
      expect(stats.pulls).toBe(0);
    }
  });

  it('honours an announced Content-Length over the limit without pulling', async () => {
    const { stream, stats } = countingStream(1024);
    const request = new Request(url, {
      method: 'POST',
      body: stream,
      headers: { 'x-signature': sign('x', key), 'content-length': String(10 * 1024 * 1024) },
      duplex: 'half',
    } as RequestInit);
    const error = await verifyRequest(request, key, { maxBodyBytes: 1024 }).catch((e: unknown) => e);
    expect(reasonOf(error)).toBe('too-large');
    expect(stats.pulls).toBe(0);
    expect(stats.cancelled).toBe(true);
  });

  it('reports a body that was already read', async () => {
    const request = new Request(url, {
      method: 'POST',
      body: sampleBody,
      headers: { 'x-signature': sign(sampleBody, key) },
    });
    await request.text();
    await expect(verifyRequest(request, key)).rejects.toBeInstanceOf(BodyAlreadyReadError);
  });
});

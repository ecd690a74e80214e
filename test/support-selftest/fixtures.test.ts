// Proves the shared fixtures in test/support do what other tests rely on them to do.
import { X509Certificate } from 'node:crypto';
import net from 'node:net';
import type { Dispatcher } from 'undici';
import { Agent, ProxyAgent, request } from 'undici';
import { afterEach, describe, expect, it } from 'vitest';
import type { TestProxy } from '../support/auth-proxy.js';
import { startProxy } from '../support/auth-proxy.js';
import type { RecordingServer, RecordingServerOptions } from '../support/recording-server.js';
import { startRecordingServer, waitFor } from '../support/recording-server.js';
import { createTestPki, testClientCommonName } from '../support/test-certificates.js';

// Everything a test opens is closed after it, whether it passed or not.
const cleanups: (() => Promise<unknown>)[] = [];
afterEach(async () => {
  await Promise.all(cleanups.splice(0).map((cleanup) => cleanup()));
});

async function recordingServer(options?: RecordingServerOptions): Promise<RecordingServer> {
  const server = await startRecordingServer(options);
  cleanups.push(() => server.close());
  return server;
}

async function proxy(options?: Parameters<typeof startProxy>[0]): Promise<TestProxy> {
  const started = await startProxy(options);
  cleanups.push(() => started.close());
  return started;
}

function dispatcher<T extends Dispatcher>(created: T): T {
  cleanups.push(() => created.destroy());
  return created;
}

async function send(url: string, options: Parameters<typeof request>[1] = {}) {
  const response = await request(url, options);
  return { status: response.statusCode, headers: response.headers, body: await response.body.text() };
}

/** Writes raw bytes to a server and returns everything it answers until it closes the connection. */
function rawExchange(port: number, text: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const socket = net.connect({ host: '127.0.0.1', port });
    const chunks: Buffer[] = [];
    socket.on('data', (chunk: Buffer) => chunks.push(chunk));
    socket.on('end', () => resolve(Buffer.concat(chunks).toString('latin1')));
    socket.on('error', reject);
    socket.write(text);
  });
}

const basic = (user: string, password: string) =>
  `Basic ${Buffer.from(`${user}:${password}`).toString('base64')}`;

describe('recording server', () => {
  it('records method, path with query, headers and body exactly', async () => {
    const server = await recordingServer();
    const body = '{"message":"héllo ✓"}';
    const before = Date.now();

    const response = await send(`${server.url}/hooks/abc?x=1&y=%20z`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json', 'X-Signature': 'sha256=00ff', 'x-multi': ['a', 'b'] },
      body,
    });

    expect(response).toMatchObject({ status: 200, body: '' });
    expect(server.requests).toHaveLength(1);
    const [recorded] = server.requests;
    expect(recorded).toMatchObject({ method: 'POST', path: '/hooks/abc?x=1&y=%20z', body });
    expect(recorded!.bodyBytes.equals(Buffer.from(body, 'utf8'))).toBe(true);
    expect(recorded!.headers['content-type']).toBe('application/json');
    expect(recorded!.headers['x-signature']).toBe('sha256=00ff');
    expect(recorded!.headers['x-multi']).toBe('a, b');
    expect(recorded!.headers['content-length']).toBe(String(Buffer.byteLength(body)));
    // rawHeaders keeps the sender's spelling and repeats.
    expect(recorded!.rawHeaders).toEqual(expect.arrayContaining(['Content-Type', 'X-Signature']));
    expect(recorded!.rawHeaders.filter((entry) => entry.toLowerCase() === 'x-multi')).toHaveLength(2);
    expect(recorded!.receivedAt).toBeGreaterThanOrEqual(before);
    expect(recorded!.clientCertSubject).toBeUndefined();
  });

  it('keeps binary bodies byte for byte', async () => {
    const server = await recordingServer();
    const bytes = Buffer.from([0x00, 0xff, 0xfe, 0x80, 0x0a, 0x0d]);
    await send(`${server.url}/bin`, { method: 'PUT', body: bytes });
    expect(server.requests[0]!.bodyBytes.equals(bytes)).toBe(true);
  });

  it('answers a scripted queue in order, then the default response', async () => {
    const server = await recordingServer();
    server.respondWith([
      { status: 503, headers: { 'retry-after': '1' }, body: 'busy' },
      { status: 201, headers: { 'content-type': 'application/json' }, body: '{"ok":true}' },
    ]);

    const first = await send(`${server.url}/a`);
    const second = await send(`${server.url}/b`);
    const third = await send(`${server.url}/c`);

    expect(first).toMatchObject({ status: 503, body: 'busy' });
    expect(first.headers['retry-after']).toBe('1');
    expect(second).toMatchObject({ status: 201, body: '{"ok":true}' });
    expect(second.headers['content-type']).toBe('application/json');
    expect(third).toMatchObject({ status: 200, body: '' });
    expect(server.requests.map((recorded) => recorded.path)).toEqual(['/a', '/b', '/c']);
  });

  it('uses a configured default response and an initial script', async () => {
    const server = await recordingServer({
      defaultResponse: { status: 204 },
      respondWith: { status: 418, body: 'teapot' },
    });
    expect(await send(server.url)).toMatchObject({ status: 418, body: 'teapot' });
    expect(await send(server.url)).toMatchObject({ status: 204, body: '' });
  });

  it('answers through a handler that sees the recorded request and its index', async () => {
    const server = await recordingServer();
    server.respondWith(async (recorded, index) => ({
      status: 200 + index,
      body: `${recorded.method} ${recorded.body}`,
    }));

    expect(await send(server.url, { method: 'POST', body: 'one' })).toMatchObject({
      status: 200,
      body: 'POST one',
    });
    expect(await send(server.url, { method: 'POST', body: 'two' })).toMatchObject({
      status: 201,
      body: 'POST two',
    });
  });

  it('delays a response by delayMs', async () => {
    const server = await recordingServer({ respondWith: { delayMs: 150, body: 'late' } });
    const started = performance.now();
    const response = await send(server.url);
    expect(response.body).toBe('late');
    expect(performance.now() - started).toBeGreaterThanOrEqual(140);
  });

  it('resets the connection without answering when told to destroy', async () => {
    const server = await recordingServer({ respondWith: [{ destroy: true }, { body: 'recovered' }] });
    const client = dispatcher(new Agent());

    await expect(send(server.url, { dispatcher: client })).rejects.toMatchObject({ code: 'ECONNRESET' });
    expect(server.requests).toHaveLength(1);
    expect(await send(server.url, { dispatcher: client })).toMatchObject({ body: 'recovered' });
  });

  it('counts TCP connections, showing keep-alive reuse', async () => {
    const server = await recordingServer();
    const keepAlive = dispatcher(new Agent({ connections: 1 }));
    for (let i = 0; i < 3; i += 1) await send(`${server.url}/${i}`, { dispatcher: keepAlive });
    expect(server.requests).toHaveLength(3);
    expect(server.connections).toBe(1);

    // A second client cannot share the first one's socket.
    await send(server.url, { dispatcher: dispatcher(new Agent()) });
    expect(server.connections).toBe(2);
  });

  it('closes promptly with an idle keep-alive connection open', async () => {
    const server = await startRecordingServer();
    await send(server.url, { dispatcher: dispatcher(new Agent({ keepAliveTimeout: 60_000 })) });
    const started = performance.now();
    await server.close();
    expect(performance.now() - started).toBeLessThan(1_000);
  });

  it('closes promptly while a delayed response is pending, failing that request', async () => {
    const server = await startRecordingServer({ respondWith: { delayMs: 60_000 } });
    const pending = send(server.url, { dispatcher: dispatcher(new Agent()) }).catch(
      (error: unknown) => error,
    );
    await waitFor(() => server.requests.length === 1);

    const started = performance.now();
    await server.close();
    expect(performance.now() - started).toBeLessThan(1_000);
    expect(await pending).toBeInstanceOf(Error);
    await server.close(); // idempotent
  });

  it('waitFor resolves with the truthy value and rejects after its timeout', async () => {
    let calls = 0;
    expect(await waitFor(() => (++calls >= 3 ? 'ready' : undefined), 1_000, 1)).toBe('ready');
    await expect(waitFor(() => false, 30, 5)).rejects.toThrow(/within 30 ms/);
  });
});

describe('test PKI', () => {
  it('is generated once per process', async () => {
    expect(await createTestPki()).toBe(await createTestPki());
  });

  it('issues a CA, a server certificate for 127.0.0.1 and localhost, and a client certificate', async () => {
    const pki = await createTestPki();
    const ca = new X509Certificate(pki.ca.cert);
    const server = new X509Certificate(pki.server.cert);
    const client = new X509Certificate(pki.client.cert);

    expect(ca.ca).toBe(true);
    expect(server.ca).toBe(false);
    expect(server.checkIssued(ca) && server.verify(ca.publicKey)).toBe(true);
    expect(client.checkIssued(ca) && client.verify(ca.publicKey)).toBe(true);
    expect(server.checkIP('127.0.0.1')).toBe('127.0.0.1');
    expect(server.checkHost('localhost')).toBe('localhost');
    expect(server.checkHost('example.com')).toBeUndefined();
    expect(client.subject).toContain(`CN=${testClientCommonName}`);
    for (const pem of [pki.ca.key, pki.server.key, pki.client.key]) {
      expect(pem).toMatch(/^-----BEGIN PRIVATE KEY-----\n/);
    }
  });
});

describe('recording server over TLS', () => {
  it('is trusted with the test CA and refused without it', async () => {
    const pki = await createTestPki();
    const server = await recordingServer({ tls: pki.server });
    expect(server.url).toMatch(/^https:\/\/127\.0\.0\.1:\d+$/);

    const trusting = dispatcher(new Agent({ connect: { ca: pki.ca.cert } }));
    expect(await send(`${server.url}/secure`, { dispatcher: trusting })).toMatchObject({ status: 200 });
    expect(server.requests[0]!.path).toBe('/secure');

    const untrusting = dispatcher(new Agent());
    await expect(send(server.url, { dispatcher: untrusting })).rejects.toMatchObject({
      code: 'UNABLE_TO_VERIFY_LEAF_SIGNATURE',
    });
    expect(server.requests).toHaveLength(1);
  });

  it('resets a TLS connection too when told to destroy', async () => {
    const pki = await createTestPki();
    const server = await recordingServer({ tls: pki.server, respondWith: { destroy: true } });
    const trusting = dispatcher(new Agent({ connect: { ca: pki.ca.cert } }));
    await expect(send(server.url, { dispatcher: trusting })).rejects.toMatchObject({ code: 'ECONNRESET' });
  });

  it('matches the DNS name localhost as well', async () => {
    const pki = await createTestPki();
    const server = await recordingServer({ tls: pki.server });
    // Connect to 127.0.0.1 but verify as 'localhost', so no name resolution is involved.
    const asLocalhost = dispatcher(new Agent({ connect: { ca: pki.ca.cert, servername: 'localhost' } }));
    expect(await send(server.url, { dispatcher: asLocalhost })).toMatchObject({ status: 200 });
  });

  it('records whether the client presented a certificate (mTLS)', async () => {
    const pki = await createTestPki();
    const server = await recordingServer({ tls: { ...pki.server, ca: pki.ca.cert, requestCert: true } });

    const withCertificate = dispatcher(
      new Agent({ connect: { ca: pki.ca.cert, cert: pki.client.cert, key: pki.client.key } }),
    );
    await send(server.url, { dispatcher: withCertificate });
    const withoutCertificate = dispatcher(new Agent({ connect: { ca: pki.ca.cert } }));
    await send(server.url, { dispatcher: withoutCertificate });

    expect(server.requests[0]).toMatchObject({
      clientCertSubject: `CN=${testClientCommonName}`,
      clientCertAuthorized: true,
    });
    expect(server.requests[1]!.clientCertSubject).toBeUndefined();
    expect(server.requests[1]!.clientCertAuthorized).toBe(false);
  });

  it('refuses a client without a certificate when rejectUnauthorized is set', async () => {
    const pki = await createTestPki();
    const server = await recordingServer({
      tls: { ...pki.server, ca: pki.ca.cert, requestCert: true, rejectUnauthorized: true },
    });
    await expect(
      send(server.url, { dispatcher: dispatcher(new Agent({ connect: { ca: pki.ca.cert } })) }),
    ).rejects.toBeInstanceOf(Error);
    expect(server.requests).toHaveLength(0);

    const withCertificate = dispatcher(
      new Agent({ connect: { ca: pki.ca.cert, cert: pki.client.cert, key: pki.client.key } }),
    );
    expect(await send(server.url, { dispatcher: withCertificate })).toMatchObject({ status: 200 });
  });
});

describe('proxy', () => {
  it('forwards absolute-URI plain-HTTP requests without auth', async () => {
    const target = await recordingServer({ respondWith: { status: 202, body: 'via proxy' } });
    const open = await proxy();
    const viaProxy = dispatcher(new ProxyAgent({ uri: open.url, proxyTunnel: false }));

    const response = await send(`${target.url}/hook?q=1`, {
      dispatcher: viaProxy,
      method: 'POST',
      headers: { 'x-test': 'yes' },
      body: 'payload',
    });

    expect(response).toMatchObject({ status: 202, body: 'via proxy' });
    expect(open.forwardedRequests).toEqual([`${target.url}/hook?q=1`]);
    expect(open.connectRequests).toEqual([]);
    expect(open.authHeaders).toEqual([undefined]);
    expect(target.requests[0]).toMatchObject({ method: 'POST', path: '/hook?q=1', body: 'payload' });
    expect(target.requests[0]!.headers['x-test']).toBe('yes');
    expect(target.requests[0]!.headers['proxy-authorization']).toBeUndefined();
  });

  it('tunnels plain HTTP through CONNECT, undici ProxyAgent’s default', async () => {
    const target = await recordingServer();
    const open = await proxy();
    const viaProxy = dispatcher(new ProxyAgent({ uri: open.url }));

    expect(await send(`${target.url}/tunnelled`, { dispatcher: viaProxy })).toMatchObject({ status: 200 });
    expect(open.connectRequests).toEqual([`127.0.0.1:${target.port}`]);
    expect(open.forwardedRequests).toEqual([]);
  });

  it('requires Basic auth for forwarded requests when configured', async () => {
    const target = await recordingServer();
    const guarded = await proxy({ username: 'user', password: 'p@ss:word' });

    // undici's ProxyAgent turns a 407 into an error rather than handing back the response.
    const anonymous = dispatcher(new ProxyAgent({ uri: guarded.url, proxyTunnel: false }));
    await expect(send(`${target.url}/x`, { dispatcher: anonymous })).rejects.toThrow(/\(407\)/);
    const wrong = dispatcher(
      new ProxyAgent({ uri: guarded.url, proxyTunnel: false, token: basic('user', 'nope') }),
    );
    await expect(send(`${target.url}/x`, { dispatcher: wrong })).rejects.toThrow(/\(407\)/);
    // A raw client sees the challenge itself.
    const challenge = await rawExchange(
      guarded.port,
      `GET ${target.url}/x HTTP/1.1\r\nHost: 127.0.0.1:${target.port}\r\nConnection: close\r\n\r\n`,
    );
    expect(challenge).toMatch(/^HTTP\/1\.1 407 [\s\S]*\r\nproxy-authenticate: Basic realm="test proxy"\r\n/i);

    const token = basic('user', 'p@ss:word');
    const authorized = dispatcher(new ProxyAgent({ uri: guarded.url, proxyTunnel: false, token }));
    expect(await send(`${target.url}/x`, { dispatcher: authorized })).toMatchObject({ status: 200 });

    expect(guarded.authHeaders).toEqual([undefined, basic('user', 'nope'), undefined, token]);
    expect(target.requests).toHaveLength(1);
    // The proxy credential is hop-by-hop: it must not reach the target.
    expect(target.requests[0]!.headers['proxy-authorization']).toBeUndefined();
  });

  it('tunnels HTTPS through CONNECT with auth, trusting the test CA', async () => {
    const pki = await createTestPki();
    const target = await recordingServer({ tls: pki.server, respondWith: { body: 'secret' } });
    const guarded = await proxy({ username: 'user', password: 'secret' });
    const token = basic('user', 'secret');

    const authorized = dispatcher(
      new ProxyAgent({ uri: guarded.url, token, requestTls: { ca: pki.ca.cert } }),
    );
    expect(await send(`${target.url}/tls`, { dispatcher: authorized })).toMatchObject({
      status: 200,
      body: 'secret',
    });
    expect(guarded.connectRequests).toEqual([`127.0.0.1:${target.port}`]);
    expect(guarded.authHeaders).toEqual([token]);
    expect(target.requests[0]!.path).toBe('/tls');

    const anonymous = dispatcher(new ProxyAgent({ uri: guarded.url, requestTls: { ca: pki.ca.cert } }));
    await expect(send(`${target.url}/tls`, { dispatcher: anonymous })).rejects.toThrow(/407/);
    expect(target.requests).toHaveLength(1);
  });

  it('refuses targets off this machine with 403, for CONNECT and forwarding alike', async () => {
    const open = await proxy();
    // 192.0.2.0/24 is TEST-NET-1 (RFC 5737): never routed, and the proxy must not even try.
    const tunnel = await rawExchange(
      open.port,
      'CONNECT 192.0.2.1:443 HTTP/1.1\r\nHost: 192.0.2.1:443\r\n\r\n',
    );
    expect(tunnel).toMatch(/^HTTP\/1\.1 403 /);
    const forward = await rawExchange(
      open.port,
      'GET http://192.0.2.1/x HTTP/1.1\r\nHost: 192.0.2.1\r\nConnection: close\r\n\r\n',
    );
    expect(forward).toMatch(/^HTTP\/1\.1 403 /);
    const named = await rawExchange(
      open.port,
      'CONNECT example.com:443 HTTP/1.1\r\nHost: example.com\r\n\r\n',
    );
    expect(named).toMatch(/^HTTP\/1\.1 403 /);

    expect(open.connectRequests).toEqual(['192.0.2.1:443', 'example.com:443']);
    expect(open.forwardedRequests).toEqual(['http://192.0.2.1/x']);
  });

  it('answers 502 when the loopback target is not listening', async () => {
    const target = await startRecordingServer();
    await target.close(); // its port is now (almost certainly) closed
    const open = await proxy();
    const tunnel = await rawExchange(
      open.port,
      `CONNECT 127.0.0.1:${target.port} HTTP/1.1\r\nHost: 127.0.0.1:${target.port}\r\n\r\n`,
    );
    expect(tunnel).toMatch(/^HTTP\/1\.1 502 /);
  });
});

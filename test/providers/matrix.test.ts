import { createHash } from 'node:crypto';
import type { Event } from '@notiflux/core';
import { createNotifier, NotifierError } from '@notiflux/providers';
import {
  encodeMatrixPayload,
  formatMatrixText,
  matrixProvider,
  matrixSendUrl,
  matrixTransactionId,
} from '@notiflux/providers/matrix';
import { describe, expect, it } from 'vitest';
import { useProviderHarness } from '../support/provider-harness.js';
import { sampleEvent, sampleEventJson } from '../support/sample-events.js';

const { receiver, notifier } = useProviderHarness();
const providers = [matrixProvider];

const roomId = '!jezptmDwEeLapMLjOc:matrix.org';
const encodedRoomId = '!jezptmDwEeLapMLjOc%3Amatrix.org';
const accessToken = 'syt_Zmx1eA_secretAccessToken_0a1b2c';
const sampleTxnId = '169096241b2e4899c90e47101181aeac83802519';
const sampleInfoTxnId = '6409fa507091cdfff6fedc51e8e2efe09f373c47';

const sampleBody =
  '{"body":"🚨 kustomization/webapp.apps\\nservice/apps/webapp validation error: spec.type: Unsupported value: Ingress\\n- revision: main@sha1:731f7eaddfb6af01cb2173e18f0f75b0ba780ef1\\n- summary: Cluster: prod-eu\\n","msgtype":"m.text"}';

const sendPath = (txnId: string, room = encodedRoomId) =>
  `/_matrix/client/v3/rooms/${room}/send/m.room.message/${txnId}`;

/** The `body` field of what the homeserver received. */
const receivedText = (request: { body: string } | undefined): unknown =>
  (JSON.parse(request?.body ?? '{}') as { body?: unknown }).body;

describe('matrix', () => {
  it('PUTs the sample event as m.text to the v3 send endpoint with the event SHA-1 as txnId', async () => {
    const server = await receiver({ respondWith: { status: 200, body: '{"event_id":"$abc"}' } });
    await notifier(
      { type: 'matrix', address: server.url, channel: roomId, token: accessToken },
      { providers },
    ).post(sampleEvent);
    expect(server.requests).toHaveLength(1);
    const [request] = server.requests;
    expect(request?.method).toBe('PUT');
    expect(request?.path).toBe(sendPath(sampleTxnId));
    expect(request?.headers.authorization).toBe(`Bearer ${accessToken}`);
    expect(request?.headers['content-type']).toBe('application/json');
    expect(request?.body).toBe(sampleBody);
    expect(JSON.parse(request?.body ?? '')).toEqual({
      body: '🚨 kustomization/webapp.apps\nservice/apps/webapp validation error: spec.type: Unsupported value: Ingress\n- revision: main@sha1:731f7eaddfb6af01cb2173e18f0f75b0ba780ef1\n- summary: Cluster: prod-eu\n',
      msgtype: 'm.text',
    });
  });

  it('derives the txnId from the Flux event JSON, severity included', () => {
    expect(matrixTransactionId(sampleEvent)).toBe(sampleTxnId);
    expect(matrixTransactionId(sampleEvent)).toBe(createHash('sha1').update(sampleEventJson).digest('hex'));
    expect(matrixTransactionId({ ...sampleEvent, severity: 'info' })).toBe(sampleInfoTxnId);
  });

  it('reproduces the upstream txnId vector (empty object reference, no metadata, no instance)', () => {
    const event: Event = {
      involvedObject: { kind: '', name: '' },
      severity: 'info',
      timestamp: '2021-08-24T16:18:00Z',
      message: 'update successful',
      reason: 'update sucesful',
      reportingController: '',
    };
    expect(matrixTransactionId(event)).toBe('37d91b4f6a1e44c6a38273b0a0fd408fade7b0f5');
  });

  it('sends info events with 💫 and their own txnId', async () => {
    const server = await receiver();
    const matrix = notifier(
      { type: 'matrix', address: server.url, channel: roomId, token: accessToken },
      { providers },
    );
    await matrix.post({ ...sampleEvent, severity: 'info' });
    await matrix.post({ ...sampleEvent, severity: 'trace' });
    const [info, trace] = server.requests;
    expect(info?.path).toBe(sendPath(sampleInfoTxnId));
    expect(info?.body).toBe(sampleBody.replace('🚨', '💫'));
    expect(receivedText(trace)).toMatch(/^💫 kustomization\/webapp\.apps\n/);
    expect(trace?.path).not.toBe(info?.path);
  });

  it('re-sends the same txnId on a retry and for an identical event, a new one when anything changes', async () => {
    const server = await receiver({ respondWith: [{ status: 503, body: '{"errcode":"M_UNKNOWN"}' }] });
    const matrix = notifier(
      { type: 'matrix', address: server.url, channel: roomId, token: accessToken, retry: { minDelayMs: 1 } },
      { providers },
    );
    await matrix.post(sampleEvent);
    await matrix.post(structuredClone(sampleEvent));
    await matrix.post({ ...sampleEvent, timestamp: '2022-10-28T07:26:20Z' });
    await matrix.post({ ...sampleEvent, metadata: { ...sampleEvent.metadata, extra: 'x' } });
    const paths = server.requests.map((request) => request.path);
    expect(paths.slice(0, 3)).toEqual([sendPath(sampleTxnId), sendPath(sampleTxnId), sendPath(sampleTxnId)]);
    expect(server.requests[0]?.body).toBe(server.requests[1]?.body);
    expect(new Set(paths.slice(2)).size).toBe(3);
  });

  it('keeps a base path, drops a trailing slash and keeps the query of the homeserver URL', async () => {
    const server = await receiver();
    await notifier(
      { type: 'matrix', address: `${server.url}/synapse/`, channel: roomId, token: accessToken },
      { providers },
    ).post(sampleEvent);
    await notifier(
      { type: 'matrix', address: `${server.url}//`, channel: roomId, token: accessToken },
      { providers },
    ).post(sampleEvent);
    await notifier(
      { type: 'matrix', address: `${server.url}/m?via=proxy`, channel: roomId, token: accessToken },
      { providers },
    ).post(sampleEvent);
    expect(server.requests.map((request) => request.path)).toEqual([
      `/synapse${sendPath(sampleTxnId)}`,
      sendPath(sampleTxnId),
      `/m${sendPath(sampleTxnId)}?via=proxy`,
    ]);
  });

  it('percent-encodes the room id as one path segment', async () => {
    const server = await receiver();
    await notifier(
      { type: 'matrix', address: server.url, channel: '!a/b?c#d e:example.org', token: accessToken },
      { providers },
    ).post(sampleEvent);
    expect(server.requests[0]?.path).toBe(sendPath(sampleTxnId, '!a%2Fb%3Fc%23d%20e%3Aexample.org'));
    expect(matrixSendUrl('https://matrix.org', roomId, sampleTxnId)).toBe(
      `https://matrix.org${sendPath(sampleTxnId)}`,
    );
  });

  it('sends multi-line, unicode and markup characters verbatim as plain text', async () => {
    const server = await receiver();
    const message =
      'line one\nline two\r\n\ttabbed — ünïcødé 日本語 🚀\n<b>bold</b> & *md* _x_ `code` [l](u) "q" \\ \u2028';
    await notifier(
      { type: 'matrix', address: server.url, channel: roomId, token: accessToken },
      { providers },
    ).post({
      ...sampleEvent,
      involvedObject: { kind: 'HelmRelease', name: 'pödinfo', namespace: 'ñs' },
      message,
      metadata: { 'key<&>': 'value "quoted" <tag>' },
    });
    expect(receivedText(server.requests[0])).toBe(
      `🚨 helmrelease/pödinfo.ñs\n${message}\n- key<&>: value "quoted" <tag>\n`,
    );
    expect(server.requests[0]?.bodyBytes.toString('utf8')).toContain('日本語 🚀');
  });

  it('ends with the message when there is no metadata, and lists many keys sorted', async () => {
    const server = await receiver();
    const matrix = notifier(
      { type: 'matrix', address: server.url, channel: roomId, token: accessToken },
      { providers },
    );
    const { metadata: _dropped, ...withoutMetadata } = sampleEvent;
    await matrix.post(withoutMetadata);
    await matrix.post({ ...sampleEvent, metadata: {} });
    const metadata: Record<string, string> = {};
    for (const key of ['zeta', 'Alpha', 'beta', 'a10', 'a2', '_under', 'ü']) metadata[key] = `v-${key}`;
    await matrix.post({ ...sampleEvent, metadata });
    const bare =
      '🚨 kustomization/webapp.apps\nservice/apps/webapp validation error: spec.type: Unsupported value: Ingress\n';
    expect(receivedText(server.requests[0])).toBe(bare);
    expect(receivedText(server.requests[1])).toBe(bare);
    expect(receivedText(server.requests[2])).toBe(
      `${bare}- Alpha: v-Alpha\n- _under: v-_under\n- a10: v-a10\n- a2: v-a2\n- beta: v-beta\n- zeta: v-zeta\n- ü: v-ü\n`,
    );
  });

  it('sends long messages whole (the spec gives no limit)', async () => {
    const server = await receiver();
    const message = 'x'.repeat(30_000);
    await notifier(
      { type: 'matrix', address: server.url, channel: roomId, token: accessToken },
      { providers },
    ).post({
      ...sampleEvent,
      message,
    });
    expect(receivedText(server.requests[0])).toContain(`\n${message}\n`);
  });

  it('sends the access token, not userinfo in the address, as Authorization', async () => {
    const server = await receiver();
    await notifier(
      {
        type: 'matrix',
        address: server.url.replace('://', '://flux:pa55@'),
        channel: roomId,
        token: accessToken,
      },
      { providers },
    ).post(sampleEvent);
    expect(server.requests[0]?.headers).toMatchObject({
      authorization: `Bearer ${accessToken}`,
    });
  });

  it('takes the token from the Secret, trimmed', async () => {
    const server = await receiver();
    await notifier(
      {
        type: 'matrix',
        address: server.url,
        channel: roomId,
        token: 'spec-token',
        secret: { token: ` ${accessToken}\n` },
      },
      { providers },
    ).post(sampleEvent);
    expect(server.requests[0]?.headers.authorization).toBe(`Bearer ${accessToken}`);
  });

  it('encodes the request with the access token redacted', async () => {
    const matrix = createNotifier(
      { type: 'matrix', address: 'https://matrix.example.org', channel: roomId, token: accessToken },
      { providers },
    );
    const encoded = await matrix.encode(sampleEvent);
    expect(encoded).toEqual([
      {
        transport: 'http',
        method: 'PUT',
        url: `https://matrix.example.org${sendPath(sampleTxnId)}`,
        headers: { 'Content-Type': 'application/json', Authorization: '<redacted>' },
        body: sampleBody,
      },
    ]);
    expect(JSON.stringify(encoded)).not.toContain(accessToken);
    expect(encodeMatrixPayload(sampleEvent)).toBe(sampleBody);
    expect(formatMatrixText(sampleEvent)).toBe(JSON.parse(sampleBody).body);
  });

  it('requires an absolute http(s) address, a room id and a token at createNotifier', () => {
    const valid = {
      type: 'matrix',
      address: 'https://matrix.org',
      channel: roomId,
      token: accessToken,
    } as const;
    const cases: [Record<string, unknown>, RegExp][] = [
      [{ address: undefined }, /address: /],
      [{ address: 'matrix.org' }, /address: must be an absolute http\(s\) URL/],
      [{ address: 'ftp://matrix.org' }, /address: must be an absolute http\(s\) URL/],
      [{ channel: undefined }, /channel: required \(the room ID/],
      [{ channel: '' }, /channel: required \(the room ID/],
      [{ token: undefined }, /token: required \(the access token\)/],
      [{ token: '   ' }, /token: required \(the access token\)/],
    ];
    for (const [change, message] of cases) {
      const spec: Record<string, unknown> = { ...valid, ...change };
      for (const key of Object.keys(spec)) if (spec[key] === undefined) delete spec[key];
      const attempt = () => createNotifier(spec as typeof valid, { providers });
      expect(attempt).toThrow(NotifierError);
      expect(attempt).toThrow(/^invalid matrix provider spec: /);
      expect(attempt).toThrow(message);
      try {
        attempt();
      } catch (error) {
        expect((error as NotifierError).code).toBe('INVALID_SPEC');
        expect((error as Error).message).not.toContain(accessToken);
      }
    }
  });
});

import { createHmac } from 'node:crypto';
import { verify } from '@notiflux/hmac';
import { createNotifier, NotifierError } from '@notiflux/providers';
import { Webhook } from 'standardwebhooks';
import { describe, expect, it } from 'vitest';
import { useProviderHarness } from '../support/provider-harness.js';
import {
  sampleEvent,
  sampleEventJson,
  upstreamTestEvent,
  upstreamTestEventJson,
} from '../support/sample-events.js';

const upstreamKey = '7152fed34dd6149a7c75a276c510da27cb6f82b0';
const { receiver, notifier } = useProviderHarness();

describe('generic-hmac', () => {
  it('reproduces the upstream test vector, overwriting a user X-Signature', async () => {
    const server = await receiver();
    await notifier({
      type: 'generic-hmac',
      address: server.url,
      token: upstreamKey,
      headers: { 'X-Signature': 'should be overwritten with actual signature', Authorization: 'token' },
    }).post(upstreamTestEvent);
    const [request] = server.requests;
    expect(request?.body).toBe(upstreamTestEventJson);
    expect(request?.headers['x-signature']).toBe(
      'sha256=65b018549b1254e7226d1c08f9567ee45bc9de0fc4e7b1a40253f9a018b08be7',
    );
    expect(request?.headers.authorization).toBe('token');
    expect(request?.headers['gotk-component']).toBe('source-controller');
  });

  it('signs exactly the bytes it sends (sample event vectors)', async () => {
    const server = await receiver();
    const hmac = notifier({ type: 'generic-hmac', address: server.url, secret: { token: upstreamKey } });
    await hmac.post(sampleEvent);
    await hmac.post({ ...sampleEvent, severity: 'info' });
    const [errorEvent, infoEvent] = server.requests;
    expect(errorEvent?.body).toBe(sampleEventJson);
    expect(errorEvent?.headers['x-signature']).toBe(
      'sha256=940758f8769db6f8946e334c9d0d98cd20514a6f220ca45adf8a07ee175abce9',
    );
    expect(infoEvent?.headers['x-signature']).toBe(
      'sha256=ab3e9c7727d30cee939dd5e2f9277c392539041065695a5fa158f2bdad1c280f',
    );
    for (const request of server.requests) {
      const expected = createHmac('sha256', upstreamKey).update(request.bodyBytes).digest('hex');
      expect(request.headers['x-signature']).toBe(`sha256=${expected}`);
      expect(verify(request.headers['x-signature'], request.bodyBytes, upstreamKey)).toBe(true);
    }
  });

  it('re-sends the same bytes and signature on a retry', async () => {
    const server = await receiver();
    server.respondWith([{ status: 503 }, { status: 200 }]);
    await notifier({
      type: 'generic-hmac',
      address: server.url,
      token: upstreamKey,
      retry: { minDelayMs: 1 },
    }).post(sampleEvent);
    const [first, second] = server.requests;
    expect(second?.body).toBe(first?.body);
    expect(second?.headers['x-signature']).toBe(first?.headers['x-signature']);
  });

  it('trims the token, as for every Secret value', async () => {
    const server = await receiver();
    await notifier({ type: 'generic-hmac', address: server.url, secret: { token: `${upstreamKey}\n` } }).post(
      upstreamTestEvent,
    );
    expect(server.requests[0]?.headers['x-signature']).toBe(
      'sha256=65b018549b1254e7226d1c08f9567ee45bc9de0fc4e7b1a40253f9a018b08be7',
    );
  });

  it('requires a non-empty token, naming the field', () => {
    for (const token of [undefined, '', '   ']) {
      const attempt = () =>
        createNotifier({
          type: 'generic-hmac',
          address: 'https://hooks.example.com',
          ...(token === undefined ? {} : { token }),
        });
      expect(attempt).toThrow(NotifierError);
      expect(attempt).toThrow('invalid generic-hmac provider spec: token: required (the HMAC key)');
    }
  });

  it('shows the signature but never the key in encode output', async () => {
    const [request] = await createNotifier({
      type: 'generic-hmac',
      address: 'https://hooks.example.com/flux',
      token: upstreamKey,
    }).encode(upstreamTestEvent);
    expect(request).toEqual({
      transport: 'http',
      method: 'POST',
      url: 'https://hooks.example.com/flux',
      headers: {
        'Content-Type': 'application/json',
        'Gotk-Component': 'source-controller',
        'X-Signature': 'sha256=65b018549b1254e7226d1c08f9567ee45bc9de0fc4e7b1a40253f9a018b08be7',
      },
      body: upstreamTestEventJson,
    });
    expect(JSON.stringify(request)).not.toContain(upstreamKey);
  });

  describe('Standard Webhooks mode', () => {
    const secret = 'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw';

    it('sends webhook-id, webhook-timestamp and a v1 signature the reference library accepts', async () => {
      const server = await receiver();
      await notifier({
        type: 'generic-hmac',
        address: server.url,
        token: secret,
        signature: 'standard-webhooks',
      }).post(sampleEvent);
      const [request] = server.requests;
      expect(request?.headers['x-signature']).toBeUndefined();
      expect(request?.headers['webhook-id']).toMatch(/^msg_[A-Za-z0-9_-]+$/);
      expect(Number(request?.headers['webhook-timestamp'])).toBeCloseTo(Date.now() / 1000, -1);
      const verified = new Webhook(secret).verify(request?.body ?? '', {
        'webhook-id': request?.headers['webhook-id'] ?? '',
        'webhook-timestamp': request?.headers['webhook-timestamp'] ?? '',
        'webhook-signature': request?.headers['webhook-signature'] ?? '',
      });
      expect(verified).toEqual(sampleEvent);
    });

    it('keeps the id across retries and signs each attempt anew', async () => {
      const server = await receiver();
      server.respondWith([{ status: 500, delayMs: 0 }, { status: 200 }]);
      await notifier({
        type: 'generic-hmac',
        address: server.url,
        token: secret,
        signature: 'both',
        retry: { minDelayMs: 1100 },
      }).post(sampleEvent);
      const [first, second] = server.requests;
      expect(second?.headers['webhook-id']).toBe(first?.headers['webhook-id']);
      expect(second?.headers['webhook-timestamp']).not.toBe(first?.headers['webhook-timestamp']);
      expect(second?.headers['webhook-signature']).not.toBe(first?.headers['webhook-signature']);
      expect(second?.headers['x-signature']).toBe(first?.headers['x-signature']);
    });

    it('refuses an unknown signature mode', () => {
      expect(() =>
        createNotifier({
          type: 'generic-hmac',
          address: 'https://hooks.example.com',
          token: 'k',
          // @ts-expect-error: not one of the three values, refused at run time too
          signature: 'md5',
        }),
      ).toThrow(/signature: /);
    });
  });
});

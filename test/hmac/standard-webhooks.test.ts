import { createHash, createHmac } from 'node:crypto';
import {
  defaultStandardWebhookToleranceSeconds,
  deriveStandardWebhookId,
  generateStandardWebhookSecret,
  SignatureError,
  signStandardWebhook,
  verifyStandardWebhook,
  verifyStandardWebhookRequest,
} from '@notiflux/hmac';
import { Webhook, WebhookVerificationError } from 'standardwebhooks';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { countingStream, sendRequest, startServer, type TestServer } from './http-harness.js';
import { sampleBody, standardWebhook as vector } from './vectors.js';

const vectorTime = new Date(vector.timestamp * 1000);

function reasonOf(run: () => unknown): string | undefined {
  try {
    run();
  } catch (error) {
    return error instanceof SignatureError ? error.reason : `not a SignatureError: ${String(error)}`;
  }
  return undefined;
}

const vectorHeaders = {
  'webhook-id': vector.id,
  'webhook-timestamp': String(vector.timestamp),
  'webhook-signature': vector.signature,
};

afterEach(() => {
  vi.useRealTimers();
});

describe('Standard Webhooks test vector (from the specification)', () => {
  it('signs the vector exactly', () => {
    const headers = signStandardWebhook({
      id: vector.id,
      timestamp: vector.timestamp,
      body: vector.body,
      secrets: vector.secret,
    });
    expect(headers).toEqual(vectorHeaders);
    expect(
      signStandardWebhook({
        id: vector.id,
        timestamp: vectorTime,
        body: vector.body,
        secrets: [vector.secret],
      }),
    ).toEqual(vectorHeaders);
  });

  it('agrees with node:crypto over id.timestamp.body with the base64-decoded key', () => {
    const keyBytes = Buffer.from(vector.secret.slice('whsec_'.length), 'base64');
    const mac = createHmac('sha256', keyBytes)
      .update(`${vector.id}.${vector.timestamp}.${vector.body}`)
      .digest('base64');
    expect(`v1,${mac}`).toBe(vector.signature);
    // The same key as plain base64 and as raw bytes.
    for (const secret of [vector.secret.slice('whsec_'.length), new Uint8Array(keyBytes)]) {
      expect(
        signStandardWebhook({
          id: vector.id,
          timestamp: vector.timestamp,
          body: vector.body,
          secrets: secret,
        }),
      ).toEqual(vectorHeaders);
    }
  });

  it('verifies the vector at its time, and returns id and timestamp', () => {
    expect(
      verifyStandardWebhook({
        body: vector.body,
        headers: vectorHeaders,
        secrets: vector.secret,
        now: vectorTime,
      }),
    ).toEqual({ id: vector.id, timestamp: vector.timestamp });
    expect(
      verifyStandardWebhook({
        body: Buffer.from(vector.body),
        headers: new Headers(vectorHeaders),
        secrets: [vector.secret],
        now: vectorTime,
      }),
    ).toEqual({ id: vector.id, timestamp: vector.timestamp });
  });

  it('finds headers whatever their case in a plain record', () => {
    const shouting = {
      'Webhook-Id': vector.id,
      'WEBHOOK-TIMESTAMP': String(vector.timestamp),
      'webhook-Signature': vector.signature,
    };
    expect(() =>
      verifyStandardWebhook({
        body: vector.body,
        headers: shouting,
        secrets: vector.secret,
        now: vectorTime,
      }),
    ).not.toThrow();
  });
});

describe('cross-check with the standardwebhooks reference library', () => {
  const secret = generateStandardWebhookSecret();

  it('generates whsec_ secrets of 32 random bytes', () => {
    expect(secret).toMatch(/^whsec_[A-Za-z0-9+/]{43}=$/);
    expect(Buffer.from(secret.slice(6), 'base64')).toHaveLength(32);
    expect(generateStandardWebhookSecret()).not.toBe(secret);
  });

  it('the reference library verifies what we sign', () => {
    const body = sampleBody;
    const id = deriveStandardWebhookId(body);
    const headers = signStandardWebhook({ id, body, secrets: secret });
    expect(Number(headers['webhook-timestamp'])).toBeCloseTo(Date.now() / 1000, -1);
    const parsed = new Webhook(secret).verify(body, headers) as { reason: string };
    expect(parsed.reason).toBe('ValidationFailed');
    expect(() => new Webhook(secret).verify(`${body} `, headers)).toThrow(WebhookVerificationError);
    expect(() => new Webhook(generateStandardWebhookSecret()).verify(body, headers)).toThrow(
      WebhookVerificationError,
    );
  });

  it('we verify what the reference library signs', () => {
    const now = new Date();
    const signature = new Webhook(secret).sign('msg_reference', now, sampleBody);
    const headers = {
      'webhook-id': 'msg_reference',
      'webhook-timestamp': String(Math.floor(now.getTime() / 1000)),
      'webhook-signature': signature,
    };
    expect(verifyStandardWebhook({ body: sampleBody, headers, secrets: secret }).id).toBe('msg_reference');
    expect(reasonOf(() => verifyStandardWebhook({ body: `${sampleBody}x`, headers, secrets: secret }))).toBe(
      'mismatch',
    );
  });

  it('both agree on the vector when the clock is set to its time', () => {
    vi.useFakeTimers({ now: vectorTime, toFake: ['Date'] });
    expect(new Webhook(vector.secret).sign(vector.id, new Date(), vector.body)).toBe(vector.signature);
    expect(new Webhook(vector.secret).verify(vector.body, vectorHeaders)).toEqual({ test: 2432232314 });
    expect(
      verifyStandardWebhook({ body: vector.body, headers: vectorHeaders, secrets: vector.secret }),
    ).toBeTruthy();
  });

  it('both accept a rotated pair of signatures', () => {
    const oldSecret = generateStandardWebhookSecret();
    const newSecret = generateStandardWebhookSecret();
    const headers = signStandardWebhook({
      id: 'msg_rotate',
      body: sampleBody,
      secrets: [oldSecret, newSecret],
    });
    const entries = headers['webhook-signature'].split(' ');
    expect(entries).toHaveLength(2);
    expect(entries.every((entry) => /^v1,[A-Za-z0-9+/]{43}=$/.test(entry))).toBe(true);
    for (const one of [oldSecret, newSecret]) {
      expect(() => new Webhook(one).verify(sampleBody, headers)).not.toThrow();
      expect(() => verifyStandardWebhook({ body: sampleBody, headers, secrets: one })).not.toThrow();
    }
  });
});

describe('verifyStandardWebhook rules', () => {
  const base = { body: vector.body, secrets: vector.secret, now: vectorTime };

  it('accepts any of several secrets (receiver-side rotation)', () => {
    const other = generateStandardWebhookSecret();
    expect(() =>
      verifyStandardWebhook({ ...base, headers: vectorHeaders, secrets: [other, vector.secret] }),
    ).not.toThrow();
    expect(reasonOf(() => verifyStandardWebhook({ ...base, headers: vectorHeaders, secrets: [other] }))).toBe(
      'mismatch',
    );
  });

  it('finds the matching entry among several, ignoring other versions', () => {
    const headers = {
      ...vectorHeaders,
      'webhook-signature': `v1a,AAAA v1,${Buffer.alloc(32).toString('base64')}   ${vector.signature} v2,xyz`,
    };
    expect(() => verifyStandardWebhook({ ...base, headers })).not.toThrow();
  });

  it('enforces the tolerance both ways (default 300 s, inclusive)', () => {
    expect(defaultStandardWebhookToleranceSeconds).toBe(300);
    const at = (seconds: number) => new Date((vector.timestamp + seconds) * 1000);
    for (const offset of [-300, 0, 300, 300.9]) {
      expect(
        reasonOf(() => verifyStandardWebhook({ ...base, headers: vectorHeaders, now: at(offset) })),
      ).toBeUndefined();
    }
    for (const offset of [-301, 301, 86_400]) {
      expect(
        reasonOf(() => verifyStandardWebhook({ ...base, headers: vectorHeaders, now: at(offset) })),
      ).toBe('timestamp-out-of-tolerance');
    }
    expect(
      reasonOf(() =>
        verifyStandardWebhook({ ...base, headers: vectorHeaders, now: at(3600), toleranceSeconds: 3600 }),
      ),
    ).toBeUndefined();
    // Without `now`, the real clock: the 2021 vector is long expired.
    expect(
      reasonOf(() =>
        verifyStandardWebhook({ body: vector.body, headers: vectorHeaders, secrets: vector.secret }),
      ),
    ).toBe('timestamp-out-of-tolerance');
  });

  it('checks the timestamp before the signature (an old replay learns nothing)', () => {
    const headers = { ...vectorHeaders, 'webhook-signature': 'v1,garbage' };
    const error = (() => {
      try {
        verifyStandardWebhook({ ...base, headers, now: new Date() });
      } catch (e) {
        return e as SignatureError;
      }
    })();
    expect(error?.reason).toBe('timestamp-out-of-tolerance');
    expect(error?.message).toMatch(/more than 300 s in the past/);
  });

  it.each([
    ['webhook-id', 'missing'],
    ['webhook-timestamp', 'missing'],
    ['webhook-signature', 'missing'],
  ])('is missing without %s', (name, reason) => {
    const headers: Record<string, string> = { ...vectorHeaders };
    delete headers[name];
    expect(reasonOf(() => verifyStandardWebhook({ ...base, headers }))).toBe(reason);
    expect(
      reasonOf(() => verifyStandardWebhook({ ...base, headers: { ...vectorHeaders, [name]: '  ' } })),
    ).toBe(reason);
  });

  it.each([
    ['a timestamp with trailing garbage', { 'webhook-timestamp': `${vector.timestamp}abc` }],
    ['a negative timestamp', { 'webhook-timestamp': `-${vector.timestamp}` }],
    ['a fractional timestamp', { 'webhook-timestamp': `${vector.timestamp}.5` }],
    ['a hex timestamp', { 'webhook-timestamp': '0x603852F2' }],
    ['an absurdly long timestamp', { 'webhook-timestamp': '9'.repeat(40) }],
    ['an id with a full stop', { 'webhook-id': 'msg.1' }],
    ['signature entries without a version', { 'webhook-signature': vector.signature.slice(3) }],
    ['a v1 entry that is not base64 of 32 bytes', { 'webhook-signature': 'v1,not-base64!' }],
    ['a truncated v1 entry', { 'webhook-signature': vector.signature.slice(0, -2) }],
  ])('is malformed for %s', (_label, override) => {
    expect(
      reasonOf(() => verifyStandardWebhook({ ...base, headers: { ...vectorHeaders, ...override } })),
    ).toBe('malformed');
  });

  it('is unsupported-algorithm when only other versions are present', () => {
    const headers = { ...vectorHeaders, 'webhook-signature': `v1a,${vector.signature.slice(3)}` };
    expect(reasonOf(() => verifyStandardWebhook({ ...base, headers }))).toBe('unsupported-algorithm');
  });

  it('is mismatch for a changed id, timestamp or body', () => {
    expect(
      reasonOf(() =>
        verifyStandardWebhook({ ...base, headers: { ...vectorHeaders, 'webhook-id': 'msg_other' } }),
      ),
    ).toBe('mismatch');
    expect(
      reasonOf(() =>
        verifyStandardWebhook({
          ...base,
          headers: { ...vectorHeaders, 'webhook-timestamp': String(vector.timestamp + 1) },
        }),
      ),
    ).toBe('mismatch');
    expect(
      reasonOf(() => verifyStandardWebhook({ ...base, body: '{"test":2432232314}', headers: vectorHeaders })),
    ).toBe('mismatch');
  });

  it('signs the exact body bytes, even when they are not valid UTF-8', () => {
    const secret = generateStandardWebhookSecret();
    const body = Buffer.from([0x7b, 0xff, 0xfe, 0x80, 0x7d]);
    const headers = signStandardWebhook({
      id: 'msg_bin',
      timestamp: vector.timestamp,
      body,
      secrets: secret,
    });
    const keyBytes = Buffer.from(secret.slice(6), 'base64');
    const expected = createHmac('sha256', keyBytes)
      .update(Buffer.concat([Buffer.from(`msg_bin.${vector.timestamp}.`), body]))
      .digest('base64');
    expect(headers['webhook-signature']).toBe(`v1,${expected}`);
    expect(() => verifyStandardWebhook({ body, headers, secrets: secret, now: vectorTime })).not.toThrow();
    // The lossy string conversion would produce a different signature.
    expect(
      reasonOf(() =>
        verifyStandardWebhook({ body: body.toString('utf8'), headers, secrets: secret, now: vectorTime }),
      ),
    ).toBe('mismatch');
  });

  it('refuses unusable secrets and ids with a TypeError that does not echo them', () => {
    for (const secret of ['whsec_', '', 'whsec_not base64!', 'whsec_abcde', new Uint8Array(0)]) {
      try {
        verifyStandardWebhook({ ...base, headers: vectorHeaders, secrets: secret });
        expect.unreachable();
      } catch (error) {
        expect(error).toBeInstanceOf(TypeError);
        if (typeof secret === 'string' && secret.length > 6)
          expect((error as Error).message).not.toContain(secret);
      }
    }
    expect(() => verifyStandardWebhook({ ...base, headers: vectorHeaders, secrets: [] })).toThrow(TypeError);
    expect(() => signStandardWebhook({ id: 'a.b', body: '', secrets: vector.secret })).toThrow(TypeError);
    expect(() => signStandardWebhook({ id: '', body: '', secrets: vector.secret })).toThrow(TypeError);
    expect(() => signStandardWebhook({ id: 'x', timestamp: -1, body: '', secrets: vector.secret })).toThrow(
      TypeError,
    );
    expect(() => signStandardWebhook({ id: 'x', timestamp: 1.5, body: '', secrets: vector.secret })).toThrow(
      TypeError,
    );
  });
});

describe('deriveStandardWebhookId', () => {
  it('is stable per body, differs between bodies, and is a valid id', () => {
    const id = deriveStandardWebhookId(sampleBody);
    expect(id).toBe(deriveStandardWebhookId(Buffer.from(sampleBody)));
    expect(id).not.toBe(deriveStandardWebhookId(`${sampleBody} `));
    expect(id).toMatch(/^msg_[A-Za-z0-9_-]{24}$/);
    const hash = createHash('sha256').update(sampleBody).digest();
    expect(id).toBe(`msg_${hash.subarray(0, 18).toString('base64url')}`);
    expect(() => signStandardWebhook({ id, body: sampleBody, secrets: vector.secret })).not.toThrow();
  });
});

describe('verifyStandardWebhookRequest', () => {
  const servers: TestServer[] = [];
  afterEach(async () => {
    await Promise.all(servers.splice(0).map((server) => server.close()));
  });

  it('verifies a real request on 127.0.0.1 and returns id, timestamp and body', async () => {
    const secret = generateStandardWebhookSecret();
    const server = await startServer(async (req, res) => {
      try {
        const { id, timestamp, body } = await verifyStandardWebhookRequest(req, secret);
        res.end(JSON.stringify({ id, timestamp, body: Buffer.from(body).toString() }));
      } catch (error) {
        res.statusCode = error instanceof SignatureError ? 401 : 500;
        res.end(error instanceof SignatureError ? error.reason : String(error));
      }
    });
    servers.push(server);
    const headers = signStandardWebhook({ id: 'msg_http', body: sampleBody, secrets: secret });
    const ok = await sendRequest({ port: server.port, headers: { ...headers }, chunks: [sampleBody] });
    expect(JSON.parse(ok.body.toString())).toEqual({
      id: 'msg_http',
      timestamp: Number(headers['webhook-timestamp']),
      body: sampleBody,
    });
    const tampered = await sendRequest({
      port: server.port,
      headers: { ...headers },
      chunks: [`${sampleBody} `],
    });
    expect(tampered.status).toBe(401);
    expect(tampered.body.toString()).toBe('mismatch');
    // Missing headers are refused before the (never sent) body is awaited.
    const missing = await sendRequest({ port: server.port, headers: { 'content-length': 50 }, end: false });
    expect(missing.body.toString()).toBe('missing');
  });

  it('judges headers and timestamp before pulling the body, and caps its size', async () => {
    const secret = generateStandardWebhookSecret();
    const expired = countingStream(1024);
    const old = signStandardWebhook({
      id: 'msg_old',
      timestamp: vector.timestamp,
      body: 'x',
      secrets: secret,
    });
    const expiredError = await verifyStandardWebhookRequest(
      new Request('http://127.0.0.1/hook', {
        method: 'POST',
        headers: { ...old },
        body: expired.stream,
        duplex: 'half',
      } as RequestInit),
      secret,
    ).catch((e: unknown) => e);
    expect((expiredError as SignatureError).reason).toBe('timestamp-out-of-tolerance');
    expect(expired.stats.pulls).toBe(0);

    const big = countingStream(1024);
    const fresh = signStandardWebhook({ id: 'msg_big', body: 'x', secrets: secret });
    const bigError = await verifyStandardWebhookRequest(
      new Request('http://127.0.0.1/hook', {
        method: 'POST',
        headers: { ...fresh },
        body: big.stream,
        duplex: 'half',
      } as RequestInit),
      secret,
      { maxBodyBytes: 4096 },
    ).catch((e: unknown) => e);
    expect((bigError as SignatureError).reason).toBe('too-large');
    expect(big.stats.pulledBytes).toBeLessThanOrEqual(4096 + 2 * 1024);
    expect(big.stats.cancelled).toBe(true);

    const ok = await verifyStandardWebhookRequest(
      new Request('http://127.0.0.1/hook', { method: 'POST', headers: { ...fresh }, body: 'x' }),
      [generateStandardWebhookSecret(), secret],
    );
    expect(Buffer.from(ok.body).toString()).toBe('x');
  });
});

import { type Event, encodeFluxEventJson, NotifierError } from '@notiflux/core';
import { createNotifier, createNotifierFromAnySpec } from '@notiflux/providers';
import fc from 'fast-check';
import { MockAgent } from 'undici';
import { describe, expect, it } from 'vitest';
import { exposedText } from '../support/exposed-text.js';
import { sampleEvent } from '../support/sample-events.js';

// Secrets as users have them: long enough to be credentials, from URL-safe and awkward characters.
const secretArbitrary = fc.string({
  unit: fc.constantFrom(
    ...'abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-_.~+/=!$*@:%'.split(''),
  ),
  minLength: 12,
  maxLength: 40,
});

describe('secrets never leak (property)', () => {
  it('from errors whose response bodies echo them, their causes, onAttempt reports and encode', async () => {
    await fc.assert(
      fc.asyncProperty(
        secretArbitrary,
        secretArbitrary,
        secretArbitrary,
        fc.constantFrom(400, 401, 403, 500, 302),
        async (token, password, headerValue, status) => {
          const agent = new MockAgent();
          agent.disableNetConnect();
          const echo = `you sent token=${token} password=${password} header=${headerValue} ${encodeURIComponent(password)}`;
          agent
            .get('https://hooks.example.com')
            .intercept({ path: /.*/, method: 'POST' })
            .reply(status, echo, {
              headers: { location: `https://x:${password}@elsewhere.example/?token=${token}` },
            })
            .persist();
          const reports: string[] = [];
          const notifier = createNotifier(
            {
              type: 'generic-hmac',
              address: `https://flux:${encodeURIComponent(password)}@hooks.example.com/flux`,
              token,
              headers: { 'X-Api-Key': headerValue },
              retry: { retries: 1, minDelayMs: 0 },
            },
            {
              dispatcher: agent,
              onAttempt: (info) => reports.push(JSON.stringify(info), exposedText(info.error)),
            },
          );
          const error = await notifier.post(sampleEvent).catch((caught: unknown) => caught);
          expect(error).toBeInstanceOf(NotifierError);
          const shown = [
            exposedText(error),
            ...reports,
            JSON.stringify(await notifier.encode(sampleEvent)),
          ].join('\n');
          for (const secret of [token, password, headerValue]) {
            expect(shown).not.toContain(secret);
          }
          await notifier.close();
          await agent.close();
        },
      ),
      { numRuns: 60 },
    );
  });

  it('from spec validation errors', () => {
    fc.assert(
      fc.property(secretArbitrary, secretArbitrary, (token, password) => {
        const specs = [
          { type: 'generic-hmac', address: `not a url ${token}`, token },
          { type: 'generic-hmac', address: `https://u:${encodeURIComponent(password)}@`, token },
          {
            type: 'generic',
            address: 'https://example.com',
            proxy: `socks5://u:${encodeURIComponent(password)}@proxy`,
            password,
          },
          { type: 'generic', address: 'https://example.com', secret: { headers: `X-A: [${token}` } },
          // Addresses the provider refuses, quoted in its message: userinfo and secret query values hidden.
          {
            type: 'gitlab',
            address: `https://oauth2:${encodeURIComponent(password)}@gitlab.example.com:99999/g/p`,
            token: 'x',
          },
          ...['opsgenie', 'pagerduty', 'alertmanager', 'grafana', 'incident.io'].map((type) => ({
            type,
            address: `ftp://alerts.example.com/?apiKey=${encodeURIComponent(token)}&token=${encodeURIComponent(password)}`,
            channel: 'key',
          })),
        ];
        for (const spec of specs) {
          let caught: unknown;
          try {
            createNotifierFromAnySpec(spec);
          } catch (error) {
            caught = error;
          }
          expect(caught).toBeInstanceOf(NotifierError);
          expect(exposedText(caught)).not.toContain(token);
          expect(exposedText(caught)).not.toContain(password);
        }
      }),
      { numRuns: 100 },
    );
  });
});

// Secrets with the characters JSON escapes: a server that echoes them as JSON must not show them.
const escapedSecretArbitrary = fc
  .string({
    unit: fc.constantFrom(...'abcdefghijKLMNOP0123456789"\\/<>&\u0001\u001f\t\u2028é'.split('')),
    minLength: 8,
    maxLength: 24,
  })
  .filter((secret) => secret.trim().length >= 8); // long enough to be found anywhere once trimmed

/** The ways a JSON encoder may write `value` inside a string: standard, Go's (`<>&` escaped), ASCII-only. */
function jsonForms(value: string): string[] {
  const unicodeEscape = (character: string) => `\\u${character.charCodeAt(0).toString(16).padStart(4, '0')}`;
  const json = JSON.stringify(value).slice(1, -1);
  const goJson = json.replace(/[<>&\u2028\u2029]/g, unicodeEscape);
  return [
    value,
    json,
    goJson,
    goJson.replace(/[^\x20-\x7e]/g, escape),
    json.replace(/[^\x20-\x7e]/g, escape),
  ];
}

describe('escaped and short secrets (property)', () => {
  it('a secret echoed JSON-escaped is hidden from errors and onAttempt reports', async () => {
    await fc.assert(
      fc.asyncProperty(escapedSecretArbitrary, escapedSecretArbitrary, async (given, givenPassword) => {
        // Credentials are trimmed before use: a server can only echo what it was sent.
        const [token, password] = [given.trim(), givenPassword.trim()];
        const agent = new MockAgent();
        agent.disableNetConnect();
        const echo = JSON.stringify({ token, password });
        const goEcho = echo.replace(/[<>&]/g, (c) => `\\u00${c.charCodeAt(0).toString(16)}`);
        agent
          .get('https://hooks.example.com')
          .intercept({ path: /.*/, method: 'POST' })
          .reply(401, `${echo} ${goEcho}`)
          .persist();
        const reports: string[] = [];
        const notifier = createNotifier(
          {
            type: 'generic',
            address: 'https://hooks.example.com/flux',
            token: given,
            username: 'flux',
            password: givenPassword,
          },
          {
            dispatcher: agent,
            onAttempt: (info) => reports.push(JSON.stringify(info), exposedText(info.error)),
          },
        );
        const error = await notifier.post(sampleEvent).catch((caught: unknown) => caught);
        expect(error).toBeInstanceOf(NotifierError);
        const shown = [exposedText(error), ...reports].join('\n');
        for (const secret of [token, password]) {
          for (const form of jsonForms(secret)) expect(shown).not.toContain(form);
        }
        await notifier.close();
        await agent.close();
      }),
      { numRuns: 40 },
    );
  });

  it('a short token is hidden where it is sent and garbles nothing else', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.string({
          unit: fc.constantFrom(...'abcdefghijklmnopqrstuvwxyz0123456789'.split('')),
          minLength: 1,
          maxLength: 4,
        }),
        async (token) => {
          const notifier = createNotifier({
            type: 'generic',
            address: `https://hooks.example.com/flux?token=${token}`,
            headers: { Authorization: `Bearer ${token}`, 'X-Team': 'kustomize-controller' },
          });
          const [message] = await notifier.encode(sampleEvent);
          if (message?.transport !== 'http') throw new Error('expected an http message');
          expect(message.url).toBe('https://hooks.example.com/flux?token=<redacted>');
          expect(message.headers.Authorization).toBe('<redacted>');
          expect(message.headers['X-Team']).toBe('kustomize-controller');
          expect(message.headers['Gotk-Component']).toBe(sampleEvent.reportingController);
          expect(message.body).toBe(encodeFluxEventJson(sampleEvent));
        },
      ),
      { numRuns: 60 },
    );
  });
});

// Any JSON-ish value in any event field: it encodes to JSON that reads back as the event, or it
// is refused with INVALID_EVENT, never anything else.
const anyValue = fc.oneof(
  fc.string(),
  fc.integer(),
  fc.constant(null),
  fc.constant(undefined),
  fc.boolean(),
  fc.object(),
);
const eventArbitrary = fc.record(
  {
    involvedObject: fc.oneof(
      fc.record(
        {
          kind: fc.oneof(fc.string(), anyValue),
          name: fc.oneof(fc.string(), anyValue),
          namespace: fc.string(),
          uid: fc.string(),
          apiVersion: fc.string(),
        },
        { requiredKeys: [] },
      ),
      anyValue,
    ),
    severity: fc.oneof(fc.constantFrom('info', 'error', 'trace'), anyValue),
    timestamp: fc.oneof(
      fc
        .date({
          min: new Date('0001-01-01T00:00:00Z'),
          max: new Date('9999-12-31T23:59:59Z'),
          noInvalidDate: true,
        })
        .map((date) => date.toISOString()),
      anyValue,
    ),
    message: fc.oneof(fc.string({ unit: 'binary' }), anyValue),
    reason: fc.oneof(fc.string(), anyValue),
    metadata: fc.oneof(fc.dictionary(fc.string({ unit: 'binary' }), fc.string({ unit: 'binary' })), anyValue),
    reportingController: fc.oneof(fc.string(), anyValue),
    reportingInstance: fc.oneof(fc.string(), anyValue),
  },
  { requiredKeys: [] },
);

describe('random events (property)', () => {
  const notifier = createNotifier({
    type: 'generic-hmac',
    address: 'https://hooks.example.com/flux',
    token: 'k',
  });

  it('encode to valid JSON that reads back as the event, or fail with INVALID_EVENT', async () => {
    await fc.assert(
      fc.asyncProperty(eventArbitrary, async (event) => {
        let messages: Awaited<ReturnType<typeof notifier.encode>>;
        try {
          messages = await notifier.encode(event as Event);
        } catch (error) {
          expect(error).toBeInstanceOf(NotifierError);
          expect((error as NotifierError).code).toBe('INVALID_EVENT');
          return;
        }
        const [message] = messages;
        if (message?.transport !== 'http') throw new Error('expected an http message');
        const decoded = JSON.parse(message.body);
        expect(message.body).toBe(encodeFluxEventJson(event as Event));
        expect(decoded.message).toBe((event.message as string).toWellFormed());
        expect(decoded.severity).toBe(event.severity);
        expect(decoded.metadata ?? {}).toEqual(
          Object.fromEntries(
            Object.entries((event.metadata as Record<string, string>) ?? {}).map(([key, value]) => [
              key.toWellFormed(),
              value.toWellFormed(),
            ]),
          ),
        );
      }),
      { numRuns: 500 },
    );
  });
});

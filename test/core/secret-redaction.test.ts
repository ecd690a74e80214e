import { type AttemptInfo, NotifierError, Redactor } from '@notiflux/core';
import { createNotifier } from '@notiflux/providers';
import { MockAgent } from 'undici';
import { afterEach, describe, expect, it } from 'vitest';
import { exposedText } from '../support/exposed-text.js';
import { sampleEvent } from '../support/sample-events.js';

function specError(spec: unknown): NotifierError {
  try {
    createNotifier(spec as Parameters<typeof createNotifier>[0]);
  } catch (error) {
    if (error instanceof NotifierError) return error;
    throw error;
  }
  throw new Error('expected createNotifier to throw');
}

/** The forms a server may echo a secret in: raw, JSON-escaped (standard, Go's, ASCII-only), URL-encoded. */
function echoedForms(secret: string): string[] {
  const json = JSON.stringify(secret).slice(1, -1);
  const goJson = json.replace(
    /[<>&\u2028\u2029]/g,
    (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`,
  );
  const asciiJson = json.replace(
    /[^\x20-\x7e]/g,
    (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`,
  );
  return [secret, json, goJson, asciiJson, encodeURIComponent(secret)];
}

describe('INVALID_SPEC messages never repeat credentials (item 1)', () => {
  it('hides the userinfo of a GitLab address that does not parse', () => {
    const error = specError({
      type: 'gitlab',
      address: 'https://oauth2:glpat-Zx81abcdEFGH@gitlab.example.com:99999/group/project',
      token: 'glpat-Zx81abcdEFGH',
    });
    expect(error.code).toBe('INVALID_SPEC');
    expect(error.message).toContain('address');
    expect(exposedText(error)).not.toContain('glpat-Zx81abcdEFGH');
  });

  for (const type of ['opsgenie', 'pagerduty', 'alertmanager', 'grafana', 'incident.io']) {
    it(`hides secret query parameters of a refused ${type} address`, () => {
      const error = specError({
        type,
        address: 'ftp://alerts.example.com/hook?apiKey=AK-5f3e9c2b11&token=TK-77aa21ce90&team=ops',
        channel: 'routing',
        token: 'x',
      });
      expect(error.code).toBe('INVALID_SPEC');
      const shown = exposedText(error);
      expect(shown).not.toContain('AK-5f3e9c2b11');
      expect(shown).not.toContain('TK-77aa21ce90');
      // The part that is not a credential still helps find the mistake.
      expect(shown).toContain('alerts.example.com');
    });
  }

  it('hides short secret query values too, without garbling the rest', () => {
    const error = specError({ type: 'grafana', address: 'ftp://grafana.example.com/api?token=t1' });
    expect(error.message).not.toMatch(/token=t1\b/);
    expect(error.message).toContain('grafana.example.com');
  });
});

describe('secrets echoed in escaped forms are hidden (item 2)', () => {
  let agent: MockAgent | undefined;
  afterEach(async () => {
    await agent?.close();
    agent = undefined;
  });

  const token = 'tk"quote\\back\u0001ctl<&>';
  const password = 'pw"Pass\\word\ttab';
  const routingKey = 'rk"route\\key\u0002';
  const base = {
    address: 'https://svc.example.com/hook/path',
    channel: 'chan',
    token,
    username: 'user',
    password,
  };
  const specs: Record<string, Record<string, unknown>> = {
    generic: { ...base, headers: { Authorization: `Bearer ${token}` } },
    'generic-hmac': { ...base, headers: { 'X-Api-Key': token } },
    rocket: base,
    msteams: base,
    webex: base,
    lark: base,
    matrix: base,
    zoom: base,
    opsgenie: base,
    pagerduty: { ...base, channel: routingKey },
    alertmanager: base,
    datadog: base,
    grafana: base,
    'incident.io': base,
    zulip: { ...base, channel: 'chan/topic' },
    github: { ...base, address: 'https://github.example.com/org/repo' },
    gitea: { ...base, address: 'https://svc.example.com/org/repo' },
    telegram: base,
  };
  const event = {
    ...sampleEvent,
    metadata: { ...sampleEvent.metadata, revision: `main@sha1:${'a'.repeat(40)}` },
  };

  for (const [type, spec] of Object.entries(specs)) {
    it(`${type}: message, cause and onAttempt`, async () => {
      const mock = new MockAgent();
      agent = mock;
      mock.disableNetConnect();
      const echo = JSON.stringify({ error: 'unauthorized', sent: { token, password, routingKey } });
      for (const origin of [
        'https://svc.example.com',
        'https://github.example.com',
        'https://api.telegram.org',
      ]) {
        mock.get(origin).intercept({ path: /.*/, method: /.*/ }).reply(401, echo).persist();
      }
      const reports: string[] = [];
      const notifier = createNotifier({ type, ...spec } as Parameters<typeof createNotifier>[0], {
        dispatcher: mock,
        onAttempt: (info: AttemptInfo) => reports.push(JSON.stringify(info), exposedText(info.error)),
      });
      const error = await notifier.post(event).catch((caught: unknown) => caught);
      expect(error).toBeInstanceOf(NotifierError);
      expect(reports.length).toBeGreaterThan(0);
      const shown = [exposedText(error), ...reports].join('\n');
      for (const secret of [token, password, ...(spec.channel === routingKey ? [routingKey] : [])]) {
        for (const form of echoedForms(secret)) expect(shown).not.toContain(form);
      }
      await notifier.close();
    });
  }

  it('Redactor hides the JSON, Go JSON, ASCII JSON, URL and form encodings', () => {
    const secret = 'a"b\\c\u0001d<e>f&g h/é';
    const redactor = new Redactor([secret]);
    const forms = [
      ...echoedForms(secret),
      encodeURIComponent(secret).replaceAll('%20', '+'),
      JSON.stringify(secret).slice(1, -1).replaceAll('/', '\\/'),
    ];
    for (const form of forms) expect(redactor.text(`got: ${form}.`)).toBe('got: <redacted>.');
  });
});

describe('short secrets (item 3)', () => {
  it('a 1-character token is hidden where it is sent and garbles nothing else in encode', async () => {
    const notifier = createNotifier({
      type: 'generic',
      address: 'https://hooks.example.com/flux?token=e',
      token: 'e',
      headers: { Authorization: 'Bearer e' },
    });
    const [message] = await notifier.encode({ ...sampleEvent, message: 'kustomize-controller' });
    if (message?.transport !== 'http') throw new Error('expected http');
    expect(message.url).toBe('https://hooks.example.com/flux?token=<redacted>');
    expect(message.headers.Authorization).toBe('<redacted>');
    expect(message.headers['Gotk-Component']).toBe('kustomize-controller');
    expect(JSON.stringify(message)).not.toContain('<redacted>-controll');
  });

  it('a 1-character telegram token is not shown in the URL path', async () => {
    const notifier = createNotifier({ type: 'telegram', channel: '@flux', token: 'e' });
    const [message] = await notifier.encode(sampleEvent);
    if (message?.transport !== 'http') throw new Error('expected http');
    expect(new URL(message.url).pathname).not.toContain('bote');
  });

  it('a short secret echoed by the server as a value of its own is hidden', async () => {
    const agent = new MockAgent();
    agent.disableNetConnect();
    agent
      .get('https://hooks.example.com')
      .intercept({ path: /.*/, method: 'POST' })
      .reply(403, '{"error":"token Zq7 is not valid for kustomize-controller","token":"Zq7"}')
      .persist();
    const reports: string[] = [];
    const notifier = createNotifier(
      { type: 'generic', address: 'https://hooks.example.com/flux', headers: { 'X-Api-Key': 'Zq7' } },
      { dispatcher: agent, onAttempt: (info) => reports.push(exposedText(info.error)) },
    );
    const error = await notifier.post(sampleEvent).catch((caught: unknown) => caught);
    const shown = [exposedText(error), ...reports].join('\n');
    expect(shown).not.toContain('Zq7');
    expect(shown).toContain('kustomize-controller');
    await agent.close();
  });

  it('Redactor: a short secret is hidden where it stands alone, never inside a word', () => {
    const redactor = new Redactor(['e', '42']);
    expect(redactor.text('kustomize-controller e "e" token=e')).toBe(
      'kustomize-controller <redacted> "<redacted>" token=<redacted>',
    );
    expect(redactor.text('v1.42.0 and 1420')).toBe('v1.42.0 and 1420');
    expect(redactor.url('https://example.com/a/42/b?x=e&y=ee')).toBe(
      'https://example.com/a/<redacted>/b?x=<redacted>&y=ee',
    );
  });
});

describe('lone surrogates (item 5)', () => {
  for (const [field, spec] of [
    ['token', { token: 'tok\uD800en-123456' }],
    ['password', { password: 'pass\uDC00word' }],
    ['secret.token', { secret: { token: 'tok\uD800en-123456' } }],
    ['headers', { headers: { 'X-Key': 'val\uD800ue' } }],
  ] as const) {
    it(`in ${field} is INVALID_SPEC naming the field`, () => {
      const error = specError({ type: 'generic', address: 'https://hooks.example.com/flux', ...spec });
      expect(error.code).toBe('INVALID_SPEC');
      expect(error.message).toContain(field);
    });
  }
});

describe('encode shows plain headers as sent (item 19)', () => {
  it('hides credentials only: auth headers, Secret headers, credential-named headers', async () => {
    const notifier = createNotifier({
      type: 'generic',
      address: 'https://hooks.example.com/flux',
      headers: { 'X-Team': 'platform', 'X-Api-Key': 'k-123456789', 'X-Auth-Token': 'abc' },
      secret: { headers: 'X-Tenant: tenant-secret-value\n' },
    });
    const [message] = await notifier.encode(sampleEvent);
    if (message?.transport !== 'http') throw new Error('expected http');
    expect(message.headers['X-Team']).toBe('platform');
    expect(message.headers['X-Api-Key']).toBe('<redacted>');
    expect(message.headers['X-Auth-Token']).toBe('<redacted>');
    expect(message.headers['X-Tenant']).toBe('<redacted>');
  });
});

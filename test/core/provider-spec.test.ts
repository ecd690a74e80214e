import {
  createNotifierFactory,
  DEFAULT_RETRY,
  defineProvider,
  NotifierError,
  type ProviderSpec,
  requiredString,
  resolveProviderSpec,
} from '@notiflux/core';
import { genericProvider } from '@notiflux/providers/generic';
import { describe, expect, it } from 'vitest';

const createNotifier = createNotifierFactory([genericProvider]);
const resolve = (spec: Partial<ProviderSpec>) =>
  resolveProviderSpec({ type: 'generic', ...spec }, 'generic', []);

function specError(spec: Record<string, unknown>, create = createNotifier): NotifierError {
  try {
    create(spec as unknown as ProviderSpec);
  } catch (error) {
    expect(error).toBeInstanceOf(NotifierError);
    return error as NotifierError;
  }
  throw new Error('expected createNotifier to throw');
}

describe('Secret semantics (provider-spec.md §2–3, DECISIONS.md)', () => {
  it('lets Secret keys override the fields, trimmed', () => {
    const resolved = resolve({
      address: 'https://spec.example/hook',
      token: 'spec-token',
      username: 'spec-user',
      password: 'spec-pass',
      proxy: 'http://spec-proxy:3128',
      secret: {
        address: '  https://secret.example/hook\n',
        token: 'secret-token\n',
        username: ' secret-user ',
        password: 'secret-pass\n',
        proxy: ' http://secret-proxy:3128 ',
      },
    });
    expect(resolved).toMatchObject({
      address: 'https://secret.example/hook',
      token: 'secret-token',
      username: 'secret-user',
      password: 'secret-pass',
      proxy: 'http://secret-proxy:3128',
    });
  });

  it('keeps username and password independent (upstream drops both when one is missing)', () => {
    expect(resolve({ username: 'spec-user', secret: { password: 'p' } })).toMatchObject({
      username: 'spec-user',
      password: 'p',
    });
    expect(resolve({ secret: { username: 'only-user', token: 't' } })).toMatchObject({
      username: 'only-user',
      token: 't',
    });
  });

  it('clears the address when the Secret has an empty one', () => {
    expect(resolve({ address: 'https://spec.example', secret: { address: '  ' } }).address).toBeUndefined();
  });

  it('merges Secret headers (a YAML 1.1 map) over the field, key by key and ignoring case', () => {
    const resolved = resolve({
      headers: { Authorization: 'Bearer spec', 'X-Keep': 'kept' },
      secret: { headers: 'authorization: Bearer secret\nX-Flag: yes\nX-Number: 42\nX-Empty:\n' },
    });
    expect(resolved.headers).toEqual({
      'X-Keep': 'kept',
      authorization: 'Bearer secret',
      'X-Flag': 'true',
      'X-Number': '42',
      'X-Empty': '',
    });
  });

  it('refuses Secret headers that are not a map of scalars, without quoting them', () => {
    for (const headers of ['- a\n- b', 'X-A:\n  nested: secret-value', 'X-A: [unclosed secret-value']) {
      const error = specError({ type: 'generic', address: 'https://example.com', secret: { headers } });
      expect(error.code).toBe('INVALID_SPEC');
      expect(error.message).toMatch(/secret\.headers: /);
      expect(error.message).not.toContain('secret-value');
    }
  });

  it('limits a Secret address to 2048 bytes before trimming', () => {
    const error = specError({
      type: 'generic',
      secret: { address: `https://example.com/${'a'.repeat(2040)}` },
    });
    expect(error.message).toContain('secret.address: exceeds the maximum length of 2048 bytes');
  });

  it('fills in defaults', () => {
    const resolved = resolve({ address: 'https://example.com' });
    expect(resolved.timeoutMs).toBe(15_000);
    expect(resolved.retry).toEqual(DEFAULT_RETRY);
    expect(resolved.headers).toEqual({});
    expect(resolved.provider).toEqual({});
  });

  it('reads TLS material from the main Secret for commit-status types only', () => {
    const pem = '-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n';
    expect(resolveProviderSpec({ type: 'github', secret: { 'ca.crt': pem } }, 'github', []).tls).toEqual({
      ca: pem,
    });
    expect(
      resolveProviderSpec({ type: 'generic', secret: { 'ca.crt': pem } }, 'generic', []).tls,
    ).toBeUndefined();
  });
});

describe('timeout', () => {
  it.each([
    ['30s', 30_000],
    ['1m30s', 90_000],
    ['500ms', 500],
    ['1.5m', 90_000],
    ['1m0.5s', 60_500],
    [2500, 2500],
  ])('%j is %d ms', (timeout, ms) => {
    expect(resolve({ timeout }).timeoutMs).toBe(ms);
  });

  it.each(['0s', '1h', '30', 's', '-1s', 0, -5, Number.NaN, '1m 30s'])(
    'refuses %j, naming the field',
    (timeout) => {
      const error = specError({ type: 'generic', address: 'https://example.com', timeout });
      expect(error.code).toBe('INVALID_SPEC');
      expect(error.message).toContain('timeout: must be a Go duration');
    },
  );
});

describe('createNotifier validation', () => {
  it('names the field in every message', () => {
    const cases: [Record<string, unknown>, string][] = [
      [{ type: 'generic' }, 'address: required'],
      [{ type: 'generic', address: 'hooks.example.com/x' }, 'address: must be an absolute http(s) URL'],
      [{ type: 'generic', address: 'mailto:ops@example.com' }, 'address: must be an absolute http(s) URL'],
      [{ type: 'generic', address: '/hook' }, 'address: must be an absolute http(s) URL'],
      [{ type: 'generic', address: 'https://example.com', adress: 'typo' }, 'adress: unknown field'],
      [
        { type: 'generic', address: 'https://example.com', channel: 'c'.repeat(2049) },
        'channel: channel exceeds the maximum length of 2048',
      ],
      [
        { type: 'generic', address: 'https://example.com', proxy: 'socks5://127.0.0.1:1080' },
        'proxy: must be an absolute http(s) URL',
      ],
      [
        { type: 'generic', address: 'https://example.com', headers: { 'Bad Name': 'x' } },
        'headers: "Bad Name" is not a valid header name',
      ],
      [
        { type: 'generic', address: 'https://example.com', headers: { 'X-A': 'a\r\nX-Injected: 1' } },
        'line breaks',
      ],
      [
        { type: 'generic', address: 'https://example.com', headers: { 'x-a': '1', 'X-A': '2' } },
        'given twice',
      ],
      [
        { type: 'generic', address: 'https://example.com', tls: { ca: 'not pem' } },
        'tls.ca: must be a PEM-encoded certificate',
      ],
      [
        { type: 'generic', address: 'https://example.com', tls: { cert: '-----BEGIN CERTIFICATE-----' } },
        'tls.cert and tls.key must be given together',
      ],
      [{ type: 'generic', address: 'https://example.com', retry: { retries: -1 } }, 'retry.retries'],
      [
        { type: 'generic', address: 'https://example.com', retry: { minDelayMs: 10, maxDelayMs: 5 } },
        'retry.maxDelayMs',
      ],
      [{ type: 'generic', address: 'https://example.com', token: 42 }, 'token:'],
    ];
    for (const [spec, expected] of cases) {
      const error = specError(spec);
      expect(error.code, JSON.stringify(spec)).toBe('INVALID_SPEC');
      expect(error.providerType).toBe('generic');
      expect(error.message, JSON.stringify(spec)).toContain(expected);
      expect(error.message).toMatch(/^invalid generic provider spec: /);
    }
  });

  it('rejects unknown types and specs that are not objects', () => {
    expect(specError({ type: 'carrier-pigeon' }).code).toBe('UNSUPPORTED_TYPE');
    expect(specError({ type: 'carrier-pigeon' }).message).toContain('"carrier-pigeon"');
    expect(specError({}).code).toBe('INVALID_SPEC');
    expect(() => createNotifier(null as unknown as ProviderSpec)).toThrow(/expected an object/);
  });

  it('never shows a secret value in a validation message', () => {
    const error = specError({
      type: 'generic',
      address: 'https://user:hunter2-secret@',
      token: 'tok-secret-123',
    });
    expect(error.message).not.toContain('hunter2-secret');
    expect(error.message).not.toContain('tok-secret-123');
  });

  it('applies provider requirements after the Secret and accepts aliases', () => {
    const keyed = defineProvider({
      type: 'keyed',
      aliases: ['keyed-alias'],
      spec: { token: requiredString('the API key'), region: requiredString('the region') },
      encode: () => [],
    });
    const create = createNotifierFactory([keyed]);
    expect(create({ type: 'keyed-alias', secret: { token: 'k' }, region: 'eu' } as ProviderSpec).type).toBe(
      'keyed',
    );
    const error = specError({ type: 'keyed', secret: { token: '  ' } }, create);
    expect(error.message).toBe(
      'invalid keyed provider spec: token: required (the API key); region: required (the region)',
    );
  });
});

describe('Secret headers parsing', () => {
  it('prints no warning that could quote the YAML', () => {
    const warnings: unknown[] = [];
    const listener = (warning: unknown) => warnings.push(warning);
    process.on('warning', listener);
    try {
      expect(() =>
        createNotifier({
          type: 'generic',
          address: 'https://example.com',
          secret: { headers: 'X-A: !tag-secret value' },
        }),
      ).toThrow(/secret\.headers: /);
    } finally {
      process.off('warning', listener);
    }
    expect(warnings).toEqual([]);
  });
});

describe('cross-field validation', () => {
  it('runs the provider check at createNotifier, after the fields passed', () => {
    const paired = defineProvider({
      type: 'paired',
      spec: { channel: requiredString('the room') },
      validate: (spec) =>
        spec.channel.startsWith('#') && !spec.token ? 'token: required for # rooms' : undefined,
      encode: () => [],
    });
    const create = createNotifierFactory([paired]);
    expect(() => create({ type: 'paired', channel: '#ops' })).toThrow(
      'invalid paired provider spec: token: required for # rooms',
    );
    expect(create({ type: 'paired', channel: '#ops', token: 't' }).type).toBe('paired');
    expect(() => create({ type: 'paired' })).toThrow('channel: required (the room)');
  });
});

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
import { genericHmacProvider } from '@notiflux/providers/generic-hmac';
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

describe('Secret semantics (docs/design/provider-specs.md)', () => {
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

  it('reads TLS material from the main Secret for the types whose definition says so only', () => {
    const pem = '-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n';
    expect(
      resolveProviderSpec({ type: 'github', secret: { 'ca.crt': pem } }, 'github', [], true).tls,
    ).toEqual({ ca: pem });
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
    ['1h', 3_600_000],
    ['1h30m', 5_400_000],
    ['2h45m30.5s', 9_930_500],
    ['1500000000ns', 1500],
    ['250000us', 250],
    ['250000µs', 250],
    ['250000μs', 250],
    ['.5s', 500],
    ['1.s', 1000],
    ['+2s', 2000],
    [2500, 2500],
  ])('%j is %d ms', (timeout, ms) => {
    expect(resolve({ timeout }).timeoutMs).toBe(ms);
  });

  it.each(['0s', '30', 's', '-1s', 0, -5, Number.NaN, '1m 30s', '1d', '1h-5m', '.s', '1000h'])(
    'refuses %j, naming the field',
    (timeout) => {
      const error = specError({ type: 'generic', address: 'https://example.com', timeout });
      expect(error.code).toBe('INVALID_SPEC');
      expect(error.message).toContain('timeout: must be a Go duration');
      expect(error.message).toContain('ns, us, ms, s, m, h');
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
        'channel: exceeds the maximum length of 2048',
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

describe('createNotifier validation, hardened', () => {
  const createAny = createNotifierFactory([genericProvider, genericHmacProvider]);

  it('limits address to 2048 characters for HTTP types too', () => {
    const address = `https://example.com/${'a'.repeat(2048)}`;
    for (const type of ['generic', 'generic-hmac']) {
      const error = specError({ type, address, token: 'key' }, createAny);
      expect(error.code).toBe('INVALID_SPEC');
      expect(error.message).toContain('address: exceeds the maximum length of 2048');
    }
  });

  it('reports every problem of the spec together', () => {
    const error = specError({ type: 'generic-hmac', address: 'nope', timeout: 'soon' }, createAny);
    expect(error.message).toContain('address: must be an absolute http(s) URL');
    expect(error.message).toContain('timeout: must be a Go duration');
    expect(error.message).toContain('token: required');
    const several = specError(
      {
        type: 'generic',
        address: 'https://example.com',
        retry: { retries: 'x' },
        headers: { 'Bad Name': 'x' },
      },
      createAny,
    );
    expect(several.message).toContain('retry.retries:');
    expect(several.message).toContain('headers: "Bad Name" is not a valid header name');
  });

  it('accepts any non-negative whole number of retries', () => {
    expect(resolve({ retry: { retries: 100 } }).retry.retries).toBe(100);
    expect(
      specError({ type: 'generic', address: 'https://example.com', retry: { retries: 1.5 } }).message,
    ).toContain('retry.retries: must be a whole number');
  });

  it('speaks in its own words, never in raw zod text', () => {
    const cases: [Record<string, unknown>, string][] = [
      [{ type: 'generic', address: 'https://example.com', secret: 'token' }, 'secret: must be an object'],
      [{ type: 'generic', address: 'https://example.com', headers: 5 }, 'headers: must be an object'],
      [{ type: 'generic', address: 'https://example.com', retry: 'often' }, 'retry: must be an object'],
      [
        { type: 'generic', address: 'https://example.com', retry: { retries: -1 } },
        'retry.retries: must be at least 0',
      ],
      [
        { type: 'generic', address: 'https://example.com', provider: { uid: 5 } },
        'provider.uid: must be a string',
      ],
      [
        { type: 'generic', address: 'https://example.com', commitStatus: 5 },
        'commitStatus: must be a string or a function',
      ],
      [
        { type: 'generic', address: 'https://example.com', secret: { token: 5 } },
        'secret.token: must be a string',
      ],
      [{ type: 'generic', address: 42 }, 'address: must be a string'],
    ];
    for (const [spec, expected] of cases) {
      const { message } = specError(spec);
      expect(message, JSON.stringify(spec)).toContain(expected);
      expect(message, JSON.stringify(spec)).not.toMatch(
        /Invalid input|Too big|Too small|expected \w+, received/,
      );
    }
  });

  it('suggests the closest known types for an unknown one, and says types are lower-case', () => {
    const slack = specError({ type: 'Generic' }, createAny);
    expect(slack.code).toBe('UNSUPPORTED_TYPE');
    expect(slack.message).toContain('did you mean "generic"');
    expect(slack.message).toContain('lower-case');
    expect(specError({ type: 'generic-hamc' }, createAny).message).toContain('did you mean "generic-hmac"');
    expect(specError({ type: 'carrier-pigeon' }, createAny).message).not.toContain('did you mean');
  });
});

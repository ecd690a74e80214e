import { createHmac } from 'node:crypto';
import {
  defaultHmacAlgorithms,
  fluxSignatureScheme,
  type HmacAlgorithm,
  hmacAlgorithms,
  hmacDigestLength,
  SignatureError,
  sign,
  verify,
  verifyOrThrow,
} from '@notiflux/hmac';
import { describe, expect, it } from 'vitest';
import {
  sampleBody,
  sampleKey,
  sampleMacs,
  upstreamBody,
  upstreamKey,
  upstreamSignature,
} from './vectors.js';

const allAlgorithms = Object.keys(sampleMacs) as HmacAlgorithm[];

function reasonOf(run: () => void): string | undefined {
  try {
    run();
  } catch (error) {
    expect(error).toBeInstanceOf(SignatureError);
    return (error as SignatureError).reason;
  }
  return undefined;
}

describe('test vectors (upstream and the sample event)', () => {
  it('uses the 549-byte sample body', () => {
    expect(Buffer.byteLength(sampleBody)).toBe(549);
  });

  it.each(allAlgorithms)('signs the sample event with %s exactly as the spec table says', (algorithm) => {
    expect(sign(sampleBody, sampleKey, algorithm)).toBe(`${algorithm}=${sampleMacs[algorithm]}`);
  });

  it.each(allAlgorithms)('agrees with node:crypto for %s', (algorithm) => {
    const expected = createHmac(algorithm, sampleKey).update(sampleBody).digest('hex');
    expect(expected).toBe(sampleMacs[algorithm]);
    expect(sign(Buffer.from(sampleBody), Buffer.from(sampleKey), algorithm)).toBe(`${algorithm}=${expected}`);
  });

  it('defaults to sha256, what Flux sends', () => {
    expect(sign(sampleBody, sampleKey)).toBe(`sha256=${sampleMacs.sha256}`);
  });

  it('reproduces the upstream forwarder_test.go signature', () => {
    expect(sign(upstreamBody, upstreamKey)).toBe(upstreamSignature);
    expect(createHmac('sha256', upstreamKey).update(upstreamBody).digest('hex')).toBe(
      upstreamSignature.slice('sha256='.length),
    );
    expect(verify(upstreamSignature, upstreamBody, upstreamKey)).toBe(true);
  });

  it.each(['sha224', 'sha256', 'sha384', 'sha512'] as const)(
    'verifies the %s vector by default',
    (algorithm) => {
      const header = `${algorithm}=${sampleMacs[algorithm]}`;
      expect(verify(header, sampleBody, sampleKey)).toBe(true);
      expect(() => verifyOrThrow(header, sampleBody, sampleKey)).not.toThrow();
    },
  );

  it('accepts upper-case and mixed-case hex', () => {
    const upper = `sha256=${sampleMacs.sha256.toUpperCase()}`;
    const mixed = `sha512=${sampleMacs.sha512.replace(/[a-f]/g, (c, i: number) => (i % 2 ? c.toUpperCase() : c))}`;
    expect(verify(upper, sampleBody, sampleKey)).toBe(true);
    expect(verify(mixed, sampleBody, sampleKey)).toBe(true);
  });

  it('trims surrounding whitespace of the header value', () => {
    expect(verify(`  sha256=${sampleMacs.sha256}\t\n`, sampleBody, sampleKey)).toBe(true);
  });

  it('treats a string and its UTF-8 bytes alike, for payload and key', () => {
    const body = 'héllo ✓ 🚀';
    const key = 'ключ';
    const expected = createHmac('sha256', Buffer.from(key, 'utf8'))
      .update(Buffer.from(body, 'utf8'))
      .digest('hex');
    expect(sign(body, key)).toBe(`sha256=${expected}`);
    expect(sign(new TextEncoder().encode(body), new TextEncoder().encode(key))).toBe(`sha256=${expected}`);
    expect(verify(`sha256=${expected}`, Buffer.from(body), key)).toBe(true);
  });

  it('signs a Uint8Array view over exactly its own bytes', () => {
    const backing = Buffer.from(`xx${sampleBody}yy`);
    const view = new Uint8Array(backing.buffer, backing.byteOffset + 2, 549);
    expect(sign(view, sampleKey)).toBe(`sha256=${sampleMacs.sha256}`);
  });

  it('uses the key exactly as given (a trailing newline is part of it)', () => {
    expect(sign(sampleBody, `${sampleKey}\n`)).not.toBe(sign(sampleBody, sampleKey));
    expect(verify(sign(sampleBody, `${sampleKey}\n`), sampleBody, sampleKey)).toBe(false);
  });
});

describe('algorithm allow-list', () => {
  it('exports the algorithm facts', () => {
    expect(hmacAlgorithms).toEqual(['sha1', 'sha224', 'sha256', 'sha384', 'sha512']);
    expect(defaultHmacAlgorithms).toEqual(['sha256', 'sha224', 'sha384', 'sha512']);
    expect(fluxSignatureScheme).toMatchObject({ header: 'x-signature', separator: '=', encoding: 'hex' });
    for (const algorithm of hmacAlgorithms) {
      expect(hmacDigestLength(algorithm) * 2).toBe(sampleMacs[algorithm].length);
    }
  });

  it('rejects sha1 by default and accepts it when listed', () => {
    const header = `sha1=${sampleMacs.sha1}`;
    expect(verify(header, sampleBody, sampleKey)).toBe(false);
    expect(reasonOf(() => verifyOrThrow(header, sampleBody, sampleKey))).toBe('unsupported-algorithm');
    expect(verify(header, sampleBody, sampleKey, { algorithms: ['sha1'] })).toBe(true);
    expect(verify(header, sampleBody, sampleKey, { algorithms: ['sha1', 'sha256'] })).toBe(true);
  });

  it('restricts to the listed algorithms only', () => {
    const header = `sha512=${sampleMacs.sha512}`;
    expect(reasonOf(() => verifyOrThrow(header, sampleBody, sampleKey, { algorithms: ['sha256'] }))).toBe(
      'unsupported-algorithm',
    );
    expect(reasonOf(() => verifyOrThrow(header, sampleBody, sampleKey, { algorithms: [] }))).toBe(
      'unsupported-algorithm',
    );
  });

  it('compares the algorithm name exactly, in lower case', () => {
    for (const header of [
      `SHA256=${sampleMacs.sha256}`,
      `Sha256=${sampleMacs.sha256}`,
      `sha-256=${sampleMacs.sha256}`,
    ]) {
      expect(reasonOf(() => verifyOrThrow(header, sampleBody, sampleKey))).toBe('unsupported-algorithm');
    }
  });

  it('refuses an unknown name in options.algorithms instead of silently ignoring it', () => {
    expect(() =>
      verifyOrThrow(sign(sampleBody, sampleKey), sampleBody, sampleKey, {
        algorithms: ['md5' as HmacAlgorithm],
      }),
    ).toThrow(TypeError);
    expect(
      verify(sign(sampleBody, sampleKey), sampleBody, sampleKey, { algorithms: ['md5' as HmacAlgorithm] }),
    ).toBe(false);
  });

  it('refuses to sign with an unknown algorithm', () => {
    expect(() => sign(sampleBody, sampleKey, 'md5' as HmacAlgorithm)).toThrow(TypeError);
  });
});

describe('failure reasons (docs/design/signatures.md#verification-rules)', () => {
  const good = `sha256=${sampleMacs.sha256}`;

  it.each([
    ['undefined', undefined],
    ['null', null],
    ['empty', ''],
    ['whitespace only', ' \t '],
    ['an empty header list', []],
  ])('is missing for %s', (_label, header) => {
    expect(verify(header, sampleBody, sampleKey)).toBe(false);
    expect(reasonOf(() => verifyOrThrow(header, sampleBody, sampleKey))).toBe('missing');
  });

  it.each([
    ['no "="', sampleMacs.sha256],
    ['a ":" instead of "="', `sha256:${sampleMacs.sha256}`],
    ['joined duplicate headers', `${good}, ${good}`],
    ['a comma anywhere', `sha256=${sampleMacs.sha256.slice(0, 10)},${sampleMacs.sha256.slice(10)}`],
    ['odd length', `${good}a`],
    ['one hex digit short', good.slice(0, -1)],
    ['two hex digits short', good.slice(0, -2)],
    ['the sha224 length under sha256', `sha256=${sampleMacs.sha224}`],
    ['the sha512 length under sha256', `sha256=${sampleMacs.sha512}`],
    ['non-hex characters', `sha256=${'zz'}${sampleMacs.sha256.slice(2)}`],
    ['a valid hex prefix then garbage', `sha256=${sampleMacs.sha256.slice(0, 62)}g0`],
    ['an inner space', `sha256=${sampleMacs.sha256.slice(0, 32)} ${sampleMacs.sha256.slice(33)}`],
    ['a second "="', `sha256=${sampleMacs.sha256.slice(0, 62)}=a`],
    ['a base64 digest', `sha256=${Buffer.from(sampleMacs.sha256, 'hex').toString('base64')}`],
    ['an empty digest', 'sha256='],
    ['a 0x prefix', `sha256=0x${sampleMacs.sha256.slice(2)}`],
  ])('is malformed for %s', (_label, header) => {
    expect(verify(header, sampleBody, sampleKey)).toBe(false);
    expect(reasonOf(() => verifyOrThrow(header, sampleBody, sampleKey))).toBe('malformed');
  });

  it('calls joined duplicates malformed before judging the algorithm, and says why', () => {
    const joined = `sha1=${sampleMacs.sha1}, ${good}`;
    expect(reasonOf(() => verifyOrThrow(joined, sampleBody, sampleKey))).toBe('malformed');
    expect(() => verifyOrThrow(`${good}, ${good}`, sampleBody, sampleKey)).toThrow(/several values/);
  });

  it('is malformed when the header was sent twice (Node header array)', () => {
    expect(reasonOf(() => verifyOrThrow([good, good], sampleBody, sampleKey))).toBe('malformed');
    expect(verify([good], sampleBody, sampleKey)).toBe(true);
  });

  it.each([
    ['an unknown algorithm', `md5=${'0'.repeat(32)}`],
    ['an empty algorithm', `=${sampleMacs.sha256}`],
    ['whitespace around the name', `sha256 =${sampleMacs.sha256}`],
  ])('is unsupported-algorithm for %s', (_label, header) => {
    expect(reasonOf(() => verifyOrThrow(header, sampleBody, sampleKey))).toBe('unsupported-algorithm');
  });

  it('is mismatch for a wrong key, a changed body, or a flipped bit', () => {
    const flipped = `sha256=${(Number.parseInt(sampleMacs.sha256[0]!, 16) ^ 1).toString(16)}${sampleMacs.sha256.slice(1)}`;
    expect(reasonOf(() => verifyOrThrow(good, sampleBody, 'other-key'))).toBe('mismatch');
    expect(reasonOf(() => verifyOrThrow(good, `${sampleBody} `, sampleKey))).toBe('mismatch');
    expect(
      reasonOf(() => verifyOrThrow(good, JSON.stringify(JSON.parse(sampleBody), null, 2), sampleKey)),
    ).toBe('mismatch');
    expect(reasonOf(() => verifyOrThrow(flipped, sampleBody, sampleKey))).toBe('mismatch');
    expect(
      reasonOf(() => verifyOrThrow(`sha384=${sampleMacs.sha256}${'0'.repeat(32)}`, sampleBody, sampleKey)),
    ).toBe('mismatch');
  });

  it('never echoes the expected MAC, the key or the received digest', () => {
    const headers = [
      undefined,
      sampleMacs.sha256,
      `sha1=${sampleMacs.sha1}`,
      `sha256=${sampleMacs.sha384}`,
      `sha384=${'ab'.repeat(48)}`,
      `${good}, ${good}`,
    ];
    for (const header of headers) {
      try {
        verifyOrThrow(header, sampleBody, sampleKey);
        expect.unreachable();
      } catch (error) {
        const text = `${(error as Error).message} ${String((error as Error).stack)}`;
        for (const secret of [sampleKey, ...Object.values(sampleMacs), 'ab'.repeat(48)]) {
          expect(text).not.toContain(secret);
        }
        expect((error as SignatureError).name).toBe('SignatureError');
      }
    }
  });

  it('has a clear message per reason', () => {
    const messages = new Map<string, string>();
    const cases: [string | undefined, string][] = [
      [undefined, 'missing'],
      ['nope', 'malformed'],
      [`sha1=${sampleMacs.sha1}`, 'unsupported-algorithm'],
      [`sha256=${'0'.repeat(64)}`, 'mismatch'],
    ];
    for (const [header, reason] of cases) {
      try {
        verifyOrThrow(header, sampleBody, sampleKey);
      } catch (error) {
        expect((error as SignatureError).reason).toBe(reason);
        messages.set(reason, (error as Error).message);
      }
    }
    expect(messages.get('missing')).toMatch(/missing/);
    expect(messages.get('malformed')).toMatch(/malformed.*<algorithm>=<digest>/);
    expect(messages.get('unsupported-algorithm')).toMatch(
      /"sha1" is not allowed \(allowed: sha256, sha224, sha384, sha512\)/,
    );
    expect(messages.get('mismatch')).toMatch(/does not match/);
    expect(new SignatureError('too-large').message).toMatch(/larger/);
  });

  it('verify never throws, whatever it is handed', () => {
    const junk: unknown[] = [42, {}, [1, 2], Symbol('s'), () => 'x', true, Number.NaN];
    for (const value of junk) {
      expect(verify(value as string, sampleBody, sampleKey)).toBe(false);
      expect(verify(good, value as string, sampleKey)).toBe(false);
      expect(verify(good, sampleBody, value as string)).toBe(false);
      expect(() =>
        verify(good, sampleBody, sampleKey, value as { algorithms: HmacAlgorithm[] }),
      ).not.toThrow();
    }
    expect(verify(good, sampleBody, sampleKey, { algorithms: 'sha256' as unknown as HmacAlgorithm[] })).toBe(
      false,
    );
  });

  it('refuses an empty key: a configuration error, not a signature failure', () => {
    const emptyKeyMac = `sha256=${createHmac('sha256', '').update(sampleBody).digest('hex')}`;
    expect(() => sign(sampleBody, '')).toThrow(/HMAC key is empty/);
    expect(() => verifyOrThrow(emptyKeyMac, sampleBody, new Uint8Array(0))).toThrow(TypeError);
    expect(() => verifyOrThrow(emptyKeyMac, sampleBody, new Uint8Array(0))).not.toThrow(SignatureError);
    expect(verify(emptyKeyMac, sampleBody, '')).toBe(false);
  });
});

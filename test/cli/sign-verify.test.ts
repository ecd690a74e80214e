import { sign } from '@notiflux/hmac';
import { describe, expect, it } from 'vitest';
import { runCli } from '../support/cli-process.js';
import { sampleEventJson } from '../support/sample-events.js';

const key = 'hmac-key-0b7e4d9a-secret';
const env = { HMAC_KEY: key };

describe('notiflux sign', () => {
  it('prints the X-Signature of the stdin body', async () => {
    const result = await runCli(['sign', '--key-env', 'HMAC_KEY'], { stdin: sampleEventJson, env });
    expect(result).toMatchObject({ code: 0, stderr: '', stdout: `${sign(sampleEventJson, key)}\n` });
  });

  it('takes --algorithm, and --json', async () => {
    const result = await runCli(['sign', '--key-env', 'HMAC_KEY', '--algorithm', 'sha512', '--json'], {
      stdin: sampleEventJson,
      env,
    });
    expect(result.code).toBe(0);
    expect(JSON.parse(result.stdout)).toEqual({ signature: sign(sampleEventJson, key, 'sha512') });
  });

  it('exits 2 without the key variable, or with an unknown algorithm', async () => {
    const missing = await runCli(['sign', '--key-env', 'HMAC_KEY'], { stdin: 'x' });
    expect(missing.code).toBe(2);
    expect(missing.stderr).toContain('--key-env HMAC_KEY: the environment variable is not set');
    const noFlag = await runCli(['sign'], { stdin: 'x', env });
    expect(noFlag.code).toBe(2);
    expect(noFlag.stderr).toContain('--key-env is required');
    const algorithm = await runCli(['sign', '--key-env', 'HMAC_KEY', '--algorithm', 'md5'], {
      stdin: 'x',
      env,
    });
    expect(algorithm.code).toBe(2);
    expect(algorithm.stderr).toContain('--algorithm takes one of sha1, sha224, sha256, sha384, sha512');
  });
});

describe('notiflux verify', () => {
  const good = sign(sampleEventJson, key);

  it('exits 0 for a good signature', async () => {
    const result = await runCli(['verify', '--key-env', 'HMAC_KEY', '--signature', good], {
      stdin: sampleEventJson,
      env,
    });
    expect(result).toMatchObject({ code: 0, stdout: 'verified\n', stderr: '' });
  });

  it('exits 1 for a tampered body, saying mismatch, never the key', async () => {
    const result = await runCli(['verify', '--key-env', 'HMAC_KEY', '--signature', good, '--json'], {
      stdin: `${sampleEventJson} `,
      env,
    });
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/^notiflux verify: signature not valid \(mismatch\)/);
    expect(JSON.parse(result.stdout)).toMatchObject({ verified: false, reason: 'mismatch' });
    expect(result.stdout + result.stderr).not.toContain(key);
  });

  it.each([
    ['sha256=zz', 'malformed'],
    ['md5=00', 'unsupported-algorithm'],
    [sign(sampleEventJson, key, 'sha1'), 'unsupported-algorithm'],
  ])('exits 1 for %s: %s', async (signature, reason) => {
    const result = await runCli(['verify', '--key-env', 'HMAC_KEY', '--signature', signature], {
      stdin: sampleEventJson,
      env,
    });
    expect(result.code).toBe(1);
    expect(result.stderr).toContain(`(${reason})`);
  });

  it('accepts sha1 only when --algorithm lists it', async () => {
    const result = await runCli(
      [
        'verify',
        '--key-env',
        'HMAC_KEY',
        '--algorithm',
        'sha1',
        '--signature',
        sign(sampleEventJson, key, 'sha1'),
      ],
      { stdin: sampleEventJson, env },
    );
    expect(result.code).toBe(0);
  });

  it('exits 2 without --signature', async () => {
    const result = await runCli(['verify', '--key-env', 'HMAC_KEY'], { stdin: sampleEventJson, env });
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('--signature is required');
  });
});

import { createHmac } from 'node:crypto';
import {
  defineSignatureScheme,
  githubSignatureScheme,
  jobServSignatureScheme,
  SignatureError,
  signGitHubPayload,
  signJobServPayload,
  signWithScheme,
  verifyGitHubSignature,
  verifyJobServSignature,
  verifyWithScheme,
  verifyWithSchemeOrThrow,
} from '@notiflux/hmac';
import { sign as octokitSign, verify as octokitVerify } from '@octokit/webhooks-methods';
import { describe, expect, it } from 'vitest';
import { github, jobServ, nexus, sampleBody } from './vectors.js';

function reasonOf(run: () => void): string | undefined {
  try {
    run();
  } catch (error) {
    return error instanceof SignatureError ? error.reason : `not a SignatureError: ${String(error)}`;
  }
  return undefined;
}

describe('GitHub X-Hub-Signature-256', () => {
  it('matches the GitHub documentation vector', () => {
    expect(signGitHubPayload(github.body, github.secret)).toBe(github.signature);
    expect(`sha256=${createHmac('sha256', github.secret).update(github.body).digest('hex')}`).toBe(
      github.signature,
    );
    expect(verifyGitHubSignature(github.signature, github.body, github.secret)).toBe(true);
    expect(
      verifyGitHubSignature(
        github.signature.toUpperCase().replace('SHA256', 'sha256'),
        github.body,
        github.secret,
      ),
    ).toBe(true);
    expect(verifyGitHubSignature(github.signature, `${github.body}\n`, github.secret)).toBe(false);
    expect(verifyGitHubSignature(undefined, github.body, github.secret)).toBe(false);
    expect(githubSignatureScheme).toMatchObject({
      header: 'x-hub-signature-256',
      separator: '=',
      algorithms: ['sha256'],
    });
  });

  it('agrees with @octokit/webhooks-methods both ways', async () => {
    const secret = 'octo-secret';
    for (const payload of [github.body, sampleBody, '{"zen":"Keep it logically awesome."}', 'ünïcödé ✓']) {
      const ours = signGitHubPayload(payload, secret);
      expect(await octokitSign(secret, payload)).toBe(ours);
      expect(await octokitVerify(secret, payload, ours)).toBe(true);
      expect(verifyGitHubSignature(await octokitSign(secret, payload), payload, secret)).toBe(true);
      const tampered = `${payload} `;
      expect(await octokitVerify(secret, tampered, ours)).toBe(false);
      expect(verifyGitHubSignature(ours, tampered, secret)).toBe(false);
    }
    expect(await octokitVerify(github.secret, github.body, github.signature)).toBe(true);
  });

  it('accepts only sha256 (the legacy sha1 header needs its own scheme)', () => {
    const sha1 = `sha1=${createHmac('sha1', github.secret).update(github.body).digest('hex')}`;
    expect(
      reasonOf(() => verifyWithSchemeOrThrow(githubSignatureScheme, sha1, github.body, github.secret)),
    ).toBe('unsupported-algorithm');
    const legacy = defineSignatureScheme({ header: 'X-Hub-Signature', algorithms: ['sha1'] });
    expect(legacy.header).toBe('x-hub-signature');
    expect(verifyWithScheme(legacy, sha1, github.body, github.secret)).toBe(true);
  });
});

describe('Foundries.io X-JobServ-Sig', () => {
  it('matches the jobserv vector, with its colon separator', () => {
    expect(signJobServPayload(jobServ.body, jobServ.secret)).toBe(jobServ.signature);
    expect(`sha256:${createHmac('sha256', jobServ.secret).update(jobServ.body).digest('hex')}`).toBe(
      jobServ.signature,
    );
    expect(verifyJobServSignature(jobServ.signature, jobServ.body, jobServ.secret)).toBe(true);
    expect(jobServSignatureScheme).toMatchObject({
      header: 'x-jobserv-sig',
      separator: ':',
      algorithms: ['sha256'],
    });
  });

  it('rejects the Flux "=" form and a wrong secret', () => {
    const equalsForm = jobServ.signature.replace(':', '=');
    expect(
      reasonOf(() =>
        verifyWithSchemeOrThrow(jobServSignatureScheme, equalsForm, jobServ.body, jobServ.secret),
      ),
    ).toBe('malformed');
    expect(verifyJobServSignature(jobServ.signature, jobServ.body, `${jobServ.secret} `)).toBe(false);
    expect(
      reasonOf(() =>
        verifyWithSchemeOrThrow(jobServSignatureScheme, jobServ.signature, jobServ.body, 'other'),
      ),
    ).toBe('mismatch');
  });
});

describe('defineSignatureScheme: a general verifier', () => {
  const nexusScheme = defineSignatureScheme({
    header: 'X-Nexus-Webhook-Signature',
    separator: '',
    algorithms: ['sha1'],
  });

  it('handles a bare digest with an implied algorithm (Nexus vector)', () => {
    expect(signWithScheme(nexusScheme, nexus.body, nexus.secret)).toBe(nexus.signature);
    expect(createHmac('sha1', nexus.secret).update(nexus.body).digest('hex')).toBe(nexus.signature);
    expect(verifyWithScheme(nexusScheme, nexus.signature, nexus.body, nexus.secret)).toBe(true);
    expect(verifyWithScheme(nexusScheme, nexus.signature.toUpperCase(), nexus.body, nexus.secret)).toBe(true);
    expect(
      reasonOf(() =>
        verifyWithSchemeOrThrow(nexusScheme, `sha1=${nexus.signature}`, nexus.body, nexus.secret),
      ),
    ).toBe('malformed');
    expect(() => signWithScheme(nexusScheme, nexus.body, nexus.secret, 'sha256')).toThrow(TypeError);
  });

  it('handles base64 digests, splitting at the first separator only', () => {
    const scheme = defineSignatureScheme({
      header: 'x-b64',
      separator: '=',
      algorithms: ['sha256'],
      encoding: 'base64',
    });
    const digest = createHmac('sha256', 'k').update(sampleBody).digest('base64');
    expect(digest.endsWith('=')).toBe(true);
    expect(signWithScheme(scheme, sampleBody, 'k')).toBe(`sha256=${digest}`);
    expect(verifyWithScheme(scheme, `sha256=${digest}`, sampleBody, 'k')).toBe(true);
    expect(
      reasonOf(() => verifyWithSchemeOrThrow(scheme, `sha256=${digest.slice(0, -1)}`, sampleBody, 'k')),
    ).toBe('malformed');
    expect(
      reasonOf(() =>
        verifyWithSchemeOrThrow(
          scheme,
          `sha256=${Buffer.from(digest, 'base64').toString('hex')}`,
          sampleBody,
          'k',
        ),
      ),
    ).toBe('malformed');
    // Same bytes spelled non-canonically (stray low bits in the last character) are refused.
    const last = digest.at(-2)!;
    const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';
    const sibling = alphabet[alphabet.indexOf(last) ^ 1]!;
    expect(
      Buffer.from(`${digest.slice(0, -2)}${sibling}=`, 'base64').equals(Buffer.from(digest, 'base64')),
    ).toBe(true);
    expect(
      reasonOf(() =>
        verifyWithSchemeOrThrow(scheme, `sha256=${digest.slice(0, -2)}${sibling}=`, sampleBody, 'k'),
      ),
    ).toBe('malformed');
  });

  it('validates its options up front', () => {
    expect(() => defineSignatureScheme({ header: 'bad header' })).toThrow(TypeError);
    expect(() => defineSignatureScheme({ header: '' })).toThrow(TypeError);
    expect(() => defineSignatureScheme({ header: 'x', separator: ';' as ':' })).toThrow(TypeError);
    expect(() => defineSignatureScheme({ header: 'x', encoding: 'base32' as 'hex' })).toThrow(TypeError);
    expect(() => defineSignatureScheme({ header: 'x', algorithms: ['md5' as 'sha1'] })).toThrow(TypeError);
    expect(() =>
      defineSignatureScheme({ header: 'x', separator: '', algorithms: ['sha1', 'sha256'] }),
    ).toThrow(/exactly one algorithm/);
    const scheme = defineSignatureScheme({ header: 'X-Sig' });
    expect(scheme).toEqual({
      header: 'x-sig',
      separator: '=',
      algorithms: ['sha256', 'sha224', 'sha384', 'sha512'],
      encoding: 'hex',
    });
    expect(Object.isFrozen(scheme)).toBe(true);
  });
});

import { describe, expect, it } from 'vitest';
import { commitShaFromEvent, commitShaFromRevision } from '../../../packages/providers/src/git/revision.js';

const sha = '731f7eaddfb6af01cb2173e18f0f75b0ba780ef1';
const sha256 = 'a'.repeat(64);

describe('commitShaFromRevision', () => {
  it.each([
    `main@sha1:${sha}`,
    `sha1:${sha}`,
    `environment/dev@sha1:${sha}`,
    `refs/pull/1/head@sha1:${sha}`,
    `refs/tags/v1.0.0@sha1:${sha}`,
    `v1.0.0@sha1:${sha}`,
    `main/${sha}`,
    `master/${sha}`,
    `environment/dev/${sha}`,
    `HEAD/${sha}`,
    `v1.0.0/${sha}`,
    sha,
  ])('%s → the SHA', (revision) => {
    expect(commitShaFromRevision(revision)).toBe(sha);
  });

  it('keeps case', () => {
    expect(commitShaFromRevision(`main@sha1:${sha.toUpperCase()}`)).toBe(sha.toUpperCase());
  });

  it.each([
    `latest@sha256:${sha256}`,
    `sha256:${sha256}`,
    `main@sha256:${sha256}`,
    'master',
    'badhash',
    'revision/abce1',
    '6.3.5',
    'main/',
    `main/${sha}/`,
    '',
  ])('%s → no SHA', (revision) => {
    expect(commitShaFromRevision(revision)).toBeUndefined();
  });

  it('counts UTF-8 bytes, not UTF-16 units', () => {
    expect(commitShaFromRevision(`sha1:${'é'.repeat(20)}`)).toBe('é'.repeat(20));
    expect(commitShaFromRevision(`sha1:${'a'.repeat(39)}é`)).toBeUndefined();
  });
});

describe('commitShaFromEvent', () => {
  it('prefers commit, then originRevision, then revision (presence decides)', () => {
    const other = '8a9156325322a124e55a369b59063470310ebbd8';
    expect(
      commitShaFromEvent(
        { metadata: { revision: `main@sha1:${sha}`, originRevision: `main@sha1:${other}` } },
        'gitea',
      ),
    ).toBe(other);
    expect(commitShaFromEvent({ metadata: { revision: `main@sha1:${sha}`, commit: other } }, 'gitea')).toBe(
      other,
    );
    expect(() =>
      commitShaFromEvent({ metadata: { commit: '', revision: `main@sha1:${sha}` } }, 'gitea'),
    ).toThrow("gitea: failed to extract commit hash from '' revision");
  });

  it('rejects with the upstream wording and INVALID_EVENT', () => {
    expect(() => commitShaFromEvent({}, 'github')).toThrow(
      expect.objectContaining({ code: 'INVALID_EVENT', message: 'github: missing revision metadata' }),
    );
    expect(() => commitShaFromEvent({ metadata: { revision: 'master' } }, 'github')).toThrow(
      expect.objectContaining({
        code: 'INVALID_EVENT',
        message: "github: failed to extract commit hash from 'master' revision",
      }),
    );
  });
});

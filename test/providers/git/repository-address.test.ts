import { describe, expect, it } from 'vitest';
import { giteaApiBase, githubApiBase, gitlabApiBase } from '../../../packages/providers/src/git/api-base.js';
import {
  parseGitAddress,
  splitRepositoryId,
} from '../../../packages/providers/src/git/repository-address.js';

describe('parseGitAddress', () => {
  it.each([
    ['https://github.com/foo/bar', 'https://github.com', 'foo/bar'],
    ['https://example.com/foo/bar', 'https://example.com', 'foo/bar'],
    ['https://gitlab.com/foo/bar.git', 'https://gitlab.com', 'foo/bar'],
    ['https://gitlab.com/foo/bar/foo.git', 'https://gitlab.com', 'foo/bar/foo'],
    ['git@gitlab.com:foo/bar.git', 'https://gitlab.com', 'foo/bar'],
    ['github.com:foo/bar', 'https://github.com', 'foo/bar'],
    ['ssh://git@github.com/stefanprodan/podinfo', 'https://github.com', 'stefanprodan/podinfo'],
    ['ssh://git@github.com:22/foo/bar', 'https://github.com:22', 'foo/bar'],
    ['http://gitea.local:3000/foo/bar', 'http://gitea.local:3000', 'foo/bar'],
    ['https://user:pw@host/foo/bar?x=1#y', 'https://host', 'foo/bar'],
    ['https://dev.azure.com/org/proj/_git/repo', 'https://dev.azure.com', 'org/proj/_git/repo'],
    ['https://github.com//foo/bar', 'https://github.com', 'foo/bar'],
    ['https://github.com/foo/bar/', 'https://github.com', 'foo/bar/'],
    ['https://github.com/foo/bar.git.git', 'https://github.com', 'foo/bar.git'],
    ['git+ssh://git@host/foo/bar', 'git+ssh://host', 'foo/bar'],
    ['foo/bar', 'file://', 'foo/bar'],
    ['', 'file://', ''],
    // Go net/url details: host case and default port kept, path percent-decoded, scheme lower-cased.
    ['HTTPS://GitHub.com:443/foo/bar', 'https://GitHub.com:443', 'foo/bar'],
    ['https://example.com/foo%2Fbar/baz', 'https://example.com', 'foo/bar/baz'],
    // A failed URL parse falls through to the SCP-like form (host `https`).
    ['https://example.com/foo/%zz', 'https://https', 'example.com/foo/'],
    ['https://example.com:abc/foo/bar', 'https://https', 'example.com'],
    ['https://exa mple.com/foo', 'https://https', 'exa'],
  ])('%s → %s + %s', (address, hostUrl, id) => {
    const parsed = parseGitAddress(address);
    expect(parsed.hostUrl).toBe(hostUrl);
    expect(parsed.id).toBe(id);
  });

  it('never throws (fuzz seeds and odd inputs)', () => {
    for (const input of [
      'ssh://git@abc.com',
      'a\u0000b',
      '::::',
      'https://[::1',
      'x'.repeat(5000),
      '%',
      '\uD800',
    ]) {
      expect(() => parseGitAddress(input)).not.toThrow();
    }
  });

  it('splits ids into an exact number of parts', () => {
    expect(splitRepositoryId('foo/bar', 2)).toEqual(['foo', 'bar']);
    expect(splitRepositoryId('foo/bar/baz', 2)).toBeUndefined();
    expect(splitRepositoryId('org/proj/_git/repo', 4)).toEqual(['org', 'proj', '_git', 'repo']);
  });
});

describe('API bases', () => {
  it.each([
    ['https://github.com/foo/bar', 'https://api.github.com/'],
    ['http://github.com/foo/bar', 'https://api.github.com/'],
    ['https://foobar.com/foo/bar', 'https://foobar.com/api/v3/'],
    ['https://github.com:443/foo/bar', 'https://github.com:443/api/v3/'],
    ['https://api.corp.example/foo/bar', 'https://api.corp.example/'],
    ['https://ghe.api.corp.example/foo/bar', 'https://ghe.api.corp.example/'],
  ])('github %s → %s', (address, base) => {
    expect(githubApiBase(parseGitAddress(address))).toBe(base);
  });

  it('gitlab and gitea', () => {
    expect(gitlabApiBase(parseGitAddress('https://gitlab.com/foo/bar'))).toBe('https://gitlab.com/api/v4/');
    expect(giteaApiBase(parseGitAddress('http://gitea.local:3000/team/app.git'))).toBe(
      'http://gitea.local:3000/api/v1',
    );
  });
});

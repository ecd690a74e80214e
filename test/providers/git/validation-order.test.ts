import { NotifierError } from '@notiflux/core';
import { createNotifier } from '@notiflux/providers';
import { describe, expect, it } from 'vitest';

// An empty `commitStatus` is checked by the six commit-status types at their place in upstream's
// order of checks (upstream's constructors), and ignored by the types that do not use it.
function creationError(spec: Record<string, unknown>): string | undefined {
  try {
    createNotifier(spec as Parameters<typeof createNotifier>[0]).close();
    return undefined;
  } catch (error) {
    expect(error).toBeInstanceOf(NotifierError);
    expect(error).toMatchObject({ code: 'INVALID_SPEC' });
    return (error as NotifierError).message;
  }
}

const uid = '0c9c2e41-d2f9-4f9b-9c41-bebc1984d67a';

describe('commitStatus: "" in upstream order', () => {
  it.each([
    ['github', { address: 'https://github.com/org/repo' }, 'commit status cannot be empty'],
    ['gitea', { address: 'https://gitea.example.com/org/repo' }, 'commit status cannot be empty'],
    ['gitlab', { address: 'https://gitlab.com/group/project' }, 'gitlab token cannot be empty'],
    [
      'bitbucket',
      { address: 'https://bitbucket.org/ws/repo', token: 'user:pass' },
      'commit status cannot be empty',
    ],
    [
      'bitbucketserver',
      { address: 'https://bitbucket.example.com/scm/projectfoo/repobar/invalid.git' },
      'could not parse git address',
    ],
    [
      'bitbucketserver',
      { address: 'https://bitbucket.example.com/scm/proj/repo.git' },
      'commit status cannot be empty',
    ],
    [
      'azuredevops',
      { address: 'https://dev.azure.com/org/project/_git/repo/extra', token: 'pat' },
      'commit status cannot be empty',
    ],
  ])('%s %j reports %s first', (type, spec, expected) => {
    expect(creationError({ type, commitStatus: '', ...spec })).toContain(expected);
  });

  it('gitlab checks it once token and address pass', () => {
    expect(
      creationError({
        type: 'gitlab',
        address: 'https://gitlab.com/group/project',
        token: 't',
        commitStatus: '',
      }),
    ).toBe('invalid gitlab provider spec: commitStatus: commit status cannot be empty');
  });

  it.each([
    ['githubdispatch', { address: 'https://github.com/org/repo', token: 't' }],
    ['githubpullrequestcomment', { address: 'https://github.com/org/repo', token: 't', provider: { uid } }],
    [
      'gitlabmergerequestcomment',
      { address: 'https://gitlab.com/group/project', token: 't', provider: { uid } },
    ],
    [
      'giteapullrequestcomment',
      { address: 'https://gitea.example.com/org/repo', token: 't', provider: { uid } },
    ],
    ['generic', { address: 'http://127.0.0.1:9/hook' }],
  ])('%s ignores it', (type, spec) => {
    expect(creationError({ type, commitStatus: '', ...spec })).toBeUndefined();
  });
});

describe('an address whose port cannot be dialled', () => {
  it.each([
    ['github', 'https://github.example.com:99999/org/repo'],
    ['githubdispatch', 'https://github.example.com:99999/org/repo'],
    ['githubpullrequestcomment', 'https://github.example.com:99999/org/repo'],
    ['gitea', 'https://gitea.example.com:99999/org/repo'],
    ['giteapullrequestcomment', 'https://gitea.example.com:70000/org/repo'],
    ['azuredevops', 'https://dev.azure.com:99999/org/project/_git/repo'],
  ])('is refused by %s at createNotifier', (type, address) => {
    const message = creationError({ type, address, token: 'tok', commitStatus: 'flux', provider: { uid } });
    expect(message).toMatch(new RegExp(`^invalid ${type} provider spec: address: invalid port`));
  });

  it('leaves valid ports alone', () => {
    expect(
      creationError({ type: 'gitea', address: 'https://gitea.example.com:3000/org/repo', token: 'tok' }),
    ).toBeUndefined();
  });
});

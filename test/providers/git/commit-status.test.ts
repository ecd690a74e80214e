import { basicCredentials, type Event } from '@notiflux/core';
import { describe, expect, it } from 'vitest';
import { commitStateFor, skipsProgressing } from '../../../packages/providers/src/git/commit-state.js';
import { commitStatusFor } from '../../../packages/providers/src/git/commit-status.js';
import {
  commitStatusKey,
  defaultCommitStatusId,
  resolveCommitStatusId,
} from '../../../packages/providers/src/git/commit-status-id.js';
import { goQuote } from '../../../packages/providers/src/git/go-quote.js';
import {
  splitCamelCase,
  statusDescription,
  statusName,
} from '../../../packages/providers/src/git/status-description.js';
import { sampleEvent } from '../../support/sample-events.js';

const uid = '0c9c2e41-d2f9-4f9b-9c41-bebc1984d67a';

describe('statusDescription', () => {
  it.each([
    ['ValidationFailed', 'validation failed'],
    ['ReconciliationSucceeded', 'reconciliation succeeded'],
    ['ApplySucceeded', 'apply succeeded'],
    ['Progressing', 'progressing'],
    ['HealthCheckFailed', 'health check failed'],
    ['PDFLoader', 'pdf loader'],
    ['OCIArtifactPullFailed', 'oci artifact pull failed'],
    ['ArtifactUpToDate', 'artifact up to date'],
    ['Upgrade2Failed', 'upgrade 2 failed'],
    ['Install_Failed', 'install _ failed'],
    ['already-lower', 'already - lower'],
    ['foo bar', 'foo   bar'],
    ['aA1-', 'a a 1 -'],
    ['ABC', 'abc'],
    ['', ''],
  ])('%j → %j', (reason, description) => {
    expect(statusDescription(reason)).toBe(description);
  });

  it('keeps a string that is not well-formed Unicode as one word', () => {
    expect(splitCamelCase('Ab\uD800Cd')).toEqual(['Ab\uD800Cd']);
  });

  it('names kind/name lower-cased', () => {
    const event = { involvedObject: { kind: 'Kustomization', name: 'gitops-system' } } as Event;
    expect(statusName(event)).toBe('kustomization/gitops-system');
    expect(statusDescription('ApplySucceeded')).toBe('apply succeeded');
  });
});

describe('commit status id', () => {
  const object = (kind: string) =>
    ({ ...sampleEvent, involvedObject: { kind, name: 'gitops-system' } }) as Event;

  it('defaults to kind/name/uid8, lower-cased', () => {
    expect(defaultCommitStatusId(sampleEvent, uid)).toBe('kustomization/webapp/0c9c2e41');
    expect(defaultCommitStatusId(object('Kustomization'), uid)).toBe('kustomization/gitops-system/0c9c2e41');
    expect(defaultCommitStatusId(object('HelmRelease'), uid)).toBe('helmrelease/gitops-system/0c9c2e41');
    expect(defaultCommitStatusId(sampleEvent, 'nodash')).toBe('kustomization/webapp/nodash');
  });

  it('drops the UID segment without a UID', () => {
    expect(defaultCommitStatusId(sampleEvent)).toBe('kustomization/webapp');
    expect(resolveCommitStatusId(sampleEvent, { provider: {} }, 'gitea')).toBe('kustomization/webapp');
  });

  it('uses a string verbatim and calls a function with the event', () => {
    expect(resolveCommitStatusId(sampleEvent, { provider: { uid }, commitStatus: 'My/Id' }, 'gitea')).toBe(
      'My/Id',
    );
    const event = { ...sampleEvent, metadata: { environment: 'production' } };
    const commitStatus = (e: Event) =>
      `${e.involvedObject.kind}/${e.involvedObject.name}/${e.metadata?.environment}/${uid.split('-')[0]}`.toLowerCase();
    expect(resolveCommitStatusId(event, { provider: {}, commitStatus }, 'gitea')).toBe(
      'kustomization/webapp/production/0c9c2e41',
    );
  });

  it('rejects failing, non-string and empty results', () => {
    const failing = () => {
      throw new Error('boom');
    };
    expect(() =>
      resolveCommitStatusId(sampleEvent, { provider: {}, commitStatus: failing }, 'gitea'),
    ).toThrow(
      expect.objectContaining({
        code: 'INVALID_SPEC',
        message: 'gitea: failed to evaluate commitStatus for the event: boom',
      }),
    );
    const notString = (() => 42) as unknown as () => string;
    expect(() =>
      resolveCommitStatusId(sampleEvent, { provider: {}, commitStatus: notString }, 'gitea'),
    ).toThrow(/failed to evaluate commitStatus for the event: expected a string, got number/);
    expect(() =>
      resolveCommitStatusId(sampleEvent, { provider: {}, commitStatus: () => '' }, 'gitea'),
    ).toThrow('gitea: commit status cannot be empty');
  });

  it('hashes the Bitbucket key with SHA-1', () => {
    expect(commitStatusKey('kustomization/namespace-foo-and-service-bar')).toBe(
      '12ea142172e98435e16336acbbed8919610922c3',
    );
  });
});

describe('state mapping', () => {
  const withSeverity = (severity: string, reason = 'ValidationFailed') =>
    ({ ...sampleEvent, severity, reason }) as Event;

  it.each([
    ['github', 'success', 'failure', true, "can't convert to github state"],
    ['gitlab', 'success', 'failed', true, "can't convert to gitlab state"],
    ['gitea', 'success', 'failure', false, "can't convert to gitea state"],
    ['bitbucket', 'SUCCESSFUL', 'FAILED', true, "can't convert to bitbucket state"],
    [
      'bitbucketserver',
      'SUCCESSFUL',
      'FAILED',
      true,
      "couldn't convert to bitbucket server state: bitbucket server state generated on info or error events only",
    ],
    ['azuredevops', 'succeeded', 'error', true, "can't convert to azure devops state"],
  ] as const)('%s', (type, info, error, skips, unsupported) => {
    expect(commitStateFor(type, withSeverity('info'))).toBe(info);
    expect(commitStateFor(type, withSeverity('error'))).toBe(error);
    expect(skipsProgressing(type, withSeverity('info', 'Progressing'))).toBe(skips);
    expect(() => commitStateFor(type, withSeverity('trace'))).toThrow(
      expect.objectContaining({ code: 'INVALID_EVENT', message: `${type}: ${unsupported}` }),
    );
  });

  it('gitea reports Progressing as pending whatever the severity', () => {
    expect(commitStateFor('gitea', withSeverity('error', 'Progressing'))).toBe('pending');
    expect(commitStateFor('gitea', withSeverity('trace', 'Progressing'))).toBe('pending');
  });
});

describe('commitStatusFor (order of checks)', () => {
  it('gives every field for the sample event', () => {
    expect(commitStatusFor('github', sampleEvent, { provider: { uid } })).toEqual({
      id: 'kustomization/webapp/0c9c2e41',
      sha: '731f7eaddfb6af01cb2173e18f0f75b0ba780ef1',
      state: 'failure',
      name: 'kustomization/webapp',
      description: 'validation failed',
    });
  });

  it('skips Progressing, but only after computing the id', () => {
    const progressing = { ...sampleEvent, reason: 'Progressing', metadata: {} };
    expect(commitStatusFor('github', progressing, { provider: { uid } })).toBeUndefined();
    expect(() => commitStatusFor('github', progressing, { provider: {}, commitStatus: () => '' })).toThrow(
      'commit status cannot be empty',
    );
  });

  it('reports a missing revision before an unsupported severity', () => {
    const event = { ...sampleEvent, severity: 'trace', metadata: {} } as unknown as Event;
    expect(() => commitStatusFor('gitlab', event, { provider: { uid } })).toThrow(
      'gitlab: missing revision metadata',
    );
  });
});

describe('small helpers', () => {
  it('basic auth', () => {
    expect(basicCredentials('user', 'password')).toBe('dXNlcjpwYXNzd29yZA==');
  });

  it('Go %q quoting', () => {
    expect(goQuote('foo/bar/baz')).toBe('"foo/bar/baz"');
    expect(goQuote('a"b\\c\nd\u0001é')).toBe('"a\\"b\\\\c\\nd\\x01é"');
  });
});

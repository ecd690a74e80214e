import type { Event } from '@notiflux/core';
import { describe, expect, it } from 'vitest';
import {
  changeRequestCommentKey,
  changeRequestMarker,
  changeRequestNumber,
  findOwnComment,
  formatChangeRequestComment,
  GITHUB_COMMENT_KEY_PREFIX,
  GITLAB_COMMENT_KEY_PREFIX,
  parseGoInt,
} from '../../../packages/providers/src/git/change-request-comment.js';
import { sampleEvent } from '../../support/sample-events.js';

const uid = '0c9c2e41-d2f9-4f9b-9c41-bebc1984d67a';
const event: Event = { ...sampleEvent, metadata: { ...sampleEvent.metadata, change_request: '42' } };

describe('change request comment', () => {
  it('renders the sample body exactly', () => {
    expect(formatChangeRequestComment(event, uid, GITHUB_COMMENT_KEY_PREFIX)).toBe(
      '<!-- flux-pr-comment-key:0c9c2e41-d2f9-4f9b-9c41-bebc1984d67a/Kustomization/apps/webapp -->\n\n## Flux Status\n\n⚠️ Kustomization/apps/webapp\n\nservice/apps/webapp validation error: spec.type: Unsupported value: Ingress\n\nMetadata:\n* `revision`: main@sha1:731f7eaddfb6af01cb2173e18f0f75b0ba780ef1\n* `summary`: Cluster: prod-eu\n',
    );
  });

  it('uses ℹ️ for info, keeps case and ends with Metadata: when nothing is listed', () => {
    const info: Event = { ...event, severity: 'info', metadata: { change_request: '1' } };
    const body = formatChangeRequestComment(info, uid, GITLAB_COMMENT_KEY_PREFIX);
    expect(body.startsWith('<!-- flux-mr-comment-key:')).toBe(true);
    expect(body).toContain('\u2139\uFE0F Kustomization/apps/webapp');
    expect(body.endsWith('\n\nMetadata:\n')).toBe(true);
  });

  it('builds key and marker', () => {
    expect(changeRequestCommentKey(event, uid)).toBe(`${uid}/Kustomization/apps/webapp`);
    expect(changeRequestMarker('p', 'k')).toBe('<!-- p:k -->');
  });

  it.each([
    ['42', '42'],
    ['+7', '7'],
    ['-3', '-3'],
    ['007', '7'],
    ['9223372036854775807', '9223372036854775807'],
  ])('change_request %j → %s', (value, number) => {
    expect(changeRequestNumber({ metadata: { change_request: value } }, 'giteapullrequestcomment')).toBe(
      number,
    );
  });

  it.each([
    ['abc', 'strconv.Atoi: parsing "abc": invalid syntax'],
    ['', 'strconv.Atoi: parsing "": invalid syntax'],
    [' 1', 'strconv.Atoi: parsing " 1": invalid syntax'],
    ['1_000', 'strconv.Atoi: parsing "1_000": invalid syntax'],
    ['9223372036854775808', 'strconv.Atoi: parsing "9223372036854775808": value out of range'],
  ])('change_request %j is rejected', (value, cause) => {
    expect(() =>
      changeRequestNumber({ metadata: { change_request: value } }, 'giteapullrequestcomment'),
    ).toThrow(
      expect.objectContaining({
        code: 'INVALID_EVENT',
        message: `giteapullrequestcomment: invalid "change_request" metadata value ${JSON.stringify(value)}: ${cause}`,
      }),
    );
  });

  it('requires the change_request key', () => {
    expect(() => changeRequestNumber({ metadata: {} }, 'githubpullrequestcomment')).toThrow(
      'githubpullrequestcomment: missing "change_request" metadata key',
    );
    expect(parseGoInt('12', 'ParseInt')).toEqual({ value: 12n });
    expect(parseGoInt('x', 'ParseInt')).toEqual({ error: 'strconv.ParseInt: parsing "x": invalid syntax' });
  });

  it('finds the first own comment carrying the marker', () => {
    const marker = '<!-- m -->';
    const comments = [
      { id: 1, user: 'other', body: marker },
      { id: 2, user: 'me', body: 'no marker' },
      { id: 3, user: 'me', body: `${marker}\nold` },
      { id: 4, user: 'me', body: marker },
    ];
    const read = (c: (typeof comments)[number]) => ({ author: c.user, body: c.body });
    expect(findOwnComment(comments, 'me', marker, read)?.id).toBe(3);
    expect(findOwnComment(comments, 'nobody', marker, read)).toBeUndefined();
  });
});

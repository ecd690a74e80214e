import { describe, expect, it } from 'vitest';
import { formatMarkdownPost } from '../../../packages/providers/src/formatting/markdown-post.js';
import { objectTitle } from '../../../packages/providers/src/formatting/object-title.js';
import { shortenText, TRUNCATION_MARKER } from '../../../packages/providers/src/formatting/shorten-text.js';
import { sortedMetadata } from '../../../packages/providers/src/formatting/sorted-metadata.js';
import { sampleEvent } from '../../support/sample-events.js';

describe('shared formatting', () => {
  it('names the object as Flux chat notifiers do', () => {
    expect(objectTitle(sampleEvent.involvedObject)).toBe('kustomization/webapp.apps');
    expect(objectTitle({ kind: 'HelmRelease', name: 'podinfo' })).toBe('helmrelease/podinfo.');
  });

  it('sorts metadata by key bytes', () => {
    expect(sortedMetadata({ metadata: { b: '2', a: '1', B: '0' } })).toEqual([
      ['B', '0'],
      ['a', '1'],
      ['b', '2'],
    ]);
    expect(sortedMetadata({})).toEqual([]);
  });

  it('writes the Markdown post without change_request', () => {
    expect(
      formatMarkdownPost({ ...sampleEvent, metadata: { ...sampleEvent.metadata, change_request: '7' } }),
    ).toBe(
      '## Flux Status\n\n\u26A0\uFE0F Kustomization/apps/webapp\n\nservice/apps/webapp validation error: spec.type: Unsupported value: Ingress\n\nMetadata:\n* `revision`: main@sha1:731f7eaddfb6af01cb2173e18f0f75b0ba780ef1\n* `summary`: Cluster: prod-eu\n',
    );
    expect(formatMarkdownPost({ ...sampleEvent, severity: 'info', metadata: undefined })).toMatch(
      /^## Flux Status\n\n\u2139\uFE0F Kustomization\/apps\/webapp\n\n.*\n\nMetadata:\n$/,
    );
  });

  it('shortens long text visibly, without splitting a surrogate pair', () => {
    expect(shortenText('short', 10)).toBe('short');
    const cut = shortenText('x'.repeat(100), 50);
    expect(cut).toHaveLength(50);
    expect(cut.endsWith(TRUNCATION_MARKER)).toBe(true);
    const emoji = shortenText(`${'a'.repeat(20)}${'😀'.repeat(20)}`, 21 + TRUNCATION_MARKER.length);
    expect(emoji.isWellFormed()).toBe(true);
    expect(emoji).toBe(`${'a'.repeat(20)}${TRUNCATION_MARKER}`);
  });
});

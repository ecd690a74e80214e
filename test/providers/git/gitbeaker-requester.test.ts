import { describe, expect, it } from 'vitest';
import {
  gitbeakerQuery,
  requesterThroughTransport,
} from '../../../packages/providers/src/git/gitbeaker-requester.js';
import { fakeSend } from '../../support/fake-send.js';

const service = {
  url: 'https://gitlab.example.com/api/v4',
  headers: { Sudo: 'bot' },
  authHeaders: { 'private-token': async () => 'glpat-x' },
};

describe('gitbeaker requester', () => {
  it.each([
    [undefined, ''],
    [{}, ''],
    [{ orderBy: 'created_at', perPage: 100, sort: 'asc' }, '?order_by=created_at&per_page=100&sort=asc'],
    [{ name: 'kustomization/webapp/0c9c2e41' }, '?name=kustomization%2Fwebapp%2F0c9c2e41'],
    [{ name: 'a b:c', skipped: undefined, none: null }, '?name=a%20b%3Ac'],
  ])('query %j → %j', (params, query) => {
    expect(gitbeakerQuery(params)).toBe(query);
  });

  it('sends through the transport with the auth header, snake-cased JSON body and query', async () => {
    const { sent, send } = fakeSend({
      status: 201,
      headers: { 'Content-Type': 'application/json' },
      body: '{"id":1}',
    });
    const requester = requesterThroughTransport(send)(service);
    const response = await requester.post('projects/a%2Fb/statuses/abc', {
      body: { state: 'failed', targetUrl: 'x' },
      searchParams: { perPage: 1 },
    });
    expect(sent).toEqual([
      {
        transport: 'http',
        method: 'POST',
        url: 'https://gitlab.example.com/api/v4/projects/a%2Fb/statuses/abc?per_page=1',
        headers: {
          accept: 'application/json',
          Sudo: 'bot',
          'private-token': 'glpat-x',
          'content-type': 'application/json',
        },
        body: '{"state":"failed","target_url":"x"}',
        readResponse: true,
      },
    ]);
    expect(response).toEqual({
      body: { id: 1 },
      headers: { 'content-type': 'application/json' },
      status: 201,
    });
  });

  it('hides link headers (one page only), gives null for 204 and empty bodies, text for non-JSON', async () => {
    const linked = fakeSend({ headers: { Link: '<https://x/next>; rel="next"', 'X-Page': '1' }, body: '[]' });
    expect(await requesterThroughTransport(linked.send)(service).get('user')).toEqual({
      body: [],
      headers: { 'x-page': '1' },
      status: 200,
    });
    const noContent = fakeSend({ status: 204, body: '' });
    expect((await requesterThroughTransport(noContent.send)(service).delete('x')).body).toBeNull();
    expect(noContent.sent[0]?.body).toBeUndefined();
    const text = fakeSend({ body: 'plain' });
    expect((await requesterThroughTransport(text.send)(service).get('x')).body).toBe('plain');
  });
});

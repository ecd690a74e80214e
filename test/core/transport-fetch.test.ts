import { NotifierError, transportFetch } from '@notiflux/core';
import { describe, expect, it } from 'vitest';
import { fakeSend } from '../support/fake-send.js';

describe('transportFetch', () => {
  it('turns a fetch call into one transport request, keeping a plain header object as given', async () => {
    const { sent, send } = fakeSend({ status: 201, headers: { 'X-Id': '7' }, body: '{"id":7}' });
    const response = await transportFetch(send)('https://api.example.com/things?x=1', {
      method: 'POST',
      headers: { Authorization: 'Bearer t', 'Content-Type': 'application/json' },
      body: '{"a":1}',
    });
    expect(sent).toEqual([
      {
        transport: 'http',
        method: 'POST',
        url: 'https://api.example.com/things?x=1',
        headers: { Authorization: 'Bearer t', 'Content-Type': 'application/json' },
        body: '{"a":1}',
        readResponse: true,
      },
    ]);
    expect(response.status).toBe(201);
    expect(response.headers.get('x-id')).toBe('7');
    expect(await response.json()).toEqual({ id: 7 });
  });

  it('reads URL objects, Request objects, Headers and every body kind', async () => {
    const { sent, send } = fakeSend();
    const fetch = transportFetch(send);
    await fetch(new URL('https://a.example/x'));
    await fetch(new Request('https://a.example/r', { method: 'PUT', headers: { 'X-A': '1' }, body: 'req' }));
    await fetch('https://a.example/h', {
      method: 'POST',
      headers: new Headers({ 'X-B': '2' }),
      body: new URLSearchParams({ q: 'a b' }),
    });
    await fetch('https://a.example/b', { method: 'POST', body: new TextEncoder().encode('bytes').buffer });
    await fetch('https://a.example/v', {
      method: 'POST',
      body: new DataView(new TextEncoder().encode('view').buffer),
    });
    expect(sent.map(({ method, url }) => `${method} ${url}`)).toEqual([
      'GET https://a.example/x',
      'PUT https://a.example/r',
      'POST https://a.example/h',
      'POST https://a.example/b',
      'POST https://a.example/v',
    ]);
    expect(sent[0]?.body).toBeUndefined();
    expect(sent[1]?.headers).toMatchObject({ 'x-a': '1' });
    expect(Buffer.from(sent[1]?.body as Uint8Array).toString()).toBe('req');
    expect(sent[2]?.headers).toEqual({ 'x-b': '2' });
    expect(sent[2]?.body).toBe('q=a+b');
    expect(Buffer.from(sent[3]?.body as Uint8Array).toString()).toBe('bytes');
    expect(Buffer.from(sent[4]?.body as Uint8Array).toString()).toBe('view');
  });

  it('lets the provider shape each request', async () => {
    const { sent, send } = fakeSend();
    await transportFetch(send, (request) => ({ ...request, successStatuses: [304] }))('https://a.example/');
    expect(sent[0]?.successStatuses).toEqual([304]);
  });

  it('answers without a body for 204 and 304, and never invents a content type', async () => {
    expect((await transportFetch(fakeSend({ status: 204 }).send)('https://a.example/')).body).toBeNull();
    const notModified = await transportFetch(fakeSend({ status: 304, body: 'ignored' }).send)(
      'https://a.example/',
    );
    expect(await notModified.text()).toBe('');
    const text = await transportFetch(fakeSend({ body: 'plain' }).send)('https://a.example/');
    expect(text.headers.get('content-type')).toBeNull();
    expect(await text.text()).toBe('plain');
    const repeated = await transportFetch(fakeSend({ headers: { 'set-cookie': ['a=1', 'b=2'] } }).send)(
      'https://a.example/',
    );
    expect(repeated.headers.getSetCookie()).toEqual(['a=1', 'b=2']);
  });

  it("rejects with the transport's error as it is", async () => {
    const failure = new NotifierError('HTTP_STATUS', 'GET https://a.example/: HTTP 500', { status: 500 });
    const fetch = transportFetch(() => Promise.reject(failure));
    await expect(fetch('https://a.example/')).rejects.toBe(failure);
  });
});

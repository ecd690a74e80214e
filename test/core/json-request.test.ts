import { jsonRequest } from '@notiflux/core';
import { describe, expect, it } from 'vitest';

describe('jsonRequest', () => {
  it('POSTs the encoded body with the user headers first, then Content-Type, then the fixed ones', () => {
    const request = jsonRequest({
      url: 'https://example.test/hook',
      headers: { 'X-Team': 'a', 'content-type': 'text/plain', authorization: 'user' },
      fixedHeaders: { Authorization: 'Bearer t' },
      body: '{"a":1}',
      secretPath: true,
    });
    expect(request).toEqual({
      transport: 'http',
      method: 'POST',
      url: 'https://example.test/hook',
      headers: { 'X-Team': 'a', 'Content-Type': 'application/json', Authorization: 'Bearer t' },
      body: '{"a":1}',
      secretPath: true,
    });
    expect(Object.keys(request.headers)).toEqual(['X-Team', 'Content-Type', 'Authorization']);
  });

  it('takes another method and works without headers', () => {
    const request = jsonRequest({ method: 'PUT', url: 'https://example.test/', body: '{}' });
    expect(request.method).toBe('PUT');
    expect(request.headers).toEqual({ 'Content-Type': 'application/json' });
  });
});

import type { HttpRequest, HttpResponse } from '@notiflux/core';

/** A stand-in for the notifier's transport: records each request and answers with `response`. */
export function fakeSend(response: Partial<HttpResponse> = {}) {
  const sent: HttpRequest[] = [];
  const send = async (request: HttpRequest): Promise<HttpResponse> => {
    sent.push(request);
    return { status: 200, headers: {}, body: '', ...response };
  };
  return { sent, send };
}

/**
 * The fetch WebClient is given: the core transport's, with Slack's rules for reading an answer.
 * Slack explains a refusal in a JSON body (`{"ok":false,"error":"invalid_auth"}`), on a 2xx as
 * well as on a 4xx; this module turns that body into the error `post` rejects with.
 */
import {
  isRetryableStatus,
  mergeHeaders,
  NotifierError,
  type Redactor,
  type SendHttp,
  transportFetch,
} from '@notiflux/core';

/** Non-retryable client errors: Slack explains them in a JSON body, which is read to word the error. */
const EXPLAINED_STATUSES = Array.from({ length: 100 }, (_, index) => 400 + index).filter(
  (status) => !isRetryableStatus(status),
);

/**
 * The core transport's fetch with Slack's rules: a 2xx answer is success only as a JSON object
 * with `ok: true` (anything else is the service's refusal, `REJECTED`, instead of a TypeError
 * or a false success in WebClient); a client error with Slack's JSON body is `REJECTED` with its
 * reason, one without is `HTTP_STATUS` with the body. `ownHeaders` (the Web API's auth and
 * content type) go on every request last, so a spec header of the same name never replaces them,
 * whatever spelling WebClient merged it under.
 */
export function slackWebApiFetch(
  send: SendHttp,
  redactor: Redactor,
  ownHeaders: Record<string, string>,
): typeof fetch {
  const fetchThroughTransport = transportFetch(send, (request) => ({
    ...request,
    headers: mergeHeaders(request.headers, ownHeaders),
    successStatuses: EXPLAINED_STATUSES,
    rejectReason: ({ status, body }) => (status < 300 ? webApiRefusal(body) : slackErrorOf(body)),
  }));
  return async (input, init) => {
    const response = await fetchThroughTransport(input, init);
    if (response.status < 300) return response;
    const body = (await response.text()).trim().slice(0, 4096);
    const url = redactor.url(
      typeof input === 'string' ? input : input instanceof URL ? input.href : input.url,
    );
    const detail = body ? `HTTP ${response.status}: ${body}` : `HTTP ${response.status}`;
    throw new NotifierError('HTTP_STATUS', redactor.text(`${init?.method ?? 'GET'} ${url}: ${detail}`), {
      providerType: 'slack',
      status: response.status,
    });
  };
}

/** Why a 2xx answer is not a success, or `undefined` when it is (a JSON object with `ok: true`). */
function webApiRefusal(text: string): string | undefined {
  let answer: unknown;
  try {
    answer = JSON.parse(text);
  } catch {
    return `the answer is not JSON: ${text.trim().slice(0, 200)}`;
  }
  if (answer === null || typeof answer !== 'object' || Array.isArray(answer)) {
    return `the answer is not a JSON object: ${text.trim().slice(0, 200)}`;
  }
  const { ok } = answer as { ok?: unknown };
  if (ok === true) return undefined;
  if (ok === false) return slackErrorOf(text);
  return ok === undefined
    ? 'the answer has no ok field'
    : `ok is ${JSON.stringify(ok).slice(0, 200)}, not true`;
}

/** Slack's reason in a JSON error body (`{"ok":false,"error":"invalid_auth"}`), if it is one. */
function slackErrorOf(text: string): string | undefined {
  let answer: unknown;
  try {
    answer = JSON.parse(text);
  } catch {
    return undefined;
  }
  if (answer === null || typeof answer !== 'object' || Array.isArray(answer)) return undefined;
  if ((answer as { ok?: unknown }).ok === true) return undefined;
  const { error } = answer as { error?: unknown };
  return `Slack responded with error: ${typeof error === 'string' ? error : ''}`;
}

/**
 * `alertmanager`: each event as one firing alert POSTed to the Prometheus Alertmanager v2 API
 * (`/api/v2/alerts`), metadata and the involved object as labels, message and summary as
 * annotations (upstream `internal/notifier/alertmanager.go`).
 */
import {
  basicAuth,
  basicAuthFromAddress,
  bearerAuth,
  compareUtf8,
  defineProvider,
  type Event,
  field,
  type HttpRequest,
  isHttpUrl,
  jsonRequest,
  parseFluxTimestamp,
  stringifyLikeGo,
} from '@notiflux/core';

/** Go's zero time.Time: upstream always sends it as `endsAt`, which Alertmanager reads as unset. */
const GO_ZERO_TIME = '0001-01-01T00:00:00Z';

const alertmanagerAddress = field
  .string('invalid Alertmanager URL: required (the /api/v2/alerts endpoint)')
  .check((address) => {
    const problem = addressProblem(address);
    return problem ? `invalid Alertmanager URL ${withoutUserinfo(address)}: '${problem}'` : undefined;
  });

export const alertmanagerProvider = defineProvider({
  type: 'alertmanager',
  spec: { address: alertmanagerAddress },
  encode: (event, spec) => [encodeAlertmanagerRequest(event, spec)],
});

/** One alert of Alertmanager's v2 `postableAlerts`, keys in upstream's order. */
export interface AlertmanagerAlert {
  /** Not in Alertmanager's schema (it ignores it); upstream sends it. */
  status: 'firing';
  labels: Record<string, string>;
  annotations: Record<string, string>;
  startsAt: string;
  endsAt: string;
}

/**
 * The alert for an event. Works on copies: the caller's metadata is never changed (upstream
 * deletes `summary` from, and adds labels to, the event's own map).
 */
export function encodeAlertmanagerAlert(event: Event): AlertmanagerAlert {
  const metadata = event.metadata ?? {};
  const fixed: Record<string, string> = {
    alertname: `Flux${event.involvedObject.kind}${goTitleCase(event.reason)}`,
    severity: event.severity,
    reason: event.reason,
    kind: event.involvedObject.kind,
    name: event.involvedObject.name,
    namespace: event.involvedObject.namespace ?? '',
    reportingcontroller: event.reportingController,
  };
  const annotations: Record<string, string> = { message: event.message };
  // A present-but-empty summary still becomes an annotation, as upstream.
  if (Object.hasOwn(metadata, 'summary')) annotations.summary = metadata.summary as string;

  const labels: Record<string, string> = {};
  const keys = Object.keys(metadata)
    .filter((key) => key !== 'summary')
    .sort(compareUtf8);
  for (const key of keys) {
    if (LABEL_NAME.test(key)) labels[key] = metadata[key] as string;
  }
  // Alertmanager refuses the whole alert for one invalid label name (upstream sends it as is):
  // such a key gets a valid name no other label has, and an annotation keeps the original key.
  for (const key of keys) {
    if (LABEL_NAME.test(key)) continue;
    const base = alertmanagerLabelName(key);
    let name = base;
    for (let suffix = 2; Object.hasOwn(labels, name) || Object.hasOwn(fixed, name); suffix++) {
      name = `${base}_${suffix}`;
    }
    labels[name] = metadata[key] as string;
    annotations[`${RENAMED_KEY_ANNOTATION}${name}`] = key;
  }
  // The fixed labels win over metadata keys of the same name.
  Object.assign(labels, fixed);

  return {
    status: 'firing',
    labels: sortedByKey(labels),
    annotations: sortedByKey(annotations),
    startsAt: rfc3339Seconds(event.timestamp),
    endsAt: GO_ZERO_TIME,
  };
}

/** Alertmanager's label name rule (Prometheus' classic one); annotation names follow it too. */
const LABEL_NAME = /^[a-zA-Z_][a-zA-Z0-9_]*$/;

/** The annotation naming the metadata key a renamed label came from: `metadata_key_<label>`. */
export const RENAMED_KEY_ANNOTATION = 'metadata_key_';

/**
 * A metadata key as a valid label name: every other character than ASCII letters, digits and
 * `_` becomes `_`, and a leading digit (or nothing) is prefixed with `_` (`app-version` →
 * `app_version`, `1st` → `_1st`).
 */
export function alertmanagerLabelName(key: string): string {
  const name = key.replace(/[^a-zA-Z0-9_]/gu, '_');
  return name === '' || /^[0-9]/.test(name) ? `_${name}` : name;
}

/** The body Alertmanager receives: a JSON array holding the one alert, as Go writes it. */
export function encodeAlertmanagerPayload(event: Event): string {
  return stringifyLikeGo([encodeAlertmanagerAlert(event)]);
}

/**
 * The POST to the alerts endpoint. Auth as upstream behaves: username and password (both set)
 * win over the token; without either, userinfo in the address becomes Basic auth (stripped from
 * the URL by the core transport). `headers` never replace these.
 */
export function encodeAlertmanagerRequest(
  event: Event,
  spec: {
    address: string;
    headers?: Record<string, string>;
    token?: string;
    username?: string;
    password?: string;
  },
): HttpRequest {
  return jsonRequest({
    url: spec.address,
    headers: spec.headers,
    fixedHeaders: alertmanagerAuthorization(spec),
    body: encodeAlertmanagerPayload(event),
  });
}

function alertmanagerAuthorization(spec: {
  address: string;
  token?: string;
  username?: string;
  password?: string;
}): Record<string, string> {
  if (spec.username && spec.password) {
    return { Authorization: basicAuth(spec.username, spec.password) };
  }
  if (spec.token) return { Authorization: bearerAuth(spec.token) };
  // Userinfo is this type's credential too: set here, so that a custom header cannot replace it.
  const fromUserinfo = basicAuthFromAddress(spec.address);
  return fromUserinfo ? { Authorization: fromUserinfo } : {};
}

/**
 * Go's `cases.Title(language.Und)`, which upstream applies to the reason: in each word the first
 * cased letter is upper-cased and every later letter lower-cased (`ValidationFailed` →
 * `Validationfailed`). Words are runs of letters, marks, digits and connector punctuation,
 * joined by at most one of `.` `:` `'` `’` `·` at a time.
 */
export function goTitleCase(text: string): string {
  let result = '';
  let inWord = false;
  let seenCased = false;
  let afterMidWord = false;
  for (const char of text) {
    if (WORD_CHAR.test(char)) {
      if (!inWord) seenCased = false;
      inWord = true;
      afterMidWord = false;
      const lower = char.toLowerCase();
      const upper = char.toUpperCase();
      if (lower === upper) {
        result += char;
      } else if (seenCased) {
        result += lower;
      } else {
        seenCased = true;
        // Title case, not upper case, for the few characters where they differ (ǆ → ǅ, ß → Ss).
        result += TITLE_CASE_EXCEPTIONS[char] ?? upper;
      }
    } else if (MID_WORD_CHAR.test(char) && inWord && !afterMidWord) {
      afterMidWord = true;
      result += char;
    } else {
      inWord = false;
      afterMidWord = false;
      result += char;
    }
  }
  return result;
}

const WORD_CHAR = /^[\p{L}\p{M}\p{N}\p{Pc}]$/u;
const MID_WORD_CHAR = /^[.:'’·]$/u;
const TITLE_CASE_EXCEPTIONS: Record<string, string> = {
  ß: 'Ss',
  Ǆ: 'ǅ',
  ǅ: 'ǅ',
  ǆ: 'ǅ',
  Ǉ: 'ǈ',
  ǈ: 'ǈ',
  ǉ: 'ǈ',
  Ǌ: 'ǋ',
  ǋ: 'ǋ',
  ǌ: 'ǋ',
  Ǳ: 'ǲ',
  ǲ: 'ǲ',
  ǳ: 'ǲ',
};

/** Go sorts map keys by their UTF-8 bytes when it encodes a map. */
function sortedByKey(record: Record<string, string>): Record<string, string> {
  const sorted: Record<string, string> = {};
  for (const key of Object.keys(record).sort(compareUtf8)) sorted[key] = record[key] as string;
  return sorted;
}

/** UTC, whole seconds, `Z`: how Go writes the event's time in `startsAt`. */
function rfc3339Seconds(timestamp: string): string {
  return `${new Date(parseFluxTimestamp(timestamp)).toISOString().slice(0, 19)}Z`;
}

/** Why the address is unusable, in the spirit of Go's URL errors; undefined when it is fine. */
function addressProblem(address: string): string | undefined {
  if (address === '') return 'empty url';
  if (!URL.canParse(address)) return 'not an absolute URL';
  if (!isHttpUrl(address)) {
    const protocol = new URL(address).protocol.slice(0, -1);
    return protocol === 'http' || protocol === 'https'
      ? 'missing host'
      : `unsupported protocol scheme "${protocol}"`;
  }
  return undefined;
}

/** The address fit for an error message: userinfo (a credential) hidden, even when it does not parse. */
function withoutUserinfo(address: string): string {
  return address.replace(/^((?:[a-z][a-z0-9+.-]*:)?\/\/)?[^/?#@]*@/i, '$1<redacted>@');
}

export default alertmanagerProvider;

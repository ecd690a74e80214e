/**
 * Secret redaction, used by every error message, cause chain, `onAttempt` report and `encode`
 * output, so that the rule "no token, password, secret header value or secret-bearing URL is
 * ever shown" is enforced in one place.
 */

export const REDACTED = '<redacted>';

/** Header names whose values are credentials whatever provider sets them. */
const SECRET_HEADER_NAMES = new Set([
  'authorization',
  'proxy-authorization',
  'cookie',
  'set-cookie',
  'x-api-key',
  'api-key',
  'dd-api-key',
  'private-token',
  'x-gitlab-token',
  'x-sentry-auth',
]);

/** Query parameters that carry credentials in webhook URLs (Google Chat `key`/`token`, ...). */
const SECRET_QUERY_PARAMS =
  /^(key|token|access_token|api_key|apikey|secret|password|sig|signature|code|auth)$/i;

/** Words of a header name that say its value is a credential. */
const CREDENTIAL_HEADER_WORDS = new Set([
  'auth',
  'authorization',
  'token',
  'key',
  'apikey',
  'secret',
  'password',
  'passwd',
  'credential',
  'credentials',
  'cookie',
  'session',
]);

/**
 * Below this length a secret is hidden in free text only where it stands alone: searching for
 * `e` anywhere would turn `kustomize-controller` into `kustomiz<redacted>-controll<redacted>r`.
 * Where a secret is known to be (a header value, userinfo, a query value, a path segment, a body
 * field) it is replaced whatever its length.
 */
const MIN_FREE_TEXT_LENGTH = 8;

/** Characters a token is made of: a short secret next to one of them is part of a longer word. */
const WORD_CHARACTER = '[\\p{L}\\p{N}_.~+%-]';

export interface UrlRedaction {
  /** The whole path and query are a credential (Slack/Discord/Teams webhook URLs, bot tokens). */
  secretPath?: boolean;
}

export class Redactor {
  /** The secrets as given, for structural replacement (header values, URL parts). */
  private readonly secrets: Set<string>;
  /** Every form of every secret long enough to search for anywhere, longest first. */
  private readonly longForms: string[];
  /** Forms too short to search for anywhere: replaced only where they stand alone. */
  private readonly shortForms: RegExp | undefined;
  private readonly secretHeaders: Set<string>;

  constructor(secrets: Iterable<string | undefined>, secretHeaderNames: Iterable<string> = []) {
    this.secrets = new Set();
    const forms = new Set<string>();
    for (const secret of secrets) {
      if (!secret) continue;
      this.secrets.add(secret);
      for (const form of echoedForms(secret)) forms.add(form);
    }
    const sorted = [...forms].sort((a, b) => b.length - a.length);
    this.longForms = sorted.filter((form) => form.length >= MIN_FREE_TEXT_LENGTH);
    const short = sorted.filter((form) => form.length < MIN_FREE_TEXT_LENGTH);
    this.shortForms =
      short.length === 0
        ? undefined
        : new RegExp(
            `(?<!${WORD_CHARACTER})(?:${short.map(escapeRegExp).join('|')})(?!${WORD_CHARACTER})`,
            'gu',
          );
    this.secretHeaders = new Set(SECRET_HEADER_NAMES);
    for (const name of secretHeaderNames) this.secretHeaders.add(name.toLowerCase());
  }

  /**
   * Whether `text` finds this secret anywhere in free text; a shorter one is found only where it
   * stands alone, so a provider that embeds it in a longer word must hide that place itself.
   */
  static findsAnywhere(secret: string): boolean {
    return secret.length >= MIN_FREE_TEXT_LENGTH;
  }

  /** A redactor that also hides `more` (e.g. a secret learnt while sending). */
  with(more: Iterable<string | undefined>, secretHeaderNames: Iterable<string> = []): Redactor {
    return new Redactor([...this.secrets, ...more], [...this.secretHeaders, ...secretHeaderNames]);
  }

  /**
   * Free text (a server's answer, a library's error message) with every form of every secret
   * hidden: raw, JSON-escaped, URL-encoded. Short secrets only where they stand alone.
   */
  text(value: string): string {
    let result = value;
    for (const form of this.longForms) {
      if (result.includes(form)) result = result.split(form).join(REDACTED);
    }
    if (this.shortForms) result = result.replace(this.shortForms, REDACTED);
    return result;
  }

  /**
   * A URL fit to show: no userinfo, secret query values and path segments that are secrets hidden
   * (whatever their length), the path hidden when it is a credential.
   */
  url(value: string | URL, options: UrlRedaction = {}): string {
    let url: URL;
    try {
      url = new URL(String(value));
    } catch {
      return REDACTED;
    }
    const hadUserinfo = url.username !== '' || url.password !== '';
    url.username = '';
    url.password = '';
    if (options.secretPath) {
      return `${url.origin}/${REDACTED}`;
    }
    const path = url.pathname
      .split('/')
      .map((segment) => (this.isSecret(decodeSafe(segment)) ? REDACTED : segment))
      .join('/');
    const query = url.search
      .slice(1)
      .split('&')
      .map((pair) => {
        const equals = pair.indexOf('=');
        if (equals === -1) return pair;
        const name = decodeSafe(pair.slice(0, equals).replaceAll('+', ' '));
        const secret = this.isSecret(decodeSafe(pair.slice(equals + 1).replaceAll('+', ' ')));
        return SECRET_QUERY_PARAMS.test(name) || secret ? `${pair.slice(0, equals)}=${REDACTED}` : pair;
      })
      .join('&');
    const userinfo = hadUserinfo ? `${REDACTED}@` : '';
    const shown = `${url.protocol}//${userinfo}${url.host}${path}${url.search ? `?${query}` : ''}${url.hash}`;
    return this.text(shown);
  }

  private isSecret(value: string): boolean {
    return value !== '' && this.secrets.has(value);
  }

  /** Whether a header's value is a credential: an auth header, or one named so by the spec. */
  isSecretHeader(name: string): boolean {
    return this.secretHeaders.has(name.toLowerCase());
  }

  headers(headers: Record<string, string>): Record<string, string> {
    const shown: Record<string, string> = {};
    for (const [name, value] of Object.entries(headers)) {
      shown[name] = this.isSecretHeader(name) ? REDACTED : this.text(value);
    }
    return shown;
  }

  /**
   * A copy of an error fit to expose as a `cause`: same name, code and (redacted) message,
   * recursively for its own cause, with no other properties (which might hold requests,
   * sockets or headers).
   */
  error(value: unknown, depth = 0): unknown {
    if (!(value instanceof Error)) {
      return value === undefined ? undefined : this.text(String(value));
    }
    const copy = new Error(this.text(value.message));
    copy.name = value.name;
    const code = (value as { code?: unknown }).code;
    if (typeof code === 'string') Object.assign(copy, { code });
    copy.stack = `${copy.name}: ${copy.message}`;
    if (value.cause !== undefined && depth < 8) {
      Object.defineProperty(copy, 'cause', { value: this.error(value.cause, depth + 1), enumerable: false });
    }
    return copy;
  }
}

/**
 * Whether a header a user sets is named for a credential (`X-Auth-Token`, `X-Api-Key`): its value
 * is hidden. Headers a provider sets by protocol (`X-Atlassian-Token: no-check`) are not asked.
 */
export function isCredentialHeaderName(name: string): boolean {
  return name
    .toLowerCase()
    .split(/[-_]/)
    .some((word) => CREDENTIAL_HEADER_WORDS.has(word));
}

/**
 * The forms in which a service may repeat a secret it was sent: as it is, JSON-escaped (standard,
 * Go's with `<>&` escaped, ASCII-only, with `\\/`), and URL- or form-encoded.
 */
function echoedForms(secret: string): string[] {
  const json = JSON.stringify(secret).slice(1, -1);
  const goJson = json.replace(/[<>&\u2028\u2029]/g, unicodeEscape);
  const nonAscii = /[^\x20-\x7e]/g;
  const urlEncoded = encodeURIComponent(secret.toWellFormed());
  return [
    secret,
    json,
    goJson,
    json.replace(nonAscii, unicodeEscape),
    goJson.replace(nonAscii, unicodeEscape),
    json.replaceAll('/', '\\/'),
    urlEncoded,
    urlEncoded.replaceAll('%20', '+'),
  ];
}

function unicodeEscape(character: string): string {
  return `\\u${character.charCodeAt(0).toString(16).padStart(4, '0')}`;
}

function escapeRegExp(value: string): string {
  return value.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

function decodeSafe(value: string): string {
  try {
    return decodeURIComponent(value);
  } catch {
    return value;
  }
}

/**
 * The credentials an address carries, even one that does not parse: the userinfo's password (or
 * its lone user, a token as in a Sentry DSN) and the values of secret query parameters.
 */
export function addressSecrets(address: string): string[] {
  const found: string[] = [];
  const [, scheme, userinfo] = /^([a-z][a-z0-9+.-]*):\/\/([^/?#]*)@/i.exec(address) ?? [];
  if (scheme && userinfo) {
    const colon = userinfo.indexOf(':');
    // A lone user is a token over http(s) (`https://<token>@…`), a login name elsewhere (`ssh://git@…`).
    const secret = colon !== -1 ? userinfo.slice(colon + 1) : /^https?$/i.test(scheme) ? userinfo : '';
    if (secret) found.push(secret, decodeSafe(secret));
  }
  const query = address.split('#', 1)[0]?.split('?').slice(1).join('?') ?? '';
  for (const pair of query.split('&')) {
    const equals = pair.indexOf('=');
    if (equals === -1) continue;
    const value = pair.slice(equals + 1);
    if (value && SECRET_QUERY_PARAMS.test(decodeSafe(pair.slice(0, equals)))) {
      found.push(value, decodeSafe(value.replaceAll('+', ' ')));
    }
  }
  return found;
}

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
]);

/** Query parameters that carry credentials in webhook URLs (Google Chat `key`/`token`, ...). */
const SECRET_QUERY_PARAMS =
  /^(key|token|access_token|api_key|apikey|secret|password|sig|signature|code|auth)$/i;

export interface UrlRedaction {
  /** The whole path and query are a credential (Slack/Discord/Teams webhook URLs, bot tokens). */
  secretPath?: boolean;
}

export class Redactor {
  /** Longest first, so a secret that contains another is replaced whole. */
  private readonly secrets: string[];
  private readonly secretHeaders: Set<string>;

  constructor(secrets: Iterable<string | undefined>, secretHeaderNames: Iterable<string> = []) {
    const found = new Set<string>();
    for (const secret of secrets) {
      if (!secret) continue;
      found.add(secret);
      const encoded = encodeURIComponent(secret);
      if (encoded !== secret) found.add(encoded);
    }
    this.secrets = [...found].sort((a, b) => b.length - a.length);
    this.secretHeaders = new Set(SECRET_HEADER_NAMES);
    for (const name of secretHeaderNames) this.secretHeaders.add(name.toLowerCase());
  }

  /** A redactor that also hides `more` (e.g. a secret learnt while sending). */
  with(more: Iterable<string | undefined>, secretHeaderNames: Iterable<string> = []): Redactor {
    return new Redactor([...this.secrets, ...more], [...this.secretHeaders, ...secretHeaderNames]);
  }

  text(value: string): string {
    let result = value;
    for (const secret of this.secrets) {
      if (result.includes(secret)) result = result.split(secret).join(REDACTED);
    }
    return result;
  }

  /** A URL fit to show: no userinfo, secret query values hidden, the path hidden when it is a credential. */
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
    for (const name of [...url.searchParams.keys()]) {
      if (SECRET_QUERY_PARAMS.test(name)) url.searchParams.set(name, REDACTED);
    }
    let shown = url.toString().replaceAll(encodeURIComponent(REDACTED), REDACTED);
    if (hadUserinfo) shown = shown.replace('://', `://${REDACTED}@`);
    return this.text(shown);
  }

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

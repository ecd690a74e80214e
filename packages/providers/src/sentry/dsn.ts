/** The Sentry DSN in a `sentry` spec's `address`: checked by both the Go SDK's rules and the Node SDK's. */

export interface SentryDsn {
  publicKey: string;
  secretKey: string;
  /** `<scheme>://<host>[:<port>]<pathPrefix>/api/<projectId>/envelope/`, no credential in it. */
  envelopeUrl: string;
  projectId: string;
}

/** The parsed DSN, or the reason it is refused (`[Sentry] DsnParseError: <reason>`). */
export function parseSentryDsn(dsn: string): SentryDsn | string {
  if (dsn === '') return 'DSN cannot be empty';
  const fail = (reason: string) => `[Sentry] DsnParseError: ${reason}`;
  let url: URL;
  try {
    url = new URL(dsn);
  } catch (error) {
    // The parser's message never echoes the input, so it cannot leak the key.
    return fail(`invalid url: ${error instanceof Error ? error.message : 'unparsable'}`);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') return fail('invalid scheme');
  if (url.username === '') return fail('empty username');
  if (url.hostname === '') return fail('empty host');
  if (url.port !== '' && !/^\d+$/.test(url.port)) return fail('invalid port');
  const path = url.pathname;
  if (path === '' || path === '/' || path.endsWith('/')) return fail('empty project id');
  const lastSlash = path.lastIndexOf('/');
  const pathPrefix = path.slice(0, lastSlash);
  const lastSegment = path.slice(lastSlash + 1);
  // The Node SDK silently disables itself on DSNs it cannot parse: refuse them here instead.
  if (!/^\w+$/.test(url.username)) return fail('invalid public key');
  if (!/^\w*$/.test(url.password)) return fail('invalid secret key');
  if (!/^[\w.-]+$/.test(url.hostname) && !/^\[[0-9a-fA-F:.]+\]$/.test(url.hostname)) {
    return fail('invalid host');
  }
  const projectId = /^\d+/.exec(lastSegment)?.[0];
  if (!projectId) return fail('invalid project id');
  return {
    publicKey: url.username,
    secretKey: url.password,
    envelopeUrl: `${url.protocol}//${url.host}${pathPrefix}/api/${projectId}/envelope/`,
    projectId,
  };
}

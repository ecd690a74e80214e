/** `Authorization` header values, built in one place so every provider encodes them alike. */

/** `Bearer <token>`. */
export function bearerAuth(token: string): string {
  return `Bearer ${token}`;
}

/** `base64(username:password)` in UTF-8, as Go's `SetBasicAuth`: the value after `Basic `. */
export function basicCredentials(username: string, password: string): string {
  return Buffer.from(`${username}:${password}`, 'utf8').toString('base64');
}

/** `Basic base64(username:password)`. */
export function basicAuth(username: string, password: string): string {
  return `Basic ${basicCredentials(username, password)}`;
}

/** `Basic <base64>` from a URL's userinfo (percent-decoded), or undefined when it has none. */
export function basicAuthFromUserinfo(url: URL): string | undefined {
  if (!url.username && !url.password) return undefined;
  return basicAuth(decodeURIComponent(url.username), decodeURIComponent(url.password));
}

/** `basicAuthFromUserinfo` of an address given as text; undefined when it has none or does not parse. */
export function basicAuthFromAddress(address: string): string | undefined {
  try {
    return basicAuthFromUserinfo(new URL(address));
  } catch {
    return undefined;
  }
}

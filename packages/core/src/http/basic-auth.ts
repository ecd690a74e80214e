/** `Basic <base64>` from a URL's userinfo (percent-decoded), or undefined when it has none. */
export function basicAuthFromUserinfo(url: URL): string | undefined {
  if (!url.username && !url.password) return undefined;
  const credentials = `${decodeURIComponent(url.username)}:${decodeURIComponent(url.password)}`;
  return `Basic ${Buffer.from(credentials).toString('base64')}`;
}

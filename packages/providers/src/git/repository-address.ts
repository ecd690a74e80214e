/**
 * Repository address parsing shared by the git providers (docs/design/git-providers.md#repository-address): a
 * transport URL, else an SCP-like `user@host:path`, else a local path. Never throws.
 */

export interface GitAddress {
  /** Lower-cased; `ssh` is already replaced by `https`. */
  scheme: string;
  /** `host[:port]` as written (case and default port kept); empty for local paths. */
  host: string;
  /** `<scheme>://<host[:port]>`. */
  hostUrl: string;
  /** The path without leading `/` and without one trailing `.git`. */
  id: string;
}

const TRANSPORT_SCHEMES = new Set(['ssh', 'git', 'git+ssh', 'http', 'https', 'ftp', 'ftps', 'rsync', 'file']);
const SCP_LIKE = /^([a-zA-Z0-9\-._~]+@)?([a-zA-Z0-9._-]+):([a-zA-Z0-9./._-]+)(?:\?||$)(.*)$/;
const MAX_SCP_LENGTH = 2048;

export function parseGitAddress(address: string): GitAddress {
  const parsed = parseTransportUrl(address) ??
    parseScpLike(address) ?? { scheme: 'file', host: '', path: address };
  const scheme = parsed.scheme === 'ssh' ? 'https' : parsed.scheme;
  let id = parsed.path.replace(/^\/+/, '');
  if (id.endsWith('.git')) id = id.slice(0, -'.git'.length);
  return { scheme, host: parsed.host, hostUrl: `${scheme}://${parsed.host}`, id };
}

/**
 * Why the address's port can never be dialled (`:99999`), or undefined. Go's URL parser accepts
 * any digits there and only the connection fails, at every post; refused at `createNotifier`
 * instead. An empty port (`host:`) means the default one.
 */
export function invalidPortProblem(address: GitAddress): string | undefined {
  const port = /:(\d+)$/.exec(address.host.replace(/^\[[^\]]*\]/, ''))?.[1];
  if (port === undefined) return undefined;
  const number = Number(port);
  return number >= 1 && number <= 65535 ? undefined : `invalid port ":${port}" (must be 1 to 65535)`;
}

/**
 * Splits a repository id into exactly `count` `/`-separated parts, or undefined when it has
 * another number of parts (`owner/repo` for GitHub, Gitea and Bitbucket; 4 for Azure DevOps).
 */
export function splitRepositoryId(id: string, count: number): string[] | undefined {
  const parts = id.split('/');
  return parts.length === count ? parts : undefined;
}

interface ParsedLocation {
  scheme: string;
  host: string;
  path: string;
}

/** Go `net/url.Parse`, reduced to what decides acceptance, the host and the path. */
function parseTransportUrl(raw: string): ParsedLocation | undefined {
  // Go refuses ASCII control characters anywhere in a URL.
  if (/[\x00-\x1f\x7f]/.test(raw)) return undefined;
  const schemeMatch = /^([A-Za-z][A-Za-z0-9+.-]*):/.exec(raw);
  if (!schemeMatch?.[1]) return undefined;
  const scheme = schemeMatch[1].toLowerCase();
  if (!TRANSPORT_SCHEMES.has(scheme)) return undefined;

  let rest = raw.slice(schemeMatch[0].length);
  rest = cutAt(rest, '#');
  rest = cutAt(rest, '?');
  // `https:foo` is an opaque URL: no host, no path.
  if (!rest.startsWith('/')) return { scheme, host: '', path: '' };

  let host = '';
  if (rest.startsWith('//')) {
    const afterSlashes = rest.slice(2);
    const slash = afterSlashes.indexOf('/');
    const authority = slash === -1 ? afterSlashes : afterSlashes.slice(0, slash);
    rest = slash === -1 ? '' : afterSlashes.slice(slash);
    const parsedHost = parseAuthority(authority);
    if (parsedHost === undefined) return undefined;
    host = parsedHost;
  }
  const path = percentDecode(rest);
  if (path === undefined) return undefined;
  return { scheme, host, path };
}

function cutAt(value: string, separator: string): string {
  const index = value.indexOf(separator);
  return index === -1 ? value : value.slice(0, index);
}

const USERINFO = /^[A-Za-z0-9\-._:~!$&'()*+,;=%@]*$/;
// Characters Go accepts unescaped in a host (unreserved, sub-delims, ':' and the IPv6 brackets).
const HOST_CHARS = /^[A-Za-z0-9\-._~!$&'()*+,;=:[\]<>"%]*$/;

function parseAuthority(authority: string): string | undefined {
  const at = authority.lastIndexOf('@');
  if (at !== -1 && !USERINFO.test(authority.slice(0, at))) return undefined;
  const host = at === -1 ? authority : authority.slice(at + 1);
  if (host.startsWith('[')) {
    const close = host.indexOf(']');
    if (close === -1) return undefined;
    const port = host.slice(close + 1);
    if (port !== '' && !/^:\d*$/.test(port)) return undefined;
  } else {
    const colon = host.lastIndexOf(':');
    if (colon !== -1 && !/^:\d*$/.test(host.slice(colon))) return undefined;
  }
  if (!HOST_CHARS.test(host)) return undefined;
  return percentDecode(host);
}

/** Percent-decodes like Go's `unescape`: an invalid escape fails, bytes are decoded as UTF-8. */
function percentDecode(value: string): string | undefined {
  if (!value.includes('%')) return value;
  if (/%(?![0-9A-Fa-f]{2})/.test(value)) return undefined;
  const bytes: number[] = [];
  for (let index = 0; index < value.length; ) {
    if (value[index] === '%') {
      bytes.push(Number.parseInt(value.slice(index + 1, index + 3), 16));
      index += 3;
    } else {
      const codePoint = value.codePointAt(index) ?? 0;
      const char = String.fromCodePoint(codePoint);
      bytes.push(...Buffer.from(char, 'utf8'));
      index += char.length;
    }
  }
  return Buffer.from(bytes).toString('utf8');
}

function parseScpLike(raw: string): ParsedLocation | undefined {
  if (raw.length > MAX_SCP_LENGTH) return undefined;
  const match = SCP_LIKE.exec(raw);
  if (!match?.[2] || !match[3]) return undefined;
  return { scheme: 'ssh', host: match[2], path: match[3] };
}

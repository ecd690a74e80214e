import { posix } from 'node:path';
import { goQuote } from './go-quote.js';

/** Where the build-status calls go, parsed from the clone URL. */
export interface BitbucketServerAddress {
  /** `<scheme>://<host[:port]><context>/rest/api/latest/projects/<PROJECT>/repos/<repo>/commits`, no query. */
  commitsUrl: string;
  /** The clone URL's query (`?…`, usually empty): upstream keeps it on the POST. */
  search: string;
}

/**
 * Parses `http(s)://<host>[:port][/<context>]/scm/<PROJECT>/<repo>[.git]`: the context path is
 * whatever precedes the last `/scm/`; project key and slug are kept as written. Never throws:
 * returns why the address is not a clone URL instead.
 */
export function parseBitbucketServerAddress(address: string): BitbucketServerAddress | { problem: string } {
  let url: URL;
  try {
    url = new URL(address);
  } catch (error) {
    return { problem: error instanceof Error ? error.message : String(error) };
  }
  const scheme = url.protocol.slice(0, -1);
  if (scheme !== 'http' && scheme !== 'https') {
    return { problem: `unsupported scheme type in address: ${scheme}. Must be http or https` };
  }
  let path: string;
  try {
    path = decodeURIComponent(url.pathname);
  } catch (error) {
    return { problem: error instanceof Error ? error.message : String(error) };
  }
  if (path.endsWith('.git')) path = path.slice(0, -'.git'.length);
  const scm = path.lastIndexOf('/scm/');
  if (scm === -1) return { problem: 'supplied provider address is not http(s) git clone url' };
  const context = path.slice(0, scm);
  const remainder = path.slice(scm + '/scm/'.length);
  const parts = remainder.split('/');
  if (parts.length !== 2) return { problem: `invalid repository id ${goQuote(remainder)}` };
  const [project = '', repo = ''] = parts;
  const escapedContext = context.split('/').map(encodeURIComponent).join('/');
  // Upstream joins the path with Go's JoinPath, which cleans `//` and dot segments.
  const apiPath = posix.normalize(
    `${escapedContext}/rest/api/latest/projects/${encodeURIComponent(project)}/repos/${encodeURIComponent(repo)}/commits`,
  );
  return { commitsUrl: `${url.protocol}//${url.host}${apiPath}`, search: url.search };
}

/** The commits URL of a clone URL (see `parseBitbucketServerAddress`), or why it is not one. */
export function bitbucketServerCommitsUrl(address: string): string | { problem: string } {
  const parsed = parseBitbucketServerAddress(address);
  return 'problem' in parsed ? parsed : parsed.commitsUrl;
}

import type { Dispatcher } from 'undici';
import type { TlsOptions } from '../provider-spec.js';
import { basicAuthFromUserinfo } from './auth-headers.js';

const PROXY_VARIABLES = ['HTTP_PROXY', 'HTTPS_PROXY', 'http_proxy', 'https_proxy'];

/** What decides how a notifier connects: its proxy and TLS settings. */
export interface ConnectionSettings {
  proxy?: string | undefined;
  tls?: TlsOptions | undefined;
}

/**
 * The keep-alive connection pool of one notifier (or of several with equal settings). undici is
 * imported here, on the first send, because importing it costs ~100 ms that a notifier which
 * never posts should not pay. `connections` caps the sockets per origin (default: no cap).
 */
export async function createDispatcher(
  options: ConnectionSettings & { connections?: number | undefined },
): Promise<Dispatcher> {
  const { Agent, EnvHttpProxyAgent, ProxyAgent } = await import('undici');
  const tls = options.tls ? { ...options.tls } : undefined;
  const limit = options.connections === undefined ? {} : { connections: options.connections };
  if (options.proxy) {
    const proxy = new URL(options.proxy);
    const token = basicAuthFromUserinfo(proxy);
    proxy.username = '';
    proxy.password = '';
    return new ProxyAgent({
      uri: proxy.toString(),
      ...limit,
      ...(token ? { token } : {}),
      ...(tls ? { requestTls: tls } : {}),
    });
  }
  // Like Go's default transport: without an explicit proxy, HTTP(S)_PROXY and NO_PROXY apply.
  if (PROXY_VARIABLES.some((name) => process.env[name])) {
    return new EnvHttpProxyAgent({ ...limit, ...(tls ? { connect: tls, requestTls: tls } : {}) });
  }
  return new Agent({ ...limit, ...(tls ? { connect: tls } : {}) });
}

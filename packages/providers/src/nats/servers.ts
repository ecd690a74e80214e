const DEFAULT_PORT = 4222;

/** One server of `address`, normalised: scheme (`nats` or `tls`), host and port. */
export interface NatsServer {
  tls: boolean;
  /** `host:port`, as the client takes it (IPv6 in brackets). */
  hostPort: string;
  /** `nats://host:port` or `tls://host:port`, for display. */
  url: string;
}

/**
 * Parses the comma-separated server list: scheme optional (`nats://`), port optional (4222).
 * Returns an error text instead when an entry is not a server address, or carries credentials
 * (NATS credentials come from the spec's auth fields, never from the URL, which the JS clients ignore).
 */
export function parseNatsServers(address: string): NatsServer[] | string {
  const servers: NatsServer[] = [];
  for (const raw of address.split(',')) {
    const entry = raw.trim();
    if (entry === '') continue;
    const withScheme = /^[a-z][a-z0-9+.-]*:\/\//i.test(entry) ? entry : `nats://${entry}`;
    let url: URL;
    try {
      url = new URL(withScheme);
    } catch {
      return 'must be a NATS server URL (nats://host:port), or a comma-separated list of them';
    }
    const scheme = url.protocol.slice(0, -1).toLowerCase();
    if (scheme !== 'nats' && scheme !== 'tls') {
      return `unsupported scheme "${scheme}://": use nats:// or tls://`;
    }
    if (url.username !== '' || url.password !== '') {
      return 'must not carry credentials (user:pass@ or token@): set username and password, secret.nkey or secret.creds';
    }
    if (url.hostname === '' || (url.pathname !== '' && url.pathname !== '/') || url.search || url.hash) {
      return 'must be a NATS server URL (nats://host:port), or a comma-separated list of them';
    }
    const hostPort = `${url.hostname}:${url.port || DEFAULT_PORT}`;
    servers.push({ tls: scheme === 'tls', hostPort, url: `${scheme}://${hostPort}` });
  }
  if (servers.length === 0) return 'NATS server (address) cannot be empty';
  return servers;
}

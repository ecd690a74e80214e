import dns from 'node:dns';
import net from 'node:net';

/** Host names and literal addresses a test may connect to. */
export function isLoopbackHost(host: string | undefined): boolean {
  if (host === undefined || host === '') return false;
  const bare = host.startsWith('[') && host.endsWith(']') ? host.slice(1, -1) : host;
  if (bare === 'localhost' || bare === '::1' || bare === '0:0:0:0:0:0:0:1') return true;
  if (bare.startsWith('::ffff:')) return isLoopbackHost(bare.slice('::ffff:'.length));
  return net.isIPv4(bare) && bare.startsWith('127.');
}

class OffMachineConnectionError extends Error {
  readonly code = 'ERR_TEST_OFF_MACHINE';
  constructor(target: string) {
    super(`test guard: refused a connection or lookup off this machine (${target})`);
  }
}

type ConnectArgs = Parameters<net.Socket['connect']>;

function targetOf(args: unknown[]): { host?: string; path?: string } {
  const [first, second] = args;
  // connect(options), connect([options, cb]) as net/tls pass it internally, connect(port, host), connect(path)
  const options = Array.isArray(first) ? first[0] : first;
  if (options && typeof options === 'object') {
    const { host, path } = options as { host?: string; path?: string };
    return { host: host ?? (path ? undefined : 'localhost'), path };
  }
  if (typeof first === 'string' && Number.isNaN(Number(first))) return { path: first };
  return { host: typeof second === 'string' ? second : 'localhost' };
}

let installed = false;

/**
 * Patches the socket and DNS entry points every HTTP client in Node goes through (net, tls,
 * undici, fetch, SDKs), so a bug cannot send traffic off the machine: the attempt throws instead.
 */
export function installLoopbackGuard(): void {
  if (installed) return;
  installed = true;

  const connect = net.Socket.prototype.connect;
  net.Socket.prototype.connect = function guardedConnect(this: net.Socket, ...args: ConnectArgs) {
    const { host, path } = targetOf(args);
    if (path === undefined && !isLoopbackHost(host)) {
      throw new OffMachineConnectionError(String(host));
    }
    return connect.apply(this, args);
  } as typeof connect;

  const refuse = (hostname: string) => !isLoopbackHost(hostname);

  const lookup = dns.lookup;
  // biome-ignore lint/suspicious/noExplicitAny: dns.lookup has several overloads
  (dns as any).lookup = function guardedLookup(hostname: string, ...rest: any[]) {
    if (refuse(hostname)) throw new OffMachineConnectionError(hostname);
    // biome-ignore lint/suspicious/noExplicitAny: forwarding the original overloads
    return (lookup as any).call(dns, hostname, ...rest);
  };
  const promisesLookup = dns.promises.lookup;
  // biome-ignore lint/suspicious/noExplicitAny: dns.promises.lookup has several overloads
  (dns.promises as any).lookup = (hostname: string, ...rest: any[]) => {
    if (refuse(hostname)) return Promise.reject(new OffMachineConnectionError(hostname));
    // biome-ignore lint/suspicious/noExplicitAny: forwarding the original overloads
    return (promisesLookup as any).call(dns.promises, hostname, ...rest);
  };
  for (const method of [
    'resolve',
    'resolve4',
    'resolve6',
    'resolveAny',
    'resolveSrv',
    'resolveTxt',
  ] as const) {
    // biome-ignore lint/suspicious/noExplicitAny: replacing resolver entry points wholesale
    (dns as any)[method] = (hostname: string) => {
      throw new OffMachineConnectionError(hostname);
    };
    // biome-ignore lint/suspicious/noExplicitAny: replacing resolver entry points wholesale
    (dns.promises as any)[method] = (hostname: string) =>
      Promise.reject(new OffMachineConnectionError(hostname));
  }
}

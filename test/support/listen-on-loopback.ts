import { existsSync } from 'node:fs';
import { type AddressInfo, createServer, type Server } from 'node:net';
import { delimiter, join } from 'node:path';

/** Listens on 127.0.0.1 at a free port (tests never bind anything else) and resolves with the port. */
export async function listenOnLoopback(server: Server): Promise<number> {
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      server.off('error', reject);
      resolve();
    });
  });
  return (server.address() as AddressInfo).port;
}

/** A port free on 127.0.0.1 right now, for a server started in another process. */
export async function freeLoopbackPort(): Promise<number> {
  const probe = createServer();
  const port = await listenOnLoopback(probe);
  await new Promise((resolve) => probe.close(resolve));
  return port;
}

/**
 * The path of a program the tests start: `$envVariable` when set, else the first of `names` on
 * the PATH or at `fallbacks`. Throws `installHint` when none exists.
 */
export function findProgram(options: {
  envVariable: string;
  names: string[];
  fallbacks?: string[];
  installHint: string;
}): string {
  const onPath = (process.env.PATH ?? '').split(delimiter);
  const candidates = [
    process.env[options.envVariable],
    ...options.names.flatMap((name) => onPath.map((dir) => join(dir, name))),
    ...(options.fallbacks ?? []),
  ];
  const found = candidates.find((path) => path && existsSync(path));
  if (!found) throw new Error(options.installHint);
  return found;
}

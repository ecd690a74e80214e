import { importOptionalPeer } from '@notiflux/providers';

type Bullmq = typeof import('bullmq');
type Ioredis = { Redis: typeof import('ioredis').Redis };

/** Imports an optional peer; a missing one becomes a MISSING_DEPENDENCY error naming it. */
export function importPeer<Module>(packageName: string, load: () => Promise<Module>): Promise<Module> {
  return importOptionalPeer(packageName, load, {
    neededBy: '@notiflux/dispatch/bullmq',
    install: 'npm install bullmq ioredis',
  });
}

/** Imports once; a failed import is tried again on the next call (the package may be added). */
function once<Module>(packageName: string, load: () => Promise<Module>): () => Promise<Module> {
  let loading: Promise<Module> | undefined;
  return () => {
    if (!loading) {
      const attempt = importPeer(packageName, load);
      loading = attempt;
      attempt.catch(() => {
        loading = undefined;
      });
    }
    return loading;
  };
}

/** BullMQ, loaded on first use: the main entry of the package never pays for it. */
export const loadBullmq: () => Promise<Bullmq> = once('bullmq', () => import('bullmq'));

/** ioredis, loaded on first use. */
export const loadIoredis: () => Promise<Ioredis> = once('ioredis', async () => ({
  Redis: (await import('ioredis')).Redis,
}));

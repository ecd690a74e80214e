import { NotifierError } from '@notiflux/providers';

type Bullmq = typeof import('bullmq');
type Ioredis = { Redis: typeof import('ioredis').Redis };

const MODULE_NOT_FOUND = new Set(['ERR_MODULE_NOT_FOUND', 'MODULE_NOT_FOUND']);

async function importPeer<Module>(packageName: string, load: () => Promise<Module>): Promise<Module> {
  try {
    return await load();
  } catch (error) {
    const code = (error as { code?: unknown } | null)?.code;
    const message = error instanceof Error ? error.message : '';
    if (typeof code === 'string' && MODULE_NOT_FOUND.has(code) && message.includes(packageName)) {
      throw new NotifierError(
        'MISSING_DEPENDENCY',
        `@notiflux/dispatch/bullmq needs the optional package "${packageName}", which is not installed: run \`npm install bullmq ioredis\``,
      );
    }
    throw error;
  }
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

import { NotifierError } from './errors.js';
import type { ProviderType } from './provider-types.js';

const MODULE_NOT_FOUND = new Set(['ERR_MODULE_NOT_FOUND', 'MODULE_NOT_FOUND']);

/** Who needs an optional package, for the MISSING_DEPENDENCY message. */
export interface OptionalPeerNeed {
  providerType?: ProviderType;
  /** Named in the message when there is no provider type (`@notiflux/dispatch/bullmq`). */
  neededBy?: string;
  /** What to run instead of `npm install <package>` (packages that go together). */
  install?: string;
}

/**
 * Loads an SDK that is an optional peer dependency, on first use. When it is not installed the
 * caller learns which package to add, instead of a bare module-resolution error.
 */
export async function importOptionalPeer<Module>(
  packageName: string,
  load: () => Promise<Module>,
  need?: ProviderType | OptionalPeerNeed,
): Promise<Module> {
  try {
    return await load();
  } catch (error) {
    const code = (error as { code?: unknown } | null)?.code;
    const message = error instanceof Error ? error.message : '';
    if (typeof code === 'string' && MODULE_NOT_FOUND.has(code) && message.includes(packageName)) {
      const { providerType, neededBy, install } =
        typeof need === 'string' ? { providerType: need } : (need ?? {});
      const who = providerType
        ? `the ${providerType} provider needs `
        : neededBy
          ? `${neededBy} needs `
          : 'needs ';
      throw new NotifierError(
        'MISSING_DEPENDENCY',
        `${who}the optional package "${packageName}", which is not installed: run \`${install ?? `npm install ${packageName}`}\``,
        { providerType },
      );
    }
    throw error;
  }
}

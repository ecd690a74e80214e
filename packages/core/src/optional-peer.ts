import { NotifierError } from './errors.js';
import type { ProviderType } from './provider-types.js';

const MODULE_NOT_FOUND = new Set(['ERR_MODULE_NOT_FOUND', 'MODULE_NOT_FOUND']);

/**
 * Loads an SDK that is an optional peer dependency, on first use. When it is not installed the
 * caller learns which package to add, instead of a bare module-resolution error.
 */
export async function importOptionalPeer<Module>(
  packageName: string,
  load: () => Promise<Module>,
  providerType?: ProviderType,
): Promise<Module> {
  try {
    return await load();
  } catch (error) {
    const code = (error as { code?: unknown } | null)?.code;
    const message = error instanceof Error ? error.message : '';
    if (typeof code === 'string' && MODULE_NOT_FOUND.has(code) && message.includes(packageName)) {
      const forType = providerType ? `the ${providerType} provider needs ` : 'needs ';
      throw new NotifierError(
        'MISSING_DEPENDENCY',
        `${forType}the optional package "${packageName}", which is not installed: run \`npm install ${packageName}\``,
        { providerType },
      );
    }
    throw error;
  }
}

import type { FlagValues } from './command.js';
import { hasProviderFlags } from './provider-flags.js';
import { UsageError } from './usage-error.js';

/**
 * Runs `createNotifier`: a spec refused there came from the command line when it was given
 * inline (exit 2), from a manifest otherwise (exit 1, the manifest is invalid).
 */
export function inlineSpecFailure<T>(flags: FlagValues, create: () => T): T {
  try {
    return create();
  } catch (error) {
    const code = (error as { code?: unknown }).code;
    if (hasProviderFlags(flags) && (code === 'INVALID_SPEC' || code === 'UNSUPPORTED_TYPE')) {
      throw new UsageError(`${String(code)}: ${(error as Error).message}`);
    }
    throw error;
  }
}

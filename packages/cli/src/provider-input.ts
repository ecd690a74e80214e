import type { ProviderSpec } from '@notiflux/providers';
import type { FlagValues, OptionTable } from './command.js';
import {
  providerSpecFromFlags as fromManifests,
  manifestHelp,
  manifestOptions,
  manifestPaths,
} from './manifest-input.js';
import {
  hasProviderFlags,
  providerFlagHelp,
  providerFlagOptions,
  providerSpecFromFlags,
} from './provider-flags.js';
import { UsageError } from './usage-error.js';

/** Where `send` and `encode` take their provider from: Flux manifests or inline flags. */
export const providerOptions: OptionTable = {
  ...manifestOptions,
  provider: { type: 'string' },
  ...providerFlagOptions,
};

export const providerHelp = `Provider, from manifests:
${manifestHelp}
      --provider NAME        the Provider to use, NAME or NAMESPACE/NAME, when the files hold several

${providerFlagHelp}`;

/** The ProviderSpec the command line names: from `-f` manifests, or from the inline fields. */
export async function resolveProviderSpec(
  flags: FlagValues,
  env: Readonly<Record<string, string | undefined>>,
): Promise<ProviderSpec> {
  const fromFiles = manifestPaths(flags).length > 0;
  if (fromFiles && hasProviderFlags(flags)) {
    throw new UsageError('give the provider either as manifests (-f) or inline (--type …), not both');
  }
  if (fromFiles) return fromManifests(flags);
  if (flags.provider !== undefined)
    throw new UsageError('--provider picks a Provider of the -f manifests: give -f');
  return providerSpecFromFlags(flags, env);
}

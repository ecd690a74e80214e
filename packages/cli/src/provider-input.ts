import type { ProviderSpec } from '@notiflux/providers';
import type { FlagValues, OptionTable } from './command.js';
import {
  hasProviderFlags,
  providerFlagHelp,
  providerFlagOptions,
  providerSpecFromFlags,
} from './provider-flags.js';

/** Where `send` and `encode` take their provider from: Flux manifests or inline flags. */
export const providerOptions: OptionTable = {
  ...providerFlagOptions,
};

export const providerHelp = providerFlagHelp;

/** The ProviderSpec the command line names. */
export async function resolveProviderSpec(
  flags: FlagValues,
  env: Readonly<Record<string, string | undefined>>,
): Promise<ProviderSpec> {
  if (hasProviderFlags(flags)) return providerSpecFromFlags(flags, env);
  return providerSpecFromFlags(flags, env);
}

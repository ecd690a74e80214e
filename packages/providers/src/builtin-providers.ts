import type { AnyProviderDefinition } from '@notiflux/core';
import { genericProvider } from './providers/generic.js';
import { genericHmacProvider } from './providers/generic-hmac.js';

/** Every provider type this package implements, in Flux's order. */
export const builtinProviders: readonly AnyProviderDefinition[] = [genericProvider, genericHmacProvider];

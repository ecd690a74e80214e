import {
  type Event,
  type Notifier,
  type ProviderCategory,
  type ProviderType,
  shouldDeliverToCategory,
} from '@notiflux/core';
import { builtinProviders } from './builtin-providers.js';

// The categories are each built-in definition's `category`: core knows no type by name.
const categoryByType = new Map<string, ProviderCategory>();
for (const definition of builtinProviders) {
  for (const type of [definition.type, ...(definition.aliases ?? [])]) {
    categoryByType.set(type, definition.category ?? 'alerting');
  }
}

function typesOf(category: ProviderCategory): ReadonlySet<ProviderType> {
  return new Set(
    builtinProviders.filter((definition) => definition.category === category).map(({ type }) => type),
  );
}

/** The built-in types that set git commit statuses. */
export const commitStatusProviderTypes: ReadonlySet<ProviderType> = typesOf('commit-status');

/** The built-in types that comment on pull or merge requests. */
export const changeRequestProviderTypes: ReadonlySet<ProviderType> = typesOf('change-request');

/** A built-in type's category; any other type is `alerting` (a notifier of it knows its own: `category`). */
export function providerCategoryOf(type: ProviderType): ProviderCategory {
  return categoryByType.get(type) ?? 'alerting';
}

/**
 * Whether Flux's dispatcher would hand this event to a provider of this type (a built-in one),
 * or to this notifier (of any type, its definition's category). `post` itself never drops
 * events; callers wiring notifiers by hand apply this first.
 */
export function shouldDeliver(
  provider: ProviderType | Pick<Notifier, 'category'>,
  event: Pick<Event, 'metadata' | 'involvedObject' | 'severity'>,
): boolean {
  const category = typeof provider === 'string' ? providerCategoryOf(provider) : provider.category;
  return shouldDeliverToCategory(category, event);
}

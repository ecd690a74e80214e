/**
 * A provider type: one of `@notiflux/providers`' built-in types, or one registered with
 * `defineProvider`. Core knows no type by name: what a type does is in its definition.
 */
export type ProviderType = string;

/**
 * How Flux's dispatcher routes events to a provider (docs/design/events-and-metadata.md#delivery-rules),
 * declared by each definition (`category`, default `alerting`).
 */
export type ProviderCategory = 'generic' | 'commit-status' | 'change-request' | 'alerting';

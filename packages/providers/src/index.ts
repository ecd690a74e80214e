import {
  type AnyProviderDefinition,
  type CreateOptions,
  createNotifierFactory,
  type Notifier,
  type ProviderSpec,
  type ProviderSpecOf,
  type ProviderSpecWithFields,
} from '@notiflux/core';
import { type BuiltinProviderSpec, builtinProviders } from './builtin-providers.js';

export {
  type BuiltinProviderSpec,
  type BuiltinSpecType,
  builtinProviders,
  type ProviderSpecFor,
} from './builtin-providers.js';
export { type BuiltinProviderType, fluxProviderTypes, type ProviderType } from './flux-provider-types.js';
export {
  type ProviderCatalogEntry,
  type ProviderCatalogPeer,
  type ProviderKind,
  providerCatalog,
} from './provider-catalog.js';
export {
  changeRequestProviderTypes,
  commitStatusProviderTypes,
  providerCategoryOf,
  shouldDeliver,
} from './provider-categories.js';

/** The types `createNotifier` accepts out of the box. */
export const providerTypes: readonly string[] = builtinProviders.map((definition) => definition.type);

const createFromAnySpec = createNotifierFactory(builtinProviders);

/**
 * Validates `spec` at once (throws `INVALID_SPEC` / `UNSUPPORTED_TYPE`) and returns a notifier;
 * nothing is sent and no SDK is loaded until the first `post`. The spec is typed by its `type`
 * (`ProviderSpecFor<'slack'>`): a misspelled type, a field the type does not take or a missing
 * required one does not compile. With `options.providers`, their types' specs are accepted too.
 */
export function createNotifier<const Definition extends AnyProviderDefinition>(
  spec: BuiltinProviderSpec | ProviderSpecOf<Definition>,
  options: CreateOptions & { providers: readonly Definition[] },
): Notifier;
export function createNotifier(spec: BuiltinProviderSpec, options?: CreateOptions): Notifier;
export function createNotifier(
  spec: ProviderSpec | ProviderSpecWithFields,
  options?: CreateOptions,
): Notifier {
  return createFromAnySpec(spec, options);
}

/**
 * `createNotifier` for a spec built at run time (from manifests, flags, a config file), whose
 * type is not known to the compiler: the same checks, at run time only.
 */
export function createNotifierFromAnySpec(
  spec: ProviderSpec | ProviderSpecWithFields,
  options?: CreateOptions,
): Notifier {
  return createFromAnySpec(spec, options);
}

export type {
  AttemptInfo,
  ConnectionSettings,
  CreateOptions,
  EncodedMessage,
  Event,
  MetadataConflict,
  Notifier,
  NotifierErrorCode,
  ObjectReference,
  ProviderCategory,
  ProviderDefinition,
  ProviderSpec,
  ProviderSpecOf,
  Severity,
  TlsOptions,
} from '@notiflux/core';
export {
  createHttpDispatcher,
  defineProvider,
  EVENT_METADATA_PREFIX,
  editDistance,
  encodeFluxEventJson,
  getRevision,
  groupOf,
  hasChangeRequestKey,
  hasCommitKey,
  importOptionalPeer,
  isCommitStatusUpdate,
  NotifierError,
  normalizeEventMetadata,
  parseEvent,
  shouldDeliverToCategory,
  sortInPlace,
} from '@notiflux/core';
export { defaultCommitStatusId } from './git/commit-status-id.js';

import { createNotifierFactory } from '@notiflux/core';
import { builtinProviders } from './builtin-providers.js';

export { builtinProviders } from './builtin-providers.js';
export { type BuiltinProviderType, fluxProviderTypes, type ProviderType } from './flux-provider-types.js';
export {
  type ProviderCatalogEntry,
  type ProviderKind,
  type ProviderSdk,
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

/**
 * Validates `spec` at once (throws `INVALID_SPEC` / `UNSUPPORTED_TYPE`) and returns a notifier;
 * nothing is sent and no SDK is loaded until the first `post`.
 */
export const createNotifier = createNotifierFactory(builtinProviders);

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
  Severity,
  TlsOptions,
} from '@notiflux/core';
export {
  createHttpDispatcher,
  defineProvider,
  EVENT_METADATA_PREFIX,
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
} from '@notiflux/core';
export { defaultCommitStatusId } from './git/commit-status-id.js';

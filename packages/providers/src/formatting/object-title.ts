import type { ObjectReference } from '@notiflux/core';

/**
 * How most Flux chat notifiers name the object: `<lower-cased kind>/<name>.<namespace>`
 * (`kustomization/webapp.apps`). Only the kind is lower-cased; an empty namespace leaves the dot.
 */
export function objectTitle(ref: Pick<ObjectReference, 'kind' | 'name' | 'namespace'>): string {
  return `${ref.kind.toLowerCase()}/${ref.name}.${ref.namespace ?? ''}`;
}

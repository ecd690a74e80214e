/**
 * The commit status id (docs/design/git-providers.md#commit-status-id) and the Bitbucket build key
 * derived from it.
 */
import { createHash } from 'node:crypto';
import type { Event, ProviderType, ResolvedSpec } from '@notiflux/core';
import { gitSpecError } from './git-errors.js';

/**
 * `lower(kind/name/<first segment of the provider UID>)`; without a UID `lower(kind/name)` (unlike upstream,
 * which always has a Kubernetes UID), so a sender with no Kubernetes object still gets a stable id.
 */
export function defaultCommitStatusId(event: Pick<Event, 'involvedObject'>, providerUid?: string): string {
  const { kind, name } = event.involvedObject;
  const uidSegment = providerUid ? `/${providerUid.split('-')[0]}` : '';
  return `${kind}/${name}${uidSegment}`.toLowerCase();
}

/**
 * The id for this event: the `commitStatus` string verbatim, the result of the `commitStatus`
 * function, or the default. A function that throws or returns a non-string rejects with
 * `INVALID_SPEC` (`failed to evaluate commitStatus for the event: <cause>`); an empty id with
 * `commit status cannot be empty`.
 */
export function resolveCommitStatusId(
  event: Event,
  spec: Pick<ResolvedSpec, 'commitStatus' | 'provider'>,
  type: ProviderType,
): string {
  const { commitStatus } = spec;
  let id: string;
  if (typeof commitStatus === 'function') {
    let result: unknown;
    try {
      result = commitStatus(event);
    } catch (error) {
      const detail = error instanceof Error ? error.message : String(error);
      throw gitSpecError(type, `failed to evaluate commitStatus for the event: ${detail}`, error);
    }
    if (typeof result !== 'string') {
      throw gitSpecError(
        type,
        `failed to evaluate commitStatus for the event: expected a string, got ${result === null ? 'null' : typeof result}`,
      );
    }
    id = result;
  } else {
    id = commitStatus ?? defaultCommitStatusId(event, spec.provider.uid);
  }
  if (id === '') throw gitSpecError(type, 'commit status cannot be empty');
  return id;
}

/**
 * The createNotifier check the six commit-status types make, each at its upstream place in the
 * order: an empty `commitStatus` string (the other types ignore the field).
 */
export function emptyCommitStatusProblem(spec: { commitStatus?: unknown }): string | undefined {
  return spec.commitStatus === '' ? 'commitStatus: commit status cannot be empty' : undefined;
}

/** Bitbucket Cloud/Server build key: the lower-case hex SHA-1 of the id (keys are limited to 40 characters). */
export function commitStatusKey(id: string): string {
  return createHash('sha1').update(id, 'utf8').digest('hex');
}

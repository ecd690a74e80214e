import { NotifierError } from '@notiflux/core';
import { expect } from 'vitest';

/** The NotifierError `promise` rejects with; fails the test when it resolves or rejects otherwise. */
export async function rejection(promise: Promise<unknown>): Promise<NotifierError> {
  const error = await promise.then(
    () => undefined,
    (caught: unknown) => caught,
  );
  expect(error).toBeInstanceOf(NotifierError);
  return error as NotifierError;
}

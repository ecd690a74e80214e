import { type createNotifier, createNotifierFromAnySpec, type Notifier } from '@notiflux/providers';
import { afterEach } from 'vitest';
import { type RecordingServer, startRecordingServer } from './recording-server.js';

/**
 * What provider tests share: a recording receiver and notifiers that are closed after each
 * test. Call once at the top of a test file.
 */
export function useProviderHarness() {
  const cleanups: (() => Promise<unknown>)[] = [];
  afterEach(async () => {
    for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
  });

  return {
    async receiver(...args: Parameters<typeof startRecordingServer>): Promise<RecordingServer> {
      const server = await startRecordingServer(...args);
      cleanups.push(() => server.close());
      return server;
    },
    // Typed as createNotifier itself, overloads included (a user's own types with `providers`).
    notifier: ((...args: Parameters<typeof createNotifierFromAnySpec>): Notifier => {
      const created = createNotifierFromAnySpec(...args);
      cleanups.push(() => created.close());
      return created;
    }) as typeof createNotifier,
  };
}

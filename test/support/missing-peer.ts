// An optional peer that is not installed, as the tests of the SDK-backed providers simulate it.
import { type Mock, vi } from 'vitest';

/** What Node's import() rejects with when a package is not installed. */
export function notInstalled(name: string): Error {
  return Object.assign(new Error(`Cannot find package '${name}' imported from the test`), {
    code: 'ERR_MODULE_NOT_FOUND',
  });
}

/**
 * Runs `body` with the package `name` mocked as not installed, for what `body` imports afresh
 * (`await import('@notiflux/providers/<type>')`); `imports` counts the attempts to import it.
 */
export async function withPeerMissing(name: string, body: (imports: Mock) => Promise<void>): Promise<void> {
  const imports = vi.fn();
  vi.resetModules();
  vi.doMock(name, () => {
    imports();
    throw notInstalled(name);
  });
  try {
    await body(imports);
  } finally {
    vi.doUnmock(name);
    vi.resetModules();
  }
}

/** A copy of a provider definition whose SDK is not installed: its loader fails as import() does. */
export function withoutPeer<Definition extends { sdk?: { package: string } }>(
  definition: Definition,
): Definition {
  const { sdk } = definition;
  if (!sdk) throw new Error('expected a definition with an sdk');
  return { ...definition, sdk: { ...sdk, load: () => Promise.reject(notInstalled(sdk.package)) } };
}

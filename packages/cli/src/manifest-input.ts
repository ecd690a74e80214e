import { stat } from 'node:fs/promises';
import {
  loadManifestFiles,
  ManifestError,
  type Manifests,
  type Provider,
  providerSpecFromManifests,
} from '@notiflux/dispatch';
import type { ProviderSpec } from '@notiflux/providers';
import type { FlagValues, OptionTable } from './command.js';
import { listFlag, stringFlag } from './flag-values.js';
import { UsageError } from './usage-error.js';

/** Flux manifests named on the command line. */
export const manifestOptions: OptionTable = {
  file: { type: 'string', short: 'f', multiple: true },
  namespace: { type: 'string', short: 'n' },
};

export const manifestHelp = `  -f, --file FILE|DIR    Flux Provider, Alert and Secret manifests (repeatable); a directory
                         reads its *.yaml, *.yml and *.json files
  -n, --namespace NS     namespace of objects that name none (default: default)`;

export function manifestPaths(flags: FlagValues): string[] {
  return listFlag(flags, 'file');
}

/**
 * The manifests of every `-f`. A path that does not exist is a command-line error (exit 2); a
 * manifest that is invalid is a ManifestError (exit 1) listing every problem with file and line.
 */
export async function loadManifestFlags(flags: FlagValues): Promise<Manifests> {
  const paths = manifestPaths(flags);
  if (paths.length === 0) throw new UsageError('no manifests: give -f FILE or -f DIR');
  for (const path of paths) {
    try {
      await stat(path);
    } catch (error) {
      throw new UsageError(
        `cannot read ${path}: ${(error as NodeJS.ErrnoException).code ?? 'unknown error'}`,
      );
    }
  }
  const namespace = stringFlag(flags, 'namespace');
  return loadManifestFiles(paths, namespace === undefined ? {} : { namespace });
}

function refOf(provider: Provider): string {
  return `${provider.metadata.namespace}/${provider.metadata.name}`;
}

/** The Provider `--provider NAME|NAMESPACE/NAME` names; the only one when the files hold one. */
export function selectProvider(manifests: Manifests, wanted: string | undefined): Provider {
  const all = manifests.providers;
  if (wanted === undefined) {
    if (all.length === 1) return all[0] as Provider;
    throw new UsageError(
      all.length === 0
        ? 'the manifests hold no Provider'
        : `the manifests hold ${all.length} Providers: name one with --provider (${all.map(refOf).join(', ')})`,
    );
  }
  const found = all.filter((provider) =>
    wanted.includes('/') ? refOf(provider) === wanted : provider.metadata.name === wanted,
  );
  if (found.length === 1) return found[0] as Provider;
  if (found.length === 0) {
    throw new UsageError(
      `no Provider ${wanted} in the manifests (they hold ${all.map(refOf).join(', ') || 'none'})`,
    );
  }
  throw new UsageError(
    `--provider ${wanted} is in several namespaces: write NAMESPACE/NAME (${found.map(refOf).join(', ')})`,
  );
}

/** The ProviderSpec of one Provider of the manifests, with its Secrets resolved. */
export async function providerSpecFromFlags(flags: FlagValues): Promise<ProviderSpec> {
  const manifests = await loadManifestFlags(flags);
  const provider = selectProvider(manifests, stringFlag(flags, 'provider'));
  const { spec, issues } = providerSpecFromManifests(provider, manifests.secrets);
  if (issues.length > 0) throw new ManifestError(issues);
  return spec;
}

import { readdir, readFile, stat } from 'node:fs/promises';
import { extname, join } from 'node:path';
import { type LoadOptions, readManifests } from './load-manifests.js';
import { ManifestError, type ManifestIssue } from './manifest-error.js';
import type { Manifests } from './types.js';
import { validateManifestObjects } from './validate-objects.js';

const MANIFEST_EXTENSIONS = new Set(['.yaml', '.yml', '.json']);

/**
 * `loadManifests` over files: a directory stands for its `*.yaml`, `*.yml` and `*.json` files
 * (not its subdirectories), sorted by name. Problems of every file, and objects defined twice
 * across files, are thrown together as one `ManifestError`, each naming its file and line.
 * A path that cannot be read is an issue too.
 */
export async function loadManifestFiles(
  paths: readonly string[],
  options: Omit<LoadOptions, 'file'> = {},
): Promise<Manifests> {
  const manifests: Manifests = { providers: [], alerts: [], secrets: [] };
  const issues: ManifestIssue[] = [];
  for (const file of await expand(paths, issues)) {
    let text: string;
    try {
      text = await readFile(file, 'utf8');
    } catch (error) {
      issues.push({
        file,
        message: `cannot be read: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}`,
      });
      continue;
    }
    const read = readManifests(text, { ...options, file });
    issues.push(...read.issues);
    manifests.providers.push(...read.manifests.providers);
    manifests.alerts.push(...read.manifests.alerts);
    manifests.secrets.push(...read.manifests.secrets);
  }
  // Each file was checked on its own; only objects defined in two files are left to find.
  if (issues.length === 0) issues.push(...validateManifestObjects(manifests));
  if (issues.length > 0) throw new ManifestError(issues);
  return manifests;
}

async function expand(paths: readonly string[], issues: ManifestIssue[]): Promise<string[]> {
  const files: string[] = [];
  for (const path of paths) {
    let isDirectory: boolean;
    try {
      isDirectory = (await stat(path)).isDirectory();
    } catch (error) {
      issues.push({
        file: path,
        message: `cannot be read: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}`,
      });
      continue;
    }
    if (!isDirectory) {
      files.push(path);
      continue;
    }
    const entries = await readdir(path, { withFileTypes: true });
    const names = entries
      .filter((entry) => entry.isFile() && MANIFEST_EXTENSIONS.has(extname(entry.name).toLowerCase()))
      .map((entry) => entry.name)
      .sort();
    files.push(...names.map((name) => join(path, name)));
  }
  return files;
}

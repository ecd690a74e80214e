import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

const root = join(import.meta.dirname, '..', '..');
const packages = ['core', 'hmac', 'providers', 'dispatch', 'cli'];

describe.each(packages)('the %s package as published', (name) => {
  const directory = join(root, 'packages', name);
  const manifest = JSON.parse(readFileSync(join(directory, 'package.json'), 'utf8'));

  it('carries the metadata a registry page shows', () => {
    expect(manifest.description.length).toBeGreaterThan(30);
    expect(manifest.license).toBe('Apache-2.0');
    expect(manifest.repository).toMatchObject({ type: 'git', directory: `packages/${name}` });
    expect(manifest.homepage).toMatch(/^https:\/\//);
    expect(manifest.keywords.length).toBeGreaterThan(3);
    expect(manifest.engines.node).toBe('>=20');
  });

  it('packs its own README and the license', () => {
    const listing = JSON.parse(
      execFileSync('npm', ['pack', '--dry-run', '--json', '--ignore-scripts'], {
        cwd: directory,
        encoding: 'utf8',
      }),
    ) as { files: { path: string }[] }[];
    const files = listing[0]?.files.map((file) => file.path) ?? [];
    expect(files).toContain('README.md');
    expect(files).toContain('package.json');
    expect(files).toContain('LICENSE');
    expect(readFileSync(join(directory, 'README.md'), 'utf8')).toMatch(
      new RegExp(`^# ${manifest.name.replace('/', '\\/')}`),
    );
  });
});

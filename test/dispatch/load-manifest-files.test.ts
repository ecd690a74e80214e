import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadManifestFiles, ManifestError, sourceOf } from '@notiflux/dispatch';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';

const yaml = (...lines: string[]) => `${lines.join('\n')}\n`;
const secret = (name: string) =>
  yaml('apiVersion: v1', 'kind: Secret', `metadata: { name: ${name} }`, 'stringData: { token: t }');

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'notiflux-manifests-'));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

async function rejection(promise: Promise<unknown>): Promise<ManifestError> {
  try {
    await promise;
  } catch (error) {
    expect(error).toBeInstanceOf(ManifestError);
    return error as ManifestError;
  }
  throw new Error('expected a ManifestError');
}

describe('loadManifestFiles', () => {
  it('reads a directory’s yaml, yml and json files in name order, and files given by path', async () => {
    await writeFile(join(dir, 'b.yaml'), secret('b'));
    await writeFile(join(dir, 'a.yml'), secret('a'));
    await writeFile(
      join(dir, 'c.json'),
      JSON.stringify({
        apiVersion: 'v1',
        kind: 'List',
        items: [{ apiVersion: 'v1', kind: 'Secret', metadata: { name: 'c' } }],
      }),
    );
    await writeFile(join(dir, 'README.md'), 'not: [yaml');
    await mkdir(join(dir, 'nested'));
    await writeFile(join(dir, 'nested', 'd.yaml'), secret('d'));
    const extra = join(dir, 'nested', 'e.txt');
    await writeFile(extra, secret('e'));

    const manifests = await loadManifestFiles([dir, extra], { namespace: 'flux-system' });
    expect(manifests.secrets.map((s) => s.metadata.name)).toEqual(['a', 'b', 'c', 'e']);
    expect(manifests.secrets.every((s) => s.metadata.namespace === 'flux-system')).toBe(true);
    expect(sourceOf(manifests.secrets[1] as object)?.file).toBe(join(dir, 'b.yaml'));
  });

  it('collects the problems of every file into one error, each with its file and line', async () => {
    await writeFile(
      join(dir, 'one.yaml'),
      yaml('apiVersion: v1', 'kind: Secret', 'metadata: { name: s }', 'data: { token: "!!" }'),
    );
    await writeFile(join(dir, 'two.yaml'), yaml('apiVersion: v1', 'kind: Secret', 'metadata:', '  nam: t'));
    const error = await rejection(loadManifestFiles([dir]));
    expect(error.issues.map((issue) => [issue.file, issue.line, issue.path])).toEqual([
      [join(dir, 'one.yaml'), 4, 'data.token'],
      [join(dir, 'two.yaml'), 3, 'metadata.name'],
      [join(dir, 'two.yaml'), 4, 'metadata.nam'],
    ]);
    expect(error.message).toContain(
      `${join(dir, 'two.yaml')}:4, document 0, Secret/default/?: metadata.nam: unknown field (did you mean "name"?)`,
    );
  });

  it('finds an object defined in two files', async () => {
    await writeFile(join(dir, 'a.yaml'), secret('same'));
    await writeFile(join(dir, 'b.yaml'), `# comment\n${secret('same')}`);
    const error = await rejection(loadManifestFiles([dir]));
    expect(error.issues).toEqual([
      {
        file: join(dir, 'b.yaml'),
        line: 4,
        document: 0,
        object: 'Secret/default/same',
        path: 'metadata.name',
        message: `Secret/default/same is defined twice (first at ${join(dir, 'a.yaml')}:3)`,
      },
    ]);
  });

  it('reports a path that does not exist', async () => {
    const missing = join(dir, 'missing.yaml');
    const error = await rejection(loadManifestFiles([missing]));
    expect(error.issues).toEqual([{ file: missing, message: 'cannot be read: ENOENT' }]);
  });
});

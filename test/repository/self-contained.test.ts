// The repository explains itself: no source, test, bench or script file and no doc page cites a
// document that lives outside it (the project's spec notes, a `git-common §7`, a `DECISIONS.md`).
// A design choice is written down under docs/design/ and a comment points there, or says the
// rule in a sentence. Upstream file names (`internal/notifier/slack.go`) are fine.
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { describe, expect, it } from 'vitest';

const root = join(import.meta.dirname, '..', '..');
const self = relative(root, import.meta.filename);

const codeExtensions = ['.ts', '.mts', '.cts', '.js', '.mjs', '.cjs'];
const skippedDirectories = new Set(['node_modules', 'dist', '.vitest', '.snippets']);

function filesUnder(directory: string, keep: (path: string) => boolean): string[] {
  if (!existsSync(join(root, directory))) return [];
  return readdirSync(join(root, directory), { withFileTypes: true }).flatMap((entry) => {
    const path = join(directory, entry.name);
    if (entry.isDirectory()) return skippedDirectories.has(entry.name) ? [] : filesUnder(path, keep);
    return keep(path) ? [path] : [];
  });
}

const isCode = (path: string) => codeExtensions.some((extension) => path.endsWith(extension));
const packageNames = readdirSync(join(root, 'packages')).filter((name) =>
  statSync(join(root, 'packages', name)).isDirectory(),
);

/** Every package's sources, the tests, the bench and the scripts. */
const codeFiles = [
  ...packageNames.flatMap((name) => filesUnder(join('packages', name, 'src'), isCode)),
  ...['test', 'bench', 'scripts'].flatMap((directory) => filesUnder(directory, isCode)),
]
  .filter((path) => path !== self)
  .sort();

/** The README, every page under docs/ and the package READMEs. */
const docPages = [
  'README.md',
  ...filesUnder('docs', (path) => path.endsWith('.md')),
  ...packageNames
    .map((name) => join('packages', name, 'README.md'))
    .filter((path) => existsSync(join(root, path))),
].sort();

/** The provider types, whose per-type spec notes (`slack.md`) live outside the repository too. */
const providerTypes = [
  ...readdirSync(join(root, 'packages/providers/src/providers'))
    .filter((file) => file.endsWith('.ts'))
    .map((file) => file.slice(0, -'.ts'.length)),
  'incidentio',
];
const escapeRegExp = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/** Citations of the outside notes, wherever they appear. */
const outsideCitations: RegExp[] = [
  // The shared notes by name; `docs/providers/generic-hmac.md` is not `hmac.md`.
  /(?<![\w/.-])(?:DECISIONS|alerts|event|provider-spec|git-common|hmac|DISPATCH|CLI|API)\.md\b/,
  /\bgit-common\b/,
  // The decisions list by name alone (`see DECISIONS`).
  /\bDECISIONS\b/,
  /\bshared\/spec\b|(?<![\w.-])spec\/(?:providers\/)?[\w.-]+\.md\b/,
  // A section sign points into some outside document; RFCs are the exception.
  /(?<!RFC \d+ )§/,
];

/** In code only: a per-provider note (`gitlab.md`) that is not the repository's docs/providers page. */
const providerNoteCitation = new RegExp(
  `(?<![\\w/.-])(?:${providerTypes.map(escapeRegExp).join('|')})\\.md\\b`,
);

function citations(path: string, patterns: RegExp[]): string[] {
  return readFileSync(join(root, path), 'utf8')
    .split('\n')
    .flatMap((line, index) =>
      patterns.some((pattern) => pattern.test(line)) ? [`${path}:${index + 1}: ${line.trim()}`] : [],
    );
}

/** GitHub's anchors for a page's headings: lower-cased, punctuation dropped, spaces as hyphens. */
function headingSlugs(markdown: string): string[] {
  return markdown
    .split('\n')
    .filter((line) => /^#{1,6} /.test(line))
    .map((line) =>
      line
        .replace(/^#+ /, '')
        .trim()
        .toLowerCase()
        .replace(/[^\p{L}\p{N} _-]/gu, '')
        .replace(/ /g, '-'),
    );
}

describe('the repository is self-contained', () => {
  it('finds the files it checks', () => {
    expect(codeFiles).toContain(join('packages', 'core', 'src', 'index.ts'));
    expect(codeFiles).toContain(join('test', 'support', 'sample-specs.mjs'));
    expect(codeFiles).toContain(join('scripts', 'sync-provider-exports.mjs'));
    expect(codeFiles.some((path) => path.startsWith('bench'))).toBe(true);
    expect(docPages).toContain(join('docs', 'design', 'README.md'));
  });

  it('has no source, test, bench or script file citing a document outside the repository', () => {
    const found = codeFiles.flatMap((path) => citations(path, [...outsideCitations, providerNoteCitation]));
    expect(found, 'say the rule in the comment or point into docs/design/').toEqual([]);
  });

  it('has no doc page citing a document outside the repository', () => {
    const found = docPages.flatMap((path) => citations(path, outsideCitations));
    expect(found, 'write the rule down under docs/design/ and link there').toEqual([]);
  });

  it('points only at docs/design pages and headings that exist', () => {
    const broken = codeFiles.flatMap((path) =>
      [
        ...readFileSync(join(root, path), 'utf8').matchAll(/docs\/design\/([\w.-]+\.md)(?:#([\w-]+))?/g),
      ].flatMap(([reference, page, anchor]) => {
        const file = join(root, 'docs', 'design', page ?? '');
        if (!existsSync(file)) return [`${path}: ${reference}`];
        return anchor && !headingSlugs(readFileSync(file, 'utf8')).includes(anchor)
          ? [`${path}: ${reference}`]
          : [];
      }),
    );
    expect(broken).toEqual([]);
  });

  it('recognises the citations it forbids, and not the repository-relative paths', () => {
    const cites = (line: string) =>
      [...outsideCitations, providerNoteCitation].some((pattern) => pattern.test(line));
    for (const line of [
      '// Required here (DECISIONS.md).',
      '/** Commit status id (git-common.md §7). */',
      "describe('parseGitAddress (git-common §4)', () => {",
      ' * (event.md §3.2): foreign keys dropped',
      '/** Test vectors of spec/hmac.md. */',
      ' * `internal/notifier/gitlab.go`). Spec: gitlab.md, shared rules elsewhere.',
      "/** The spec's §4 body for the sample event. */",
      'see /work/shared/spec for details',
    ]) {
      expect(cites(line), line).toBe(true);
    }
    for (const line of [
      '// See docs/design/git-providers.md#commit-status-id.',
      '[docs/providers/generic-hmac.md](docs/providers/generic-hmac.md)',
      '// Headers that describe one hop only (RFC 9110 §7.6.1).',
      ' * upstream `internal/notifier/github.go`.',
      "expect(files).toContain('README.md');",
    ]) {
      expect(cites(line), line).toBe(false);
    }
  });
});

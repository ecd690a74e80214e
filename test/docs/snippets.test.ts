// Every TypeScript block of the README, the docs and the package READMEs compiles as written,
// imports included: a snippet a reader copies must work.
import { mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import ts from 'typescript';
import { beforeAll, describe, expect, it } from 'vitest';

const root = join(import.meta.dirname, '..', '..');
const outDir = join(root, '.snippets');

interface Snippet {
  markdown: string;
  line: number;
  file: string;
}

function markdownFiles(): string[] {
  const docs = (dir: string): string[] =>
    readdirSync(join(root, dir), { withFileTypes: true }).flatMap((entry) =>
      entry.isDirectory()
        ? docs(join(dir, entry.name))
        : entry.name.endsWith('.md')
          ? [join(dir, entry.name)]
          : [],
    );
  const packageReadmes = readdirSync(join(root, 'packages')).map((name) =>
    join('packages', name, 'README.md'),
  );
  return ['README.md', ...docs('docs'), ...packageReadmes.filter((path) => exists(path))].sort();
}

function exists(path: string): boolean {
  try {
    readFileSync(join(root, path));
    return true;
  } catch {
    return false;
  }
}

function extractSnippets(markdown: string): Snippet[] {
  const lines = readFileSync(join(root, markdown), 'utf8').split('\n');
  const snippets: Snippet[] = [];
  for (let index = 0; index < lines.length; index++) {
    if (!/^```(ts|typescript)\s*$/.test(lines[index] ?? '')) continue;
    const start = index + 1;
    let end = start;
    while (end < lines.length && !/^```\s*$/.test(lines[end] ?? '')) end++;
    const body = lines.slice(start, end).join('\n');
    const file = join(outDir, `${markdown.replaceAll(/[/\\.]/g, '_')}_${start + 1}.ts`);
    // A snippet without import or export is still a module, so top-level await compiles.
    writeFileSync(file, /^\s*(import|export)\s/m.test(body) ? `${body}\n` : `${body}\nexport {};\n`);
    snippets.push({ markdown, line: start + 1, file });
    index = end;
  }
  return snippets;
}

const files = markdownFiles();
const problems = new Map<string, string[]>();

beforeAll(() => {
  rmSync(outDir, { recursive: true, force: true });
  mkdirSync(outDir, { recursive: true });
  const snippets = files.flatMap(extractSnippets);
  const config = ts.getParsedCommandLineOfConfigFile(
    join(root, 'tsconfig.json'),
    {},
    {
      ...ts.sys,
      onUnRecoverableConfigFileDiagnostic: () => {},
    },
  );
  if (!config) throw new Error('tsconfig.json did not parse');
  const program = ts.createProgram(
    snippets.map((snippet) => snippet.file),
    { ...config.options, noEmit: true, declaration: false, noUnusedLocals: false, noUnusedParameters: false },
  );
  const bySnippetFile = new Map(snippets.map((snippet) => [snippet.file, snippet]));
  for (const diagnostic of ts.getPreEmitDiagnostics(program)) {
    const snippet = diagnostic.file ? bySnippetFile.get(diagnostic.file.fileName) : undefined;
    const key = snippet?.markdown ?? '(outside the snippets)';
    const line =
      snippet && diagnostic.file && diagnostic.start !== undefined
        ? snippet.line + diagnostic.file.getLineAndCharacterOfPosition(diagnostic.start).line
        : undefined;
    const text = ts.flattenDiagnosticMessageText(diagnostic.messageText, '\n');
    const where = diagnostic.file ? relative(root, diagnostic.file.fileName) : '';
    problems.set(key, [
      ...(problems.get(key) ?? []),
      snippet ? `${key}:${line}: ${text}` : `${where}: ${text}`,
    ]);
  }
}, 120_000);

describe('TypeScript snippets in the docs', () => {
  it.each(files)('%s compiles as written', (markdown) => {
    expect(problems.get(markdown) ?? []).toEqual([]);
  });

  it('type errors all belong to a snippet', () => {
    expect(problems.get('(outside the snippets)') ?? []).toEqual([]);
  });
});

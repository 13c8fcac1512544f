import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';

// ARCHITECTURE.md promises to be true to the code: every path it names exists, and its layout
// names every source folder. Kept honest here, as openapi.test.ts keeps docs/openapi.yaml honest.

const ROOT = path.resolve(__dirname, '../..');
const doc = readFileSync(path.join(ROOT, 'ARCHITECTURE.md'), 'utf8');
const NOT_SOURCE = new Set(['node_modules', 'dist', '.git']);

/** Every file and folder of the repository (folders end with `/`), relative to its root. */
function repositoryPaths(dir = ''): string[] {
  return readdirSync(path.join(ROOT, dir), { withFileTypes: true }).flatMap((entry) => {
    if (NOT_SOURCE.has(entry.name)) return [];
    const at = dir ? `${dir}/${entry.name}` : entry.name;
    return entry.isDirectory() ? [`${at}/`, ...repositoryPaths(at)] : [at];
  });
}
const paths = repositoryPaths();

/** A name as the document writes it (`*` any characters, `NNN` three digits) as a pattern for the end of a path. */
const namePattern = (name: string): RegExp =>
  new RegExp(`(^|/)${name.replace(/[.+?^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '[^/]*').replace(/NNN/g, '\\d{3}')}/?$`);

/** Whether some path under `folder` ('' for anywhere) ends with `name`. */
const existsUnder = (folder: string, name: string): boolean => {
  const pattern = namePattern(name.replace(/\/$/, ''));
  return paths.some((p) => p.startsWith(folder) && pattern.test(p.slice(folder.length)));
};

const FILE = /\.(ts|js|mjs|lua|sql|sh|md|ya?ml|json|conf)$/;

/** Paths the document names that a run writes (ignored by git), not files of the repository. */
const WRITTEN_AT_RUN_TIME = new Set(['.cluster/logs/supervisor.log']);

/** What the prose names in backticks that reads as a file or folder of this repository. */
function pathsInBackticks(text: string): string[] {
  return [...text.matchAll(/`([^`\s]+)`/g)]
    .map((match) => match[1]!)
    .filter((token) => /^[\w.*-]+(\/[\w.*-]*)*$/.test(token) && (token.includes('/') || FILE.test(token)))
    .filter((token) => !WRITTEN_AT_RUN_TIME.has(token));
}

/** Source file names anywhere in the text, backticks or not (diagrams name files too). */
const sourceFileNames = (text: string): string[] => [...text.matchAll(/(?<![\w.*/-])[\w-]+(?:[./][\w-]+)*\.(?:ts|lua|sql)\b/g)].map((m) => m[0]);

interface LayoutLine {
  /** The folder the line describes (`''`: the repository's root). */
  folder: string;
  /** The files and folders the line names, relative to that folder. */
  names: string[];
  line: string;
}

/**
 * The `## Layout` block, line by line: a line that starts at the margin opens a top folder
 * (`v2/src/`) or names a root file; indented by two, a folder inside it (`  stock/`); indented
 * further, it goes on describing the folder above.
 */
function layout(): LayoutLine[] {
  const block = /## Layout\s+```\n([\s\S]*?)```/.exec(doc)![1]!;
  const lines: LayoutLine[] = [];
  let top = '';
  let folder = '';
  for (const line of block.split('\n').filter((l) => l.trim() !== '')) {
    const indent = /^ */.exec(line)![0].length;
    const header = line.trim().split(/\s+/)[0]!;
    const names: string[] = [];
    if (indent === 0) {
      top = header.endsWith('/') ? header : '';
      folder = top;
      if (!top) names.push(header);
    } else if (indent === 2) {
      folder = `${top}${header}`;
    }
    const text = indent <= 2 ? line.trim().slice(header.length) : line;
    names.push(...[...text.matchAll(/[\w.*-]+(?:\/[\w.*-]+)*\.(?:ts|js|lua|sql|sh|conf|yml)\b/g)].map((m) => m[0]));
    lines.push({ folder, names, line: line.trim() });
  }
  return lines;
}

describe('ARCHITECTURE.md', () => {
  it('names, in backticks, only files and folders that exist', () => {
    const named = pathsInBackticks(doc);
    expect(named.length).toBeGreaterThan(40);
    expect(named.filter((name) => !existsUnder('', name))).toEqual([]);
  });

  it('names, in prose and diagrams, only source files (.ts, .lua, .sql) that exist', () => {
    const named = sourceFileNames(doc);
    expect(named.length).toBeGreaterThan(40);
    expect([...new Set(named.filter((name) => !existsUnder('', name)))]).toEqual([]);
  });

  it('lists in its layout only files that exist, each in the folder it is listed under', () => {
    const missing = layout().flatMap(({ folder, names, line }) =>
      names.filter((name) => !existsUnder(folder, name) && !paths.includes(name)).map((name) => `${folder}${name} (in "${line.trim()}")`),
    );
    expect(missing).toEqual([]);
  });

  it('lists in its layout every folder of shared/src, v1/src and v2/src', () => {
    const listed = new Set(
      layout().flatMap(({ folder, names }) => [folder, ...names.filter((name) => name.includes('/')).map((name) => `${folder}${name.split('/')[0]}/`)]),
    );
    const folders = paths.filter((p) => /^(shared|v1|v2)\/src\/[^/]+\/$/.test(p));
    expect(folders.length).toBeGreaterThan(10);
    expect(folders.filter((folder) => !listed.has(folder))).toEqual([]);
  });
});

import { execFileSync } from 'node:child_process';
import path from 'node:path';
import ts from 'typescript';
import { ROOT } from '../lib/entry-points';

// `npm run typecheck` checks every source file of the repository: each TypeScript or JavaScript
// file git tracks is in one of the projects it runs, so a new file cannot slip past the type-check.
const PROJECTS = ['tsconfig.test.json', 'tsconfig.tools.json', 'tsconfig.js.json', 'tsconfig.views.json'];
const SOURCE = /\.(ts|js|mjs|cjs)$/;

function filesOf(project: string): string[] {
  const parsed = ts.getParsedCommandLineOfConfigFile(path.join(ROOT, project), {}, { ...ts.sys, onUnRecoverableConfigFileDiagnostic: () => undefined });
  if (!parsed) throw new Error(`${project} could not be read`);
  return parsed.fileNames.map((file) => path.relative(ROOT, file));
}

describe('the type-check', () => {
  it('covers every TypeScript and JavaScript file git tracks', () => {
    const tracked = execFileSync('git', ['ls-files'], { cwd: ROOT, encoding: 'utf8' })
      .split('\n')
      .filter((file) => SOURCE.test(file));
    const checked = new Set(PROJECTS.flatMap(filesOf));
    expect(tracked.length).toBeGreaterThan(200);
    expect(tracked.filter((file) => !checked.has(file))).toEqual([]);
  });
});
